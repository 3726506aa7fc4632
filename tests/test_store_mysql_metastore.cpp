// MysqlMetastore under the interface: transactions that meet other writers
// or lose their server.
#include "mysql_test_support.hpp"

#include <jobop/core/exceptions.hpp>
#include <jobop/operator/cancel.hpp>
#include <jobop/store/mysql/mysql_metastore.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <latch>
#include <limits>
#include <thread>

using jobop::model::JobState;
using jobop::model::OpStatus;
using jobop::store::OpenMode;
using jobop::store::TxKind;
using jobop::store::mysql::MysqlMetastore;
using jobop::test::error_code_of;
using jobop::test::MysqlScratchSchema;

namespace {

constexpr jobop::core::UnixNanos k_t0 = 1'714'564'800 * jobop::core::k_second;

void put(MysqlMetastore& store, const std::string& id, JobState state) {
  jobop::model::JobSpec spec;
  spec.id = id;
  spec.project_id = "p";
  spec.state = state;
  spec.node_id = "n1";
  spec.address = "10.0.0.1:8080";
  store.put_job(spec, k_t0);
}

std::int64_t count_rows(jobop::store::mysql::Connection& conn, const std::string& sql) {
  auto stmt = conn.prepare(sql);
  stmt.execute();
  std::int64_t n = -1;
  while (stmt.fetch()) {
    n = stmt.column_int(0);
  }
  return n;
}

} // namespace

JOBOP_MYSQL_TEST_CASE("a deadlock between two writers is run again, and both commit") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  MysqlMetastore first(schema.config(), OpenMode::create_or_adopt);
  MysqlMetastore second(schema.config(), OpenMode::read_write);
  put(first, "x", JobState::init);
  put(first, "y", JobState::init);
  // Each locks one job, then wants the other's: the server undoes one.
  std::latch both_locked(2);
  std::atomic<int> attempts{0};
  auto writer = [&](MysqlMetastore& store, const std::string& mine, const std::string& theirs) {
    bool waited = false;
    jobop::store::run_transaction(store, TxKind::write, [&] {
      ++attempts;
      store.read_jobs({mine}, false);
      if (!waited) {
        waited = true;
        both_locked.arrive_and_wait();
      }
      store.read_jobs({theirs}, false);
      store.upsert_ops({mine, theirs}, OpStatus::canceling, k_t0);
    });
  };
  std::string failure;
  std::thread other([&] {
    try {
      writer(second, "y", "x");
    } catch (const std::exception& e) {
      failure = e.what();
    }
  });
  writer(first, "x", "y");
  other.join();
  CHECK(failure.empty());
  CHECK(attempts == 3); // one of them ran twice
  auto conn = schema.connect();
  CHECK(count_rows(conn, "SELECT COUNT(*) FROM job_ops WHERE op = 2") == 2);
}

JOBOP_MYSQL_TEST_CASE("a lock held past --busy-timeout is store.locked, not waited for again") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  MysqlMetastore holder(schema.config(), OpenMode::create_or_adopt);
  put(holder, "x", JobState::init);
  MysqlMetastore waiter(schema.config(), OpenMode::read_write, {1 * jobop::core::k_second});
  jobop::store::Transaction hold(holder, TxKind::write);
  holder.read_jobs({"x"}, false);
  const auto started = std::chrono::steady_clock::now();
  const auto results = [&] { return jobop::ops::cancel_jobs(waiter, {"x"}, {}, k_t0); };
  CHECK(error_code_of(results) == "store.locked");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
}

JOBOP_MYSQL_TEST_CASE(
  "a connection lost mid-transaction is store.lost and leaves nothing written") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  MysqlMetastore store(schema.config(), OpenMode::create_or_adopt);
  put(store, "x", JobState::init);
  put(store, "y", JobState::init);
  auto admin = schema.connect();
  const std::string code = error_code_of([&] {
    jobop::store::run_transaction(store, TxKind::write, [&] {
      store.upsert_ops({"x"}, OpStatus::canceling, k_t0);
      admin.exec("KILL " + std::to_string(store.connection().connection_id()));
      store.upsert_ops({"y"}, OpStatus::canceling, k_t0);
    });
  });
  CHECK(code == "store.lost");
  CHECK(count_rows(admin, "SELECT COUNT(*) FROM job_ops") == 0);
}

JOBOP_MYSQL_TEST_CASE("read_jobs answers each id by its position, in batches of any size") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  MysqlMetastore store(schema.config(), OpenMode::create_or_adopt);
  std::vector<std::string> ids;
  for (int i = 0; i < 1500; ++i) {
    ids.push_back("job-" + std::to_string(i));
    if (i % 3 == 0) {
      put(store, ids.back(), JobState::init);
    }
  }
  // 1500 = 1024 + 256 + 128 + 64 + 16 + 8 + 4: every batch shape at once.
  const auto rows = store.find_jobs(ids);
  REQUIRE(rows.size() == ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    CHECK(rows[i].has_value() == (i % 3 == 0));
    if (rows[i]) {
      CHECK(rows[i]->job->id == ids[i]);
    }
  }
}

JOBOP_MYSQL_TEST_CASE("times are kept to the millisecond below, over the whole range") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  MysqlMetastore store(schema.config(), OpenMode::create_or_adopt);
  const auto ms = jobop::core::k_millisecond;
  CHECK(store.as_stored(k_t0 + 1'234'567) == k_t0 + 1 * ms);
  CHECK(store.as_stored(k_t0) == k_t0);
  CHECK(store.as_stored(-1) == -ms); // before 1970: floor, as datetime(3) keeps it
  CHECK(store.as_stored(std::numeric_limits<std::int64_t>::max()) % ms == 0);
  CHECK(store.as_stored(std::numeric_limits<std::int64_t>::min()) % ms == 0);
}
