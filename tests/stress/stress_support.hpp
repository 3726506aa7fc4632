#pragma once

#include <jobop/core/clock.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

// Helpers of the stress tests (tests/stress): sizes from the environment,
// metastores seeded through the core API, and what a metastore holds read
// back with plain SQL, so that the checks do not trust the code under test.
namespace jobop::stress {

// True in the AddressSanitizer + UBSan build (JOBOP_STRESS_SANITIZED), where
// every process runs several times slower.
bool sanitized_build();

// Return the value of the environment variable `name` as a count, or the
// default: `fallback`, or `sanitized_fallback` in the sanitized build. The
// defaults keep each test under a minute on 2 cores in CI; raise them by
// hand for a longer run.
std::size_t env_count(const char* name, std::size_t fallback, std::size_t sanitized_fallback);
std::size_t env_count(const char* name, std::size_t fallback);

// Return JOBOP_STRESS_SEED, or a fixed seed: runs are reproducible.
std::uint64_t stress_seed();

// Return "job-00042"-style ids 0..n-1.
std::vector<std::string> job_ids(std::size_t n, const std::string& prefix = "job-");

// Create the metastore at `path` with `jobop`'s init (through the core) and
// put `ids` as running (Init) jobs, with a config blob holding a password.
// Seeding runs with synchronous=OFF: it is set-up, not what is tested.
void seed_running_jobs(const std::string& path, const std::vector<std::string>& ids);

// Return the result of PRAGMA integrity_check on the metastore at `path`
// ("ok" when it is sound), as another process would see it after a crash.
std::string integrity_check(const std::string& path);

// One job as the metastore holds it, read with plain SQL.
struct JobView {
  bool live = false; // a master_meta row that is not soft-deleted
  std::int64_t state = 0;
  std::string job_updated_at;
  std::int64_t op = 0; // 0: no job_ops row
  std::int64_t op_seq_id = 0;
  std::string op_created_at;
  std::string op_updated_at;
  std::int64_t send_count = 0; // 0: no outbox row
};

// Return every job and op of the metastore at `path`, by id.
std::map<std::string, JobView> read_jobs(const std::string& path);

// Copy the metastore `from` (closed cleanly, so no WAL) to `to`, removing
// any -wal and -shm files left at `to` by a killed process.
void copy_metastore(const std::string& from, const std::string& to);

// Write `lines` to the file at `path`, one a line.
void write_lines(const std::string& path, const std::vector<std::string>& lines);

// Parse every complete line (ending in '\n') of `text` as JSON; a last line
// cut by a kill is ignored. Throws on a complete line that is not JSON.
std::vector<nlohmann::json> complete_json_lines(const std::string& text);

// Seconds since `start` on the steady clock.
double seconds_since(std::chrono::steady_clock::time_point start);

} // namespace jobop::stress
