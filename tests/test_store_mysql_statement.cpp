#include "mysql_test_support.hpp"

#include <jobop/core/exceptions.hpp>
#include <jobop/store/mysql/connection.hpp>
#include <jobop/store/mysql/statement.hpp>
#include <jobop/store/mysql/time_zone.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>

using namespace jobop::store::mysql;
using jobop::core::k_millisecond;
using jobop::core::k_second;
using jobop::core::StoreError;
using jobop::core::UnixNanos;
using jobop::test::error_code_of;
using jobop::test::MysqlScratchSchema;

namespace {

// Every byte value, invalid UTF-8 included, repeated to `size` bytes.
std::string all_bytes(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<char>((i * 7 + i / 256) & 0xFF);
  }
  return bytes;
}

// This process's resident set size in KiB.
long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
    status.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

} // namespace

JOBOP_MYSQL_TEST_CASE("every bind type round-trips through a prepared statement, NULL too") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  Connection c = schema.connect();
  c.exec("CREATE TABLE t (seq_id bigint unsigned AUTO_INCREMENT PRIMARY KEY, n bigint, "
         "s varchar(128), x text, b blob, d datetime(3) NULL)");
  Statement insert = c.prepare("INSERT INTO t (n, s, x, b, d) VALUES (?, ?, ?, ?, ?)");
  const CivilTime when{2024, 5, 1, 12, 0, 0, 250};
  insert.bind(1, std::numeric_limits<std::int64_t>::min())
    .bind(2, std::string_view("caf\xC3\xA9 \xF0\x9F\x98\x80"))
    .bind(3, std::optional<std::string>("text"))
    .bind(4, std::string_view("\x00\xFF", 2))
    .bind_datetime(5, when);
  CHECK(insert.run() == 1);
  CHECK(insert.insert_id() == 1);
  insert.bind(1, std::numeric_limits<std::int64_t>::max())
    .bind(2, std::string_view())
    .bind(3, std::optional<std::string>())
    .bind_null(4)
    .bind_null(5);
  CHECK(insert.run() == 1);
  CHECK(insert.insert_id() == 2);

  Statement select = c.prepare("SELECT seq_id, n, s, x, b, d FROM t WHERE seq_id >= ? ORDER BY "
                               "seq_id");
  select.bind(1, std::int64_t{1}).execute();
  CHECK(select.column_count() == 6);
  REQUIRE(select.fetch());
  CHECK(select.column_int(0) == 1);
  CHECK(select.column_int(1) == std::numeric_limits<std::int64_t>::min());
  CHECK(select.column_text(1) == "-9223372036854775808");
  CHECK(select.column_text(2) == "caf\xC3\xA9 \xF0\x9F\x98\x80");
  CHECK(select.column_optional_text(3) == "text");
  CHECK(select.column_text(4) == std::string("\x00\xFF", 2));
  CHECK(select.column_datetime(5) == when);
  CHECK(select.column_text(5) == "2024-05-01 12:00:00.250");
  REQUIRE(select.fetch());
  CHECK(select.column_int(1) == std::numeric_limits<std::int64_t>::max());
  CHECK_FALSE(select.is_null(2));
  CHECK(select.column_text(2).empty());
  CHECK(select.is_null(3));
  CHECK_FALSE(select.column_optional_text(3).has_value());
  CHECK(select.is_null(4));
  CHECK_FALSE(select.column_datetime(5).has_value());
  CHECK_FALSE(select.fetch());
  CHECK_FALSE(select.fetch());

  // UPDATE counts the rows it matched, changed or not (found rows).
  Statement update = c.prepare("UPDATE t SET s = ? WHERE seq_id = ?");
  CHECK(update.bind(1, std::string_view("same")).bind(2, std::int64_t{1}).run() == 1);
  CHECK(update.bind(1, std::string_view("same")).bind(2, std::int64_t{1}).run() == 1);
  CHECK(update.bind(1, std::string_view("same")).bind(2, std::int64_t{9}).run() == 0);
  // Text that is an integer reads as one (a SUM is a DECIMAL).
  Statement sum =
    c.prepare("SELECT SUM(seq_id), CAST(? AS CHAR), NOW(3), '2024-02-29 01:02:03.5' FROM t");
  sum.bind(1, std::string_view("x")).execute();
  REQUIRE(sum.fetch());
  CHECK(sum.column_int(0) == 3);
  CHECK_THROWS_AS((void)sum.column_int(1), std::logic_error);
  CHECK(sum.column_datetime(2).has_value());
  CHECK(sum.column_datetime(3) == CivilTime{2024, 2, 29, 1, 2, 3, 500});
  CHECK_FALSE(sum.fetch());
}

JOBOP_MYSQL_TEST_CASE("a 64 KiB blob and invalid UTF-8 round-trip, longer values too") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  Connection c = schema.connect();
  c.exec("CREATE TABLE t (id int PRIMARY KEY, b blob, m mediumblob, x text)");
  const std::string blob = all_bytes(65535); // the most a blob holds
  const std::string big = all_bytes(3 << 20);
  Statement insert = c.prepare("INSERT INTO t (id, b, m, x) VALUES (?, ?, ?, ?)");
  insert.bind(1, std::int64_t{1}).bind(2, blob).bind(3, std::string_view("small")).bind(4, "a");
  CHECK(insert.run() == 1);
  insert.bind(1, std::int64_t{2}).bind(2, "\xC3\x28\xFF").bind(3, big).bind(4, "b");
  CHECK(insert.run() == 1);
  insert.bind(1, std::int64_t{3}).bind(2, "tiny").bind(3, "tiny").bind(4, "c");
  CHECK(insert.run() == 1);

  // Short, long, short again: a column's buffer grows and stays right.
  Statement select = c.prepare("SELECT b, m, x FROM t ORDER BY id");
  select.execute();
  REQUIRE(select.fetch());
  CHECK(select.column_text(0) == blob);
  CHECK(select.column_text(1) == "small");
  REQUIRE(select.fetch());
  CHECK(select.column_text(0) == "\xC3\x28\xFF");
  CHECK(select.column_text(1).size() == big.size());
  CHECK(select.column_text(1) == big);
  REQUIRE(select.fetch());
  CHECK(select.column_text(0) == "tiny");
  CHECK(select.column_text(1) == "tiny");
  CHECK_FALSE(select.fetch());

  // Strict mode refuses what does not fit, and invalid UTF-8 in text.
  insert.bind(1, std::int64_t{4}).bind(2, all_bytes(65536)).bind(3, "").bind(4, "");
  try {
    insert.run();
    FAIL("a blob of 65,536 bytes was stored");
  } catch (const StoreError& e) {
    CHECK(e.details()["mysql_errno"] == 1406); // data too long
  }
  insert.bind(1, std::int64_t{5}).bind(2, "").bind(3, "").bind(4, "\xFF\xFE");
  try {
    insert.run();
    FAIL("invalid UTF-8 was stored in a text column");
  } catch (const StoreError& e) {
    CHECK(e.code() == "store.error");
    CHECK(e.details()["mysql_errno"] == 1366); // incorrect string value
  }
}

JOBOP_MYSQL_TEST_CASE("datetime(3) round-trips in UTC and across DST in Europe/Berlin") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  Connection c = schema.connect();
  c.exec("CREATE TABLE t (id int PRIMARY KEY, d datetime(3) NULL)");
  const UnixNanos spring = 1'711'846'800 * k_second; // 2024-03-31 01:00:00Z, CET -> CEST
  const UnixNanos autumn = 1'729'990'800 * k_second; // 2024-10-27 01:00:00Z, CEST -> CET
  for (const char* loc : {"UTC", "Europe/Berlin"}) {
    CAPTURE(std::string(loc));
    const TimeZone zone = TimeZone::from_loc(loc);
    c.exec("DELETE FROM t");
    Statement insert = c.prepare("INSERT INTO t VALUES (?, ?)");
    std::vector<UnixNanos> times;
    for (const UnixNanos base : {spring, autumn}) {
      for (const UnixNanos delta : {-k_second - 1, -k_millisecond, UnixNanos{0}, UnixNanos{999'999},
                                    30 * 60 * k_second + 123'456'789}) {
        times.push_back(base + delta);
      }
    }
    for (std::size_t i = 0; i < times.size(); ++i) {
      insert.bind(1, static_cast<std::int64_t>(i)).bind_datetime(2, to_civil(times[i], zone));
      REQUIRE(insert.run() == 1);
    }
    Statement select = c.prepare("SELECT id, d, CAST(d AS CHAR) FROM t ORDER BY id");
    select.execute();
    std::size_t rows = 0;
    while (select.fetch()) {
      const auto i = static_cast<std::size_t>(select.column_int(0));
      const UnixNanos floor_ms =
        times[i] - ((times[i] % k_millisecond) + k_millisecond) % k_millisecond;
      const auto civil = select.column_datetime(1);
      REQUIRE(civil.has_value());
      // The hour Berlin repeats in October (00:00Z-01:00Z is 02:xx CEST, then
      // 01:00Z-02:00Z is 02:xx CET) cannot round-trip through a wall clock:
      // read back as Go reads it, it is the later, CET, instant.
      const bool repeated =
        zone.name() == "Europe/Berlin" && times[i] >= autumn - 3600 * k_second && times[i] < autumn;
      CHECK(from_civil(*civil, zone) == floor_ms + (repeated ? 3600 * k_second : 0));
      CHECK(select.column_text(2) == format_civil(*civil)); // the wall clock, as stored
      ++rows;
    }
    CHECK(rows == times.size());
  }
  // The wall clock written is the zone's: 01:00Z is 03:00 CEST in Berlin.
  Statement wall = c.prepare("SELECT CAST(? AS CHAR)");
  wall.bind_datetime(1, to_civil(spring, TimeZone::named("Europe/Berlin"))).execute();
  REQUIRE(wall.fetch());
  CHECK(wall.column_text(0).rfind("2024-03-31 03:00:00", 0) == 0);
  CHECK_FALSE(wall.fetch());
  // The zero date (allowed: the engine's sql_mode has no NO_ZERO_DATE) reads as none.
  c.exec("INSERT INTO t VALUES (100, '0000-00-00 00:00:00')");
  Statement zero = c.prepare("SELECT d, CAST(d AS CHAR) FROM t WHERE id = 100");
  zero.execute();
  REQUIRE(zero.fetch());
  CHECK_FALSE(zero.is_null(0));
  CHECK_FALSE(zero.column_datetime(0).has_value());
  CHECK_FALSE(zero.column_datetime(1).has_value());
  CHECK_FALSE(zero.fetch());
}

JOBOP_MYSQL_TEST_CASE("200,000 rows stream through fetch without being buffered") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  Connection c = schema.connect();
  c.exec("CREATE TABLE d (i int PRIMARY KEY)");
  c.exec("INSERT INTO d VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)");
  c.exec("CREATE TABLE t (id int PRIMARY KEY, payload varchar(300) NOT NULL)");
  c.exec("INSERT INTO t SELECT a.i + 10*b.i + 100*e.i + 1000*f.i + 10000*g.i + 100000*h.i, "
         "REPEAT('x', 200) FROM d a, d b, d e, d f, d g, d h WHERE h.i < 2");
  constexpr std::int64_t k_rows = 200'000;
  Statement select = c.prepare("SELECT id, payload FROM t ORDER BY id");
  const long rss_before = rss_kib();
  long rss_peak = rss_before;
  select.execute();
  std::int64_t rows = 0;
  std::int64_t previous = -1;
  bool ordered = true;
  while (select.fetch()) {
    const std::int64_t id = select.column_int(0);
    ordered = ordered && id == previous + 1;
    previous = id;
    if (++rows % 10'000 == 0) {
      rss_peak = std::max(rss_peak, rss_kib());
      CHECK(select.column_text(1).size() == 200);
    }
  }
  CHECK(rows == k_rows);
  CHECK(ordered);
  MESSAGE("streamed " << rows << " rows of ~210 bytes; RSS " << rss_before << " KiB before, "
                      << rss_peak << " KiB at most while reading");
  // Buffered, the rows alone would take over 40 MiB.
  CHECK(rss_peak - rss_before < 8 * 1024);

  // While rows are pending the connection runs nothing else; reset() frees them.
  select.execute();
  REQUIRE(select.fetch());
  CHECK(error_code_of([&] { c.exec("SELECT 1"); }) == "store.error"); // commands out of sync
  select.reset();
  c.exec("SELECT 1");
  Statement& count = c.cached("SELECT COUNT(*) FROM t");
  count.execute();
  REQUIRE(count.fetch());
  CHECK(count.column_int(0) == k_rows);
  // Left half-read, the cached statement is reset by its next use.
  Statement& again = c.cached("SELECT COUNT(*) FROM t");
  again.execute();
  REQUIRE(again.fetch());
  CHECK(again.column_int(0) == k_rows);
}

JOBOP_MYSQL_TEST_CASE("statement misuse is a logic error, SQL errors are store errors") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  Connection c = schema.connect();
  c.exec("CREATE TABLE t (id int PRIMARY KEY)");
  Statement insert = c.prepare("INSERT INTO t VALUES (?)");
  CHECK_THROWS_AS(insert.bind(0, std::int64_t{1}), std::logic_error);
  CHECK_THROWS_AS(insert.bind(2, std::int64_t{1}), std::logic_error);
  CHECK_THROWS_AS(insert.execute(), std::logic_error); // parameter 1 unbound
  CHECK_THROWS_AS(insert.bind_datetime(1, CivilTime{2024, 2, 30}), std::logic_error);
  insert.bind(1, std::int64_t{1});
  CHECK(insert.run() == 1);
  insert.reset();
  CHECK_THROWS_AS(insert.execute(), std::logic_error); // reset() forgets the bindings
  try {
    insert.bind(1, std::int64_t{1}).run();
    FAIL("a duplicate key was stored");
  } catch (const StoreError& e) {
    CHECK(e.code() == "store.error");
    CHECK(e.details()["mysql_errno"] == 1062);
    CHECK(e.details()["sqlstate"] == "23000");
    CHECK(e.details()["action"] == "execute INSERT INTO t VALUES (?)");
  }
  try {
    (void)c.prepare("SELEKT 1");
    FAIL("prepared nonsense");
  } catch (const StoreError& e) {
    CHECK(e.details()["mysql_errno"] == 1064);
    CHECK(e.details()["sqlstate"] == "42000");
    CHECK(e.details()["server"] == c.display());
  }
  CHECK(error_code_of([&] { c.exec("SELECT * FROM missing_table"); }) == "store.error");
}
