#include "stress_support.hpp"

#include <jobop/store/metastore.hpp>
#include <jobop/store/open.hpp>
#include <jobop/store/sqlite/sqlite.hpp>
#include <jobop/store/sqlite/sqlite_metastore.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sqlite3.h>
#include <stdexcept>

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

void seed_running_jobs(const std::string& path, const std::vector<std::string>& ids) {
  store::init_metastore(path);
  jobop::store::sqlite::SqliteMetastore metastore(path, store::OpenMode::read_write);
  metastore.db().exec("PRAGMA synchronous=OFF");
  const core::UnixNanos t0 = 1'714'564'800 * core::k_second;
  std::size_t i = 0;
  for (const std::string& id : ids) {
    model::JobSpec spec;
    spec.id = id;
    spec.project_id = "project-" + std::to_string(i % 3);
    spec.type = i % 2 == 0 ? model::JobType::fake_job : model::JobType::cdc;
    spec.state = model::JobState::init;
    spec.node_id = "node-" + std::to_string(i % 5);
    spec.address = "10.0.0." + std::to_string(i % 5) + ":10240";
    spec.epoch = static_cast<std::int64_t>(i % 7);
    spec.config = R"({"password":"s3cret-)" + id + R"("})";
    metastore.put_job(spec, t0 + static_cast<core::Nanos>(i));
    ++i;
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

} // namespace jobop::stress
