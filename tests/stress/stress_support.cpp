#include "stress_support.hpp"

#include "process.hpp"

#include <jobop/core/exceptions.hpp>
#include <jobop/operator/cancel.hpp>
#include <jobop/store/metastore.hpp>
#include <jobop/store/mysql/connection_config.hpp>
#include <jobop/store/mysql/statement.hpp>
#include <jobop/store/mysql/time_zone.hpp>
#include <jobop/store/open.hpp>
#include <jobop/store/sqlite/sqlite.hpp>
#include <jobop/store/sqlite/sqlite_metastore.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sqlite3.h>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace jobop::stress {

bool sanitized_build() {
#ifdef JOBOP_STRESS_SANITIZED
  return true;
#else
  return false;
#endif
}

std::size_t env_count(const char* name, std::size_t fallback, std::size_t sanitized_fallback) {
  return env_count(name, sanitized_build() ? sanitized_fallback : fallback);
}

std::size_t env_count(const char* name, std::size_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') {
    return fallback;
  }
  return static_cast<std::size_t>(std::stoull(text));
}

std::uint64_t stress_seed() {
  const char* text = std::getenv("JOBOP_STRESS_SEED");
  return text != nullptr && *text != '\0' ? std::stoull(text) : 20240501;
}

std::vector<std::string> job_ids(std::size_t n, const std::string& prefix) {
  std::vector<std::string> ids;
  ids.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%05zu", i);
    ids.push_back(prefix + buffer);
  }
  return ids;
}

namespace {

// The fields of a seeded job that do not matter to the tests, as
// seed_running_jobs writes them on both backends.
model::JobSpec seed_spec(const std::string& id, std::size_t i) {
  model::JobSpec spec;
  spec.id = id;
  spec.project_id = "project-" + std::to_string(i % 3);
  spec.type = i % 2 == 0 ? model::JobType::fake_job : model::JobType::cdc;
  spec.state = model::JobState::init;
  spec.node_id = "node-" + std::to_string(i % 5);
  spec.address = "10.0.0." + std::to_string(i % 5) + ":10240";
  spec.epoch = static_cast<std::int64_t>(i % 7);
  spec.config = R"({"password":"s3cret-)" + id + R"("})";
  return spec;
}

constexpr core::UnixNanos k_seed_t0 = 1'714'564'800 * core::k_second;

} // namespace

void seed_running_jobs(const std::string& path, const std::vector<std::string>& ids) {
  store::init_metastore(path);
  jobop::store::sqlite::SqliteMetastore metastore(path, store::OpenMode::read_write);
  metastore.db().exec("PRAGMA synchronous=OFF");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    metastore.put_job(seed_spec(ids[i], i), k_seed_t0 + static_cast<core::Nanos>(i));
  }
}

namespace {

// Open `path` as any other process would after a crash: read-write, so that
// a hot WAL left by a killed writer is recovered, but never created.
store::sqlite::Database open_existing(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    throw std::runtime_error("no metastore at " + path);
  }
  return store::sqlite::Database(path, SQLITE_OPEN_READWRITE, 30 * core::k_second);
}

std::string text_or_empty(const store::sqlite::Statement& stmt, int column) {
  return stmt.is_null(column) ? std::string() : stmt.column_text(column);
}

} // namespace

std::string integrity_check(const std::string& path) {
  store::sqlite::Database db = open_existing(path);
  store::sqlite::Statement stmt = db.prepare("PRAGMA integrity_check");
  std::string result;
  while (stmt.step()) {
    result += (result.empty() ? "" : "\n") + stmt.column_text(0);
  }
  return result;
}

std::map<std::string, JobView> read_jobs(const std::string& path) {
  store::sqlite::Database db = open_existing(path);
  std::map<std::string, JobView> jobs;
  {
    store::sqlite::Statement stmt =
      db.prepare("SELECT id, state, updated_at, deleted IS NULL FROM master_meta");
    while (stmt.step()) {
      JobView& view = jobs[stmt.column_text(0)];
      view.live = stmt.column_int(3) != 0;
      view.state = stmt.column_int(1);
      view.job_updated_at = text_or_empty(stmt, 2);
    }
  }
  {
    store::sqlite::Statement stmt =
      db.prepare("SELECT job_id, op, seq_id, created_at, updated_at FROM job_ops");
    while (stmt.step()) {
      JobView& view = jobs[stmt.column_text(0)];
      view.op = stmt.column_int(1);
      view.op_seq_id = stmt.column_int(2);
      view.op_created_at = text_or_empty(stmt, 3);
      view.op_updated_at = text_or_empty(stmt, 4);
    }
  }
  {
    store::sqlite::Statement stmt = db.prepare("SELECT job_id, send_count FROM jobop_outbox");
    while (stmt.step()) {
      jobs[stmt.column_text(0)].send_count = stmt.column_int(1);
    }
  }
  return jobs;
}

void copy_metastore(const std::string& from, const std::string& to) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(to + suffix);
  }
  std::filesystem::copy_file(from, to);
}

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::binary);
  for (const std::string& line : lines) {
    out << line << '\n';
  }
}

std::vector<nlohmann::json> complete_json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::size_t begin = 0;
  for (std::size_t end = text.find('\n'); end != std::string::npos;
       begin = end + 1, end = text.find('\n', begin)) {
    if (end > begin) {
      lines.push_back(nlohmann::json::parse(text.begin() + static_cast<std::ptrdiff_t>(begin),
                                            text.begin() + static_cast<std::ptrdiff_t>(end)));
    }
  }
  return lines;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// --- Both backends -----------------------------------------------------------

namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// Rows per multi-row statement of the MySQL set-up: 9 parameters a row stay
// far below the protocol's 65,535.
constexpr std::size_t k_seed_batch = 1000;

std::string placeholders(const std::string& row, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += (i == 0 ? "" : ", ") + row;
  }
  return out;
}

// Run `sql_for(rows)` over `ids` in batches of k_seed_batch, binding with
// `bind(stmt, first_parameter_of_row, index)`, all in one transaction.
template <typename SqlFor, typename Bind>
void batched(store::mysql::Connection& conn, std::size_t n, SqlFor&& sql_for, Bind&& bind) {
  conn.begin();
  for (std::size_t first = 0; first < n; first += k_seed_batch) {
    const std::size_t rows = std::min(k_seed_batch, n - first);
    store::mysql::Statement stmt = conn.prepare(sql_for(rows));
    int p = 1;
    for (std::size_t i = first; i < first + rows; ++i) {
      p = bind(stmt, p, i);
    }
    stmt.run();
  }
  conn.commit();
}

// The server reports a table in trouble as a row of CHECK TABLE whose
// Msg_type is "error", or whose last "status" is not OK.
std::string check_tables(store::mysql::Connection& conn) {
  std::string problems;
  store::mysql::Statement stmt =
    conn.prepare("CHECK TABLE `master_meta`, `job_ops`, `jobop_meta`, `jobop_outbox` EXTENDED");
  stmt.execute();
  while (stmt.fetch()) {
    const std::string table = stmt.column_text(0);
    const std::string type = stmt.column_text(2);
    const std::string text = stmt.column_text(3);
    if (type == "error" || (type == "status" && text != "OK")) {
      problems += "CHECK TABLE " + table + ": " + type + ": " + text + "\n";
    }
  }
  return problems;
}

} // namespace

bool stress_on_mysql() {
  return env_or_empty("JOBOP_STRESS_BACKEND") == "mysql";
}

bool mysql_server_or_skip(const char* test, bool need_ctl) {
  std::string why;
  if (env_or_empty("JOBOP_TEST_MYSQL_URL").empty()) {
    if (env_or_empty("CI") == "true") {
      FAIL(std::string(test)
           << ": JOBOP_TEST_MYSQL_URL is not set, and CI must run the MySQL tests "
              "(scripts/test starts a server; scripts/mysql-server start DIR by hand)");
    }
    why = "JOBOP_TEST_MYSQL_URL is not set (start one: scripts/mysql-server start DIR && "
          "source DIR/env)";
  } else if (need_ctl && env_or_empty("JOBOP_TEST_MYSQL_CTL").empty()) {
    why = "JOBOP_TEST_MYSQL_CTL is not set: the server is an external one, which this test "
          "must not kill";
  }
  if (why.empty()) {
    return true;
  }
  MESSAGE("jobop-stress: skipped " << std::string(test) << ": " << why);
  std::cout << nlohmann::json{{"test", test}, {"skipped", why}}.dump() << std::endl;
  return false;
}

StressStore::StressStore(const std::string& dir, const std::string& name, bool mysql)
  : m_mysql(mysql) {
  if (!m_mysql) {
    m_db = dir + "/" + name + ".db";
    return;
  }
  static int counter = 0;
  m_name =
    "jobop_stress_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" + name;
  const std::string base = env_or_empty("JOBOP_TEST_MYSQL_URL");
  REQUIRE_MESSAGE(!base.empty(), "JOBOP_STRESS_BACKEND=mysql needs JOBOP_TEST_MYSQL_URL");
  m_db = base;
  const auto query = m_db.find('?', 8);
  m_db.insert(query == std::string::npos ? m_db.size() : query, m_name);
  m_password = env_or_empty("JOBOP_TEST_MYSQL_PASSWORD");
  m_env.push_back("JOBOP_DB_PASSWORD=" + m_password);
  auto config = store::mysql::parse_mysql_url(m_db);
  config.schema = "information_schema";
  config.password = m_password;
  store::mysql::Connection(config).exec("CREATE DATABASE `" + m_name + "`");
}

StressStore::~StressStore() {
  if (!m_mysql) {
    return;
  }
  try {
    auto config = store::mysql::parse_mysql_url(m_db);
    config.schema = "information_schema";
    config.password = m_password;
    store::mysql::Connection(config).exec("DROP DATABASE IF EXISTS `" + m_name + "`");
  } catch (const std::exception&) {
    // Left behind (the server may be down after a failed kill test); the
    // name says whose it was.
  }
}

std::vector<std::string> StressStore::args(const std::vector<std::string>& args) const {
  std::vector<std::string> all{"--db", m_db};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

store::mysql::Connection StressStore::connect() const {
  auto config = store::mysql::parse_mysql_url(m_db);
  config.password = m_password;
  // The checks read every row of a large schema: no short read time-out.
  config.read_timeout = 60 * core::k_second;
  config.write_timeout = 60 * core::k_second;
  return store::mysql::Connection(config);
}

std::unique_ptr<store::Metastore> StressStore::open() const {
  store::StoreTarget target;
  target.db = m_db;
  target.db_from_flag = true;
  if (m_mysql) {
    target.env_password = m_password;
  }
  return store::open_metastore(target, store::OpenMode::read_write);
}

void StressStore::seed_running_jobs(const std::vector<std::string>& ids) {
  if (!m_mysql) {
    stress::seed_running_jobs(m_db, ids);
    return;
  }
  store::StoreTarget target;
  target.db = m_db;
  target.db_from_flag = true;
  target.env_password = m_password;
  store::init_metastore(target);
  auto conn = connect();
  batched(
    conn, ids.size(),
    [](std::size_t rows) {
      return "INSERT INTO master_meta (created_at, updated_at, project_id, id, type, state, "
             "node_id, address, epoch, config, ext) VALUES " +
             placeholders("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{\"selectors\":null}')", rows);
    },
    [&](store::mysql::Statement& stmt, int p, std::size_t i) {
      const model::JobSpec spec = seed_spec(ids[i], i);
      const auto at =
        store::mysql::to_civil(k_seed_t0 + static_cast<core::Nanos>(i) * 1'000'000, conn.zone());
      stmt.bind_datetime(p, at).bind_datetime(p + 1, at);
      stmt.bind(p + 2, spec.project_id).bind(p + 3, spec.id);
      stmt.bind(p + 4, static_cast<std::int64_t>(spec.type));
      stmt.bind(p + 5, static_cast<std::int64_t>(spec.state));
      stmt.bind(p + 6, spec.node_id).bind(p + 7, spec.address).bind(p + 8, spec.epoch);
      stmt.bind(p + 9, spec.config);
      return p + 10;
    });
}

void StressStore::set_states(const std::vector<std::string>& ids, model::JobState state,
                             core::UnixNanos at) {
  if (!m_mysql) {
    jobop::store::sqlite::SqliteMetastore s(m_db, store::OpenMode::read_write);
    s.db().exec("PRAGMA synchronous=OFF");
    for (const std::string& id : ids) {
      s.set_job_state(id, state, std::nullopt, at);
    }
    return;
  }
  auto conn = connect();
  const auto civil = store::mysql::to_civil(at, conn.zone());
  batched(
    conn, ids.size(),
    [](std::size_t rows) {
      return "UPDATE master_meta SET state = ?, updated_at = ? WHERE id IN (" +
             placeholders("?", rows) + ")";
    },
    [&](store::mysql::Statement& stmt, int p, std::size_t i) {
      if (p == 1) {
        stmt.bind(1, static_cast<std::int64_t>(state)).bind_datetime(2, civil);
        p = 3;
      }
      stmt.bind(p, ids[i]);
      return p + 1;
    });
}

void StressStore::soft_delete(const std::vector<std::string>& ids, core::UnixNanos at) {
  if (!m_mysql) {
    jobop::store::sqlite::SqliteMetastore s(m_db, store::OpenMode::read_write);
    s.db().exec("PRAGMA synchronous=OFF");
    // Raw, like the engine's tables after a crash: delete_job refuses live jobs.
    auto stmt = s.db().prepare(
      "UPDATE master_meta SET deleted = ?1, updated_at = ?1 WHERE id = ?2 AND deleted IS NULL");
    for (const std::string& id : ids) {
      stmt.bind_timestamp(1, at).bind(2, std::string_view(id)).run();
      stmt.reset();
    }
    return;
  }
  auto conn = connect();
  const auto civil = store::mysql::to_civil(at, conn.zone());
  batched(
    conn, ids.size(),
    [](std::size_t rows) {
      return "UPDATE master_meta SET deleted = ?, updated_at = ? WHERE id IN (" +
             placeholders("?", rows) + ")";
    },
    [&](store::mysql::Statement& stmt, int p, std::size_t i) {
      if (p == 1) {
        stmt.bind_datetime(1, civil).bind_datetime(2, civil);
        p = 3;
      }
      stmt.bind(p, ids[i]);
      return p + 1;
    });
}

void StressStore::mark_canceling(const std::vector<std::string>& ids, core::UnixNanos at) {
  // The core's cancel writes a chunk's new op rows in the order of `ids`.
  if (!m_mysql) {
    jobop::store::sqlite::SqliteMetastore s(m_db, store::OpenMode::read_write);
    s.db().exec("PRAGMA synchronous=OFF");
    jobop::ops::cancel_jobs(s, ids, {}, at);
    return;
  }
  jobop::ops::cancel_jobs(*open(), ids, {}, at);
}

std::map<std::string, JobView> StressStore::read_jobs() const {
  if (!m_mysql) {
    return stress::read_jobs(m_db);
  }
  auto conn = connect();
  std::map<std::string, JobView> jobs;
  const auto text_or_empty = [](const store::mysql::Statement& stmt, int column) {
    return stmt.is_null(column) ? std::string() : stmt.column_text(column);
  };
  {
    auto stmt = conn.prepare("SELECT id, state, updated_at, deleted IS NULL FROM master_meta");
    stmt.execute();
    while (stmt.fetch()) {
      JobView& view = jobs[stmt.column_text(0)];
      view.live = stmt.column_int(3) != 0;
      view.state = stmt.column_int(1);
      view.job_updated_at = text_or_empty(stmt, 2);
    }
  }
  {
    auto stmt = conn.prepare("SELECT job_id, op, seq_id, created_at, updated_at FROM job_ops");
    stmt.execute();
    while (stmt.fetch()) {
      JobView& view = jobs[stmt.column_text(0)];
      view.op = stmt.column_int(1);
      view.op_seq_id = stmt.column_int(2);
      view.op_created_at = text_or_empty(stmt, 3);
      view.op_updated_at = text_or_empty(stmt, 4);
    }
  }
  {
    auto stmt = conn.prepare("SELECT job_id, send_count FROM jobop_outbox");
    stmt.execute();
    while (stmt.fetch()) {
      jobs[stmt.column_text(0)].send_count = stmt.column_int(1);
    }
  }
  return jobs;
}

std::string StressStore::integrity() const {
  if (!m_mysql) {
    return integrity_check(m_db);
  }
  auto conn = connect();
  std::string problems = check_tables(conn);
  // Each rule counts the rows that break it.
  const std::pair<const char*, const char*> rules[] = {
    {"duplicate job ids", "SELECT COUNT(*) - COUNT(DISTINCT id) FROM master_meta"},
    {"duplicate op rows", "SELECT COUNT(*) - COUNT(DISTINCT job_id) FROM job_ops"},
    {"duplicate outbox rows", "SELECT COUNT(*) - COUNT(DISTINCT job_id) FROM jobop_outbox"},
    {"op rows without a job row",
     "SELECT COUNT(*) FROM job_ops o LEFT JOIN master_meta m ON m.id = o.job_id "
     "WHERE m.id IS NULL"},
    {"outbox rows without a job row or op row",
     "SELECT COUNT(*) FROM jobop_outbox b LEFT JOIN master_meta m ON m.id = b.job_id "
     "LEFT JOIN job_ops o ON o.job_id = b.job_id WHERE m.id IS NULL OR o.job_id IS NULL"},
    {"unknown state codes", "SELECT COUNT(*) FROM master_meta WHERE state NOT BETWEEN 1 AND 5"},
    {"unknown op codes", "SELECT COUNT(*) FROM job_ops WHERE op NOT BETWEEN 1 AND 3"},
    {"op rows without created_at or updated_at",
     "SELECT COUNT(*) FROM job_ops WHERE created_at IS NULL OR updated_at IS NULL"},
    {"outbox rows with a send count below one",
     "SELECT COUNT(*) FROM jobop_outbox WHERE send_count < 1"},
  };
  for (const auto& [what, sql] : rules) {
    auto stmt = conn.prepare(sql);
    stmt.execute();
    std::int64_t n = 0;
    while (stmt.fetch()) {
      n = stmt.column_int(0);
    }
    if (n != 0) {
      problems += std::to_string(n) + " " + what + "\n";
    }
  }
  return problems.empty() ? "ok" : problems;
}

void StressStore::copy_from(const StressStore& from) {
  if (!m_mysql) {
    copy_metastore(from.m_db, m_db);
    return;
  }
  auto conn = connect();
  std::vector<std::string> tables;
  {
    auto stmt = conn.prepare(
      "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1");
    stmt.bind(1, from.m_name).execute();
    while (stmt.fetch()) {
      tables.push_back(stmt.column_text(0));
    }
  }
  // The tables once (DDL is slow: a file each), then their rows in one
  // transaction: a third of the time of DROP, CREATE ... LIKE and INSERT.
  for (const std::string& table : tables) {
    conn.exec("CREATE TABLE IF NOT EXISTS `" + table + "` LIKE `" + from.m_name + "`.`" + table +
              "`");
  }
  conn.begin();
  for (const std::string& table : tables) {
    conn.exec("DELETE FROM `" + table + "`");
    conn.exec("INSERT INTO `" + table + "` SELECT * FROM `" + from.m_name + "`.`" + table + "`");
  }
  conn.commit();
}

// --- Killing the MySQL test server -------------------------------------------

namespace {

// Is `pid` a live process, not a zombie (the server's parent may not reap it)?
bool alive(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) {
    return false;
  }
  const auto paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

std::string process_name(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

} // namespace

TestServer::TestServer() {
  std::istringstream words(env_or_empty("JOBOP_TEST_MYSQL_CTL"));
  for (std::string word; words >> word;) {
    m_ctl.push_back(word);
  }
  REQUIRE_MESSAGE(!m_ctl.empty(), "JOBOP_TEST_MYSQL_CTL is not set");
  m_dir = env_or_empty("JOBOP_TEST_MYSQL_DIR");
}

TestServer::~TestServer() {
  try {
    control("start");
  } catch (const std::exception& e) {
    std::cerr << "jobop-stress: could not restart the MySQL test server: " << e.what() << std::endl;
  }
}

void TestServer::control(const std::string& command) {
  std::vector<std::string> argv = m_ctl;
  argv.push_back(command);
  const auto r = test::run_process(argv);
  if (r.exit_code != 0) {
    throw std::runtime_error("$JOBOP_TEST_MYSQL_CTL " + command + " failed (exit " +
                             std::to_string(r.exit_code) + "): " + r.err);
  }
}

void TestServer::kill9() {
  pid_t pid = 0;
  if (!m_dir.empty()) {
    std::ifstream in(m_dir + "/mysqld.pid");
    in >> pid;
  }
  if (pid <= 0 || !alive(pid) || process_name(pid) != "mariadbd") {
    control("kill"); // finds it by its data directory
    return;
  }
  ::kill(pid, SIGKILL);
  for (int i = 0; i < 1000 && alive(pid); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE_MESSAGE(!alive(pid), "the MySQL server (pid " << pid << ") survived SIGKILL");
}

double TestServer::start() {
  const auto t0 = std::chrono::steady_clock::now();
  control("start");
  return seconds_since(t0);
}

} // namespace jobop::stress
