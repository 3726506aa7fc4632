#pragma once

#include <jobop/store/mysql/time_zone.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

// A server-side prepared statement of the MySQL protocol. Values travel
// only as bound parameters, never spliced into SQL text.
namespace jobop::store::mysql {

class Connection;

// One prepared statement of a Connection. Parameters are the `?`
// placeholders numbered from 1 in the order they appear (as the SQLite
// layer's ?1, ?2, ...; MySQL has no numbered placeholders); columns are
// numbered from 0. Rows are streamed: fetch() reads them off the network one
// at a time and buffers none, so while a result is open its connection runs
// nothing else: read it to the end or reset(). Every failure of the server
// or the network throws core::StoreError (errors.hpp); a misuse (index out
// of range, a parameter left unbound, a column read as a type it is not)
// throws std::logic_error.
class Statement {
public:
  // Prepare `sql` on `connection`.
  Statement(Connection& connection, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Bind `value` to parameter `index`; text is copied and sent as bytes in
  // the connection's character set (utf8mb4): into a blob column they are
  // stored as they are.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind_null(int index);
  // Bind a datetime with milliseconds (`value` must be is_valid()).
  Statement& bind_datetime(int index, const CivilTime& value);

  // Execute a statement that returns no rows; return the rows it affected
  // (matched, for an UPDATE: the connection asks for found rows).
  std::int64_t run();
  // Execute the statement; read its rows, if any, with fetch().
  void execute();
  // Read the next row; return false when there is none left.
  bool fetch();
  // Free a pending result (reading off any rows left) and forget the
  // bindings, so a cached statement can run again.
  void reset();

  int column_count() const;
  bool is_null(int column) const;
  // Return an integer column (an unsigned one above INT64_MAX wraps), or a
  // text column that holds exactly an integer (a DECIMAL sum).
  std::int64_t column_int(int column) const;
  // Return the column's bytes as they are; a number or a datetime as text.
  std::string column_text(int column) const;
  std::optional<std::string> column_optional_text(int column) const;
  // Return a datetime column (or text in its layout), nullopt for NULL and
  // the zero date.
  std::optional<CivilTime> column_datetime(int column) const;

  std::int64_t affected_rows() const;
  // The AUTO_INCREMENT value the last INSERT generated.
  std::uint64_t insert_id() const;

  struct Impl;

private:
  std::unique_ptr<Impl> m_impl;
};

} // namespace jobop::store::mysql
