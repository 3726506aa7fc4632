#include <jobop/store/mysql/statement.hpp>

#include <jobop/store/mysql/connection.hpp>
#include <jobop/store/mysql/errors.hpp>

#include <jobop/store/mysql/client_library.hpp>
#include <mysql.h>

#include <charconv>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace jobop::store::mysql {

// Named, not anonymous: Statement::Impl holds these (an anonymous type in a
// member is refused when a unity build includes this file).
namespace binds {

struct Param {
  bool bound = false;
  std::int64_t integer = 0;
  std::string text;
  MYSQL_TIME time{};
  unsigned long length = 0;
  my_bool is_null = 0;
};

struct Column {
  enum class Kind { integer, datetime, text };
  Kind kind = Kind::text;
  std::int64_t integer = 0;
  MYSQL_TIME time{};
  std::vector<char> buffer;
  unsigned long length = 0;
  my_bool is_null = 0;
  my_bool error = 0;
};

} // namespace binds

namespace {

using binds::Column;
using binds::Param;

// A text column starts with this much room; a longer value is fetched again
// into a buffer of its size, which the column then keeps.
constexpr std::size_t k_initial_text_buffer = 256;

Column::Kind kind_of(enum_field_types type) {
  switch (type) {
  case MYSQL_TYPE_TINY:
  case MYSQL_TYPE_SHORT:
  case MYSQL_TYPE_INT24:
  case MYSQL_TYPE_LONG:
  case MYSQL_TYPE_LONGLONG:
  case MYSQL_TYPE_YEAR:
    return Column::Kind::integer;
  case MYSQL_TYPE_DATETIME:
  case MYSQL_TYPE_TIMESTAMP:
  case MYSQL_TYPE_DATE:
  case MYSQL_TYPE_NEWDATE:
    return Column::Kind::datetime;
  default:
    return Column::Kind::text;
  }
}

// The first words of `sql`, for messages (it holds no values: those are
// bound).
std::string head_of(std::string_view sql) {
  std::string head;
  for (const char c : sql) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (head.empty() || head.back() == ' ')) {
      continue;
    }
    head += space ? ' ' : c;
    if (head.size() >= 60) {
      return head + "...";
    }
  }
  return head;
}

} // namespace

struct Statement::Impl {
  MYSQL_STMT* stmt = nullptr;
  std::string server; // display URL, for messages
  std::string head;   // the SQL's first words, for messages
  std::vector<Param> params;
  std::vector<MYSQL_BIND> param_binds;
  std::vector<Column> columns;
  std::vector<MYSQL_BIND> result_binds;
  bool has_result = false; // rows may be pending on the connection
  bool rebind = false;     // a column buffer grew: bind the results again

  ~Impl() {
    if (stmt != nullptr) {
      client_library().mysql_stmt_close(stmt);
    }
  }

  [[noreturn]] void fail(std::string_view action) const {
    const ClientLibrary& lib = client_library();
    // An error met while rows stream in (a lock wait timeout or a deadlock
    // of a FOR UPDATE read, a lost server) is the connection's, not the
    // statement's: the statement then says 0.
    if (lib.mysql_stmt_errno(stmt) == 0 && stmt->mysql != nullptr &&
        lib.mysql_errno(stmt->mysql) != 0) {
      throw_mysql_error(lib.mysql_errno(stmt->mysql), lib.mysql_sqlstate(stmt->mysql),
                        lib.mysql_error(stmt->mysql), server, std::string(action) + " " + head);
    }
    throw_mysql_error(lib.mysql_stmt_errno(stmt), lib.mysql_stmt_sqlstate(stmt),
                      lib.mysql_stmt_error(stmt), server, std::string(action) + " " + head);
  }

  Param& param(int index, MYSQL_BIND*& bind) {
    if (index < 1 || static_cast<std::size_t>(index) > params.size()) {
      throw std::logic_error("parameter " + std::to_string(index) + " out of range 1.." +
                             std::to_string(params.size()) + " in " + head);
    }
    const auto i = static_cast<std::size_t>(index - 1);
    bind = &param_binds[i];
    std::memset(bind, 0, sizeof *bind);
    Param& p = params[i];
    p.bound = true;
    p.is_null = 0;
    bind->is_null = &p.is_null;
    return p;
  }

  const Column& column(int index) const {
    if (!has_result && columns.empty()) {
      throw std::logic_error("no result to read in " + head);
    }
    if (index < 0 || static_cast<std::size_t>(index) >= columns.size()) {
      throw std::logic_error("column " + std::to_string(index) + " out of range in " + head);
    }
    return columns[static_cast<std::size_t>(index)];
  }

  void bind_results() {
    if (client_library().mysql_stmt_bind_result(stmt, result_binds.data()) != 0) {
      fail("bind the columns of");
    }
    rebind = false;
  }

  // Describe and bind the result's columns (once: a prepared statement's
  // columns do not change).
  void setup_results() {
    const unsigned count = client_library().mysql_stmt_field_count(stmt);
    if (count == columns.size()) {
      return;
    }
    MYSQL_RES* metadata = client_library().mysql_stmt_result_metadata(stmt);
    if (metadata == nullptr) {
      fail("describe the result of");
    }
    const MYSQL_FIELD* fields = client_library().mysql_fetch_fields(metadata);
    columns.assign(count, Column{});
    result_binds.assign(count, MYSQL_BIND{});
    for (unsigned i = 0; i < count; ++i) {
      Column& col = columns[i];
      MYSQL_BIND& b = result_binds[i];
      col.kind = kind_of(fields[i].type);
      b.is_null = &col.is_null;
      b.length = &col.length;
      b.error = &col.error;
      switch (col.kind) {
      case Column::Kind::integer:
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &col.integer;
        b.is_unsigned = static_cast<my_bool>((fields[i].flags & UNSIGNED_FLAG) != 0);
        break;
      case Column::Kind::datetime:
        b.buffer_type = MYSQL_TYPE_DATETIME;
        b.buffer = &col.time;
        break;
      case Column::Kind::text:
        col.buffer.resize(k_initial_text_buffer);
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = col.buffer.data();
        b.buffer_length = static_cast<unsigned long>(col.buffer.size());
        break;
      }
    }
    client_library().mysql_free_result(metadata);
    bind_results();
  }

  // Fetch again, whole, each text column longer than its buffer.
  void fetch_long_columns() {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      Column& col = columns[i];
      if (col.kind != Column::Kind::text || col.is_null || col.length <= col.buffer.size()) {
        continue;
      }
      col.buffer.resize(std::max<std::size_t>(col.length, col.buffer.size() * 2));
      MYSQL_BIND& b = result_binds[i];
      b.buffer = col.buffer.data();
      b.buffer_length = static_cast<unsigned long>(col.buffer.size());
      rebind = true;
      MYSQL_BIND whole{};
      unsigned long length = 0;
      whole.buffer_type = MYSQL_TYPE_STRING;
      whole.buffer = col.buffer.data();
      whole.buffer_length = static_cast<unsigned long>(col.buffer.size());
      whole.length = &length;
      if (client_library().mysql_stmt_fetch_column(stmt, &whole, static_cast<unsigned>(i), 0) !=
          0) {
        fail("fetch a long column of");
      }
      col.length = length;
    }
  }

  void free_result() {
    if (has_result) {
      has_result = false;
      if (client_library().mysql_stmt_free_result(stmt) != 0) {
        fail("read the rest of the result of");
      }
    }
  }
};

Statement::Statement(Connection& connection, std::string_view sql)
  : m_impl(std::make_unique<Impl>()) {
  m_impl->server = connection.display();
  m_impl->head = head_of(sql);
  m_impl->stmt = client_library().mysql_stmt_init(connection.handle());
  if (m_impl->stmt == nullptr) {
    connection.fail("prepare " + m_impl->head);
  }
  if (client_library().mysql_stmt_prepare(m_impl->stmt, sql.data(),
                                          static_cast<unsigned long>(sql.size())) != 0) {
    m_impl->fail("prepare");
  }
  const unsigned long count = client_library().mysql_stmt_param_count(m_impl->stmt);
  m_impl->params.resize(count);
  m_impl->param_binds.assign(count, MYSQL_BIND{});
}

Statement::~Statement() = default;
Statement::Statement(Statement&& other) noexcept = default;
Statement& Statement::operator=(Statement&& other) noexcept = default;

Statement& Statement::bind(int index, std::int64_t value) {
  MYSQL_BIND* b = nullptr;
  Param& p = m_impl->param(index, b);
  p.integer = value;
  b->buffer_type = MYSQL_TYPE_LONGLONG;
  b->buffer = &p.integer;
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  MYSQL_BIND* b = nullptr;
  Param& p = m_impl->param(index, b);
  p.text.assign(value.data(), value.size());
  p.length = static_cast<unsigned long>(p.text.size());
  b->buffer_type = MYSQL_TYPE_STRING;
  b->buffer = p.text.data();
  b->buffer_length = p.length;
  b->length = &p.length;
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  MYSQL_BIND* b = nullptr;
  Param& p = m_impl->param(index, b);
  p.is_null = 1;
  b->buffer_type = MYSQL_TYPE_NULL;
  return *this;
}

Statement& Statement::bind_datetime(int index, const CivilTime& value) {
  if (!is_valid(value)) {
    throw std::logic_error("invalid datetime " + format_civil(value) + " for parameter " +
                           std::to_string(index) + " in " + m_impl->head);
  }
  MYSQL_BIND* b = nullptr;
  Param& p = m_impl->param(index, b);
  p.time = MYSQL_TIME{};
  p.time.year = static_cast<unsigned>(value.year);
  p.time.month = static_cast<unsigned>(value.month);
  p.time.day = static_cast<unsigned>(value.day);
  p.time.hour = static_cast<unsigned>(value.hour);
  p.time.minute = static_cast<unsigned>(value.minute);
  p.time.second = static_cast<unsigned>(value.second);
  p.time.second_part = static_cast<unsigned long>(value.millisecond) * 1000; // microseconds
  p.time.time_type = MYSQL_TIMESTAMP_DATETIME;
  b->buffer_type = MYSQL_TYPE_DATETIME;
  b->buffer = &p.time;
  return *this;
}

void Statement::execute() {
  Impl& impl = *m_impl;
  impl.free_result();
  for (std::size_t i = 0; i < impl.params.size(); ++i) {
    if (!impl.params[i].bound) {
      throw std::logic_error("parameter " + std::to_string(i + 1) + " is not bound in " +
                             impl.head);
    }
  }
  if (!impl.params.empty() &&
      client_library().mysql_stmt_bind_param(impl.stmt, impl.param_binds.data()) != 0) {
    impl.fail("bind the parameters of");
  }
  if (client_library().mysql_stmt_execute(impl.stmt) != 0) {
    impl.fail("execute");
  }
  if (client_library().mysql_stmt_field_count(impl.stmt) > 0) {
    impl.setup_results();
    impl.has_result = true;
  }
}

bool Statement::fetch() {
  Impl& impl = *m_impl;
  if (!impl.has_result) {
    return false;
  }
  if (impl.rebind) {
    impl.bind_results();
  }
  const int rc = client_library().mysql_stmt_fetch(impl.stmt);
  if (rc == MYSQL_NO_DATA) {
    impl.has_result = false;
    return false;
  }
  if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) {
    impl.has_result = false;
    impl.fail("fetch a row of");
  }
  impl.fetch_long_columns();
  return true;
}

std::int64_t Statement::run() {
  execute();
  m_impl->free_result();
  return affected_rows();
}

void Statement::reset() {
  m_impl->free_result();
  for (Param& p : m_impl->params) {
    p.bound = false;
  }
}

int Statement::column_count() const {
  return static_cast<int>(m_impl->columns.size());
}

bool Statement::is_null(int column) const {
  return m_impl->column(column).is_null != 0;
}

std::int64_t Statement::column_int(int column) const {
  const Column& col = m_impl->column(column);
  if (col.is_null) {
    return 0;
  }
  if (col.kind == Column::Kind::integer) {
    return col.integer;
  }
  if (col.kind == Column::Kind::text) {
    std::int64_t value = 0;
    const char* end = col.buffer.data() + col.length;
    const auto [ptr, ec] = std::from_chars(col.buffer.data(), end, value);
    if (ec == std::errc() && ptr == end) {
      return value;
    }
  }
  throw std::logic_error("column " + std::to_string(column) + " of " + m_impl->head +
                         " is not an integer");
}

std::string Statement::column_text(int column) const {
  const Column& col = m_impl->column(column);
  if (col.is_null) {
    return {};
  }
  switch (col.kind) {
  case Column::Kind::integer:
    return std::to_string(col.integer);
  case Column::Kind::datetime: {
    const auto civil = column_datetime(column);
    return civil ? format_civil(*civil) : "0000-00-00 00:00:00.000";
  }
  case Column::Kind::text:
    break;
  }
  return std::string(col.buffer.data(), col.length);
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  if (is_null(column)) {
    return std::nullopt;
  }
  return column_text(column);
}

std::optional<CivilTime> Statement::column_datetime(int column) const {
  const Column& col = m_impl->column(column);
  if (col.is_null) {
    return std::nullopt;
  }
  if (col.kind == Column::Kind::text) {
    return parse_civil(std::string_view(col.buffer.data(), col.length));
  }
  if (col.kind != Column::Kind::datetime || (col.time.year == 0 && col.time.month == 0)) {
    return std::nullopt;
  }
  CivilTime c;
  c.year = static_cast<int>(col.time.year);
  c.month = static_cast<int>(col.time.month);
  c.day = static_cast<int>(col.time.day);
  c.hour = static_cast<int>(col.time.hour);
  c.minute = static_cast<int>(col.time.minute);
  c.second = static_cast<int>(col.time.second);
  c.millisecond = static_cast<int>(col.time.second_part / 1000);
  return is_valid(c) ? std::optional<CivilTime>(c) : std::nullopt;
}

std::int64_t Statement::affected_rows() const {
  return static_cast<std::int64_t>(client_library().mysql_stmt_affected_rows(m_impl->stmt));
}

std::uint64_t Statement::insert_id() const {
  return client_library().mysql_stmt_insert_id(m_impl->stmt);
}

} // namespace jobop::store::mysql
