#include "store_test_support.hpp"

#include <jobop/core/exceptions.hpp>
#include <jobop/operator/cancel.hpp>

#include <doctest/doctest.h>

using namespace jobop::store;
using namespace jobop::model;
using namespace jobop::ops;
using namespace jobop::test;
using jobop::core::ExitCode;

namespace {

OpStatus op_of(Metastore& store, const std::string& id) {
  const auto op = store.get_op(id);
  return op ? op->op : OpStatus::none;
}

} // namespace

TEST_CASE("cancel marks a live job canceling and is idempotent") {
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  put(store, "a", JobState::init);
  auto r = cancel_jobs(store, {"a"}, {}, k_t0);
  REQUIRE(r.size() == 1);
  CHECK(r[0].changed);
  CHECK_FALSE(r[0].failure.has_value());
  REQUIRE(r[0].row.has_value());
  CHECK(r[0].row->state() == UserState::canceling);
  CHECK(r[0].row->canceling_since() == k_t0);
  CHECK(op_of(store, "a") == OpStatus::canceling);

  r = cancel_jobs(store, {"a"}, {}, k_t0 + jobop::core::k_minute);
  CHECK_FALSE(r[0].changed);
  CHECK(r[0].row->state() == UserState::canceling);
  CHECK(r[0].row->canceling_since() == k_t0);
}

TEST_CASE("cancel returns a terminated job unchanged and writes nothing") {
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  put(store, "done", JobState::finished);
  const auto r = cancel_jobs(store, {"done"}, {}, k_t0);
  CHECK_FALSE(r[0].changed);
  CHECK_FALSE(r[0].failure.has_value());
  CHECK(r[0].row->state() == UserState::finished);
  CHECK(op_of(store, "done") == OpStatus::none);
}

TEST_CASE("cancel reports missing, invalid and reused ids per job and processes the others") {
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  put(store, "ok", JobState::init);
  put(store, "reused", JobState::init);
  store.upsert_ops({"reused"}, OpStatus::canceled, k_t0);
  put(store, "deleted", JobState::finished);
  store.delete_job("deleted", k_t0);
  const auto r = cancel_jobs(store, {"missing", "bad\nid", "reused", "deleted", "ok"}, {}, k_t0);
  REQUIRE(r.size() == 5);
  CHECK(r[0].failure->exit_code == ExitCode::not_found);
  CHECK(r[0].failure->code == "job.not_found");
  CHECK(r[1].failure->exit_code == ExitCode::usage);
  CHECK(r[2].failure->exit_code == ExitCode::conflict);
  CHECK(r[2].failure->message.find("reused") != std::string::npos);
  CHECK(r[2].row->state() == UserState::running);
  CHECK(r[3].failure->exit_code == ExitCode::not_found);
  CHECK_FALSE(r[4].failure.has_value());
  CHECK(op_of(store, "ok") == OpStatus::canceling);
  CHECK(op_of(store, "reused") == OpStatus::canceled);
  CHECK(op_of(store, "deleted") == OpStatus::none);
}

TEST_CASE("a dry run computes every result and writes nothing, even on a read-only store") {
  ScratchDir dir;
  const std::string path = dir.file("jobop.db");
  init_metastore(path);
  {
    jobop::store::sqlite::SqliteMetastore rw(path, OpenMode::read_write);
    put(rw, "a", JobState::init);
  }
  const std::string before = read_bytes(path);
  jobop::store::sqlite::SqliteMetastore ro(path, OpenMode::read_only);
  CancelOptions options;
  options.dry_run = true;
  const auto r = cancel_jobs(ro, {"a", "b"}, options, k_t0);
  CHECK(r[0].changed);
  CHECK(r[0].row->state() == UserState::canceling);
  CHECK(r[1].failure->exit_code == ExitCode::not_found);
  CHECK(op_of(ro, "a") == OpStatus::none);
  options.force = true;
  options.reason = "stuck";
  CHECK(cancel_jobs(ro, {"a"}, options, k_t0)[0].forced);
  CHECK(op_of(ro, "a") == OpStatus::none);
  CHECK(read_bytes(path) == before);
}

TEST_CASE("force stops the job with the reason and cancels its op in one go") {
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  put(store, "a", JobState::init);
  put(store, "reused", JobState::init);
  store.upsert_ops({"reused"}, OpStatus::canceled, k_t0);
  put(store, "done", JobState::failed);
  CancelOptions options;
  options.force = true;
  CHECK_THROWS_AS(cancel_jobs(store, {"a"}, options, k_t0), jobop::core::UsageError);
  options.reason = "master lost";
  const auto r = cancel_jobs(store, {"a", "reused", "done"}, options, k_t0);
  CHECK(r[0].forced);
  CHECK(r[0].row->state() == UserState::canceled);
  CHECK(r[0].row->job->error_message == "master lost");
  CHECK(r[1].forced);
  CHECK_FALSE(r[2].changed);
  CHECK_FALSE(r[2].forced);
  const auto a = store.find_jobs({"a"})[0];
  CHECK(a->job->state == JobState::stopped);
  CHECK(a->job->error_message == "master lost");
  CHECK(a->op_status() == OpStatus::canceled);
  CHECK(store.find_jobs({"done"})[0]->job->state == JobState::failed);
}

TEST_CASE("a batch is cut into chunks, each reported after it committed") {
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back("j" + std::to_string(i));
    put(store, ids.back(), JobState::init);
  }
  CancelOptions options;
  options.chunk_size = 3;
  std::vector<std::string> seen;
  cancel_jobs(store, ids, options, k_t0, [&](const CancelResult& r) {
    // Every reported job is already canceling in the store.
    CHECK(op_of(store, r.id) == OpStatus::canceling);
    seen.push_back(r.id);
  });
  CHECK(seen == ids);
}

TEST_CASE("a store failure inside a chunk leaves that chunk's jobs untouched") {
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  for (const char* id : {"a", "b", "c", "d"}) {
    put(store, id, JobState::init);
  }
  store.db().exec("CREATE TRIGGER fail_d BEFORE INSERT ON job_ops WHEN new.job_id = 'd' "
                  "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END");
  CancelOptions options;
  options.chunk_size = 2;
  std::vector<std::string> seen;
  CHECK_THROWS_AS(cancel_jobs(store, {"a", "b", "c", "d"}, options, k_t0,
                              [&](const CancelResult& r) { seen.push_back(r.id); }),
                  jobop::core::StoreError);
  CHECK(seen == std::vector<std::string>{"a", "b"});
  CHECK(op_of(store, "b") == OpStatus::canceling);
  CHECK(op_of(store, "c") == OpStatus::none); // rolled back with its chunk
  store.db().exec("DROP TRIGGER fail_d");
  // Rerunning finishes the work.
  const auto r = cancel_jobs(store, {"a", "b", "c", "d"}, options, k_t0);
  CHECK_FALSE(r[0].changed);
  CHECK(r[2].changed);
  CHECK(op_of(store, "d") == OpStatus::canceling);
}
