#pragma once

#include <jobop/store/mysql/statement.hpp>
#include <jobop/store/mysql/time_zone.hpp>
#include <jobop/time/timestamp.hpp>

#include <optional>
#include <string>

// A fetched row of a Statement as store/row_layout.hpp reads it: datetime
// columns become instants in the connection's zone (`loc`).
namespace jobop::store::mysql {

class Row {
public:
  Row(const Statement& stmt, const TimeZone& zone) : m_stmt(stmt), m_zone(zone) {}
  bool is_null(int column) const { return m_stmt.is_null(column); }
  std::int64_t column_int(int column) const { return m_stmt.column_int(column); }
  std::string column_text(int column) const { return m_stmt.column_text(column); }
  std::optional<std::string> column_optional_text(int column) const {
    return m_stmt.column_optional_text(column);
  }
  // Return the instant of a datetime column, exact over the years 1 to 9999;
  // nullopt for NULL, the zero date, Go's zero time and an invalid date.
  std::optional<time::Timestamp> column_timestamp(int column) const {
    const auto civil = m_stmt.column_datetime(column);
    if (!civil || !is_valid(*civil)) {
      return std::nullopt;
    }
    return time::store_timestamp(unix_seconds_from_civil(*civil, m_zone),
                                 std::int64_t{civil->millisecond} * core::k_millisecond);
  }

private:
  const Statement& m_stmt;
  const TimeZone& m_zone;
};

} // namespace jobop::store::mysql
