#include "store_test_support.hpp"

#include <jobop/core/exceptions.hpp>
#include <jobop/operator/job_operator.hpp>
#include <jobop/operator/none_router.hpp>
#include <jobop/operator/outbox_router.hpp>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <map>

using namespace jobop::store;
using namespace jobop::model;
using namespace jobop::ops;
using namespace jobop::test;
using jobop::core::k_second;

namespace {

OpStatus op_of(Metastore& store, const std::string& id) {
  const auto op = store.get_op(id);
  return op ? op->op : OpStatus::none;
}

// A router that records what it was asked to send and fails on demand.
class FakeRouter final : public CancelRouter {
public:
  std::vector<CancelMessage> sent;
  bool fail = false;
  bool in_transaction = true;
  std::string_view name() const override { return "fake"; }
  bool sends_in_transaction() const override { return in_transaction; }
  SendOutcome send(Metastore& store, const CancelMessage& message,
                   jobop::core::UnixNanos) override {
    // A router outside a transaction must not find one open.
    auto& sqlite_store = dynamic_cast<jobop::store::sqlite::SqliteMetastore&>(store);
    in_tx_seen |= sqlite3_get_autocommit(sqlite_store.db().handle()) == 0;
    sent.push_back(message);
    return fail ? SendOutcome{SendStatus::failed, "unreachable"}
                : SendOutcome{SendStatus::sent, {}};
  }
  bool in_tx_seen = false;
};

} // namespace

TEST_CASE("MarkJobCanceling inserts, is idempotent, and refuses a canceled op") {
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  NoneRouter router;
  JobOperator oper(store, router);
  oper.mark_job_canceling("j", k_t0);
  CHECK(op_of(store, "j") == OpStatus::canceling);
  CHECK(oper.is_job_canceling("j"));
  oper.mark_job_canceling("j", k_t0 + k_second); // nothing happens
  CHECK(store.get_op("j")->updated_at == k_t0);

  store.upsert_ops({"n"}, OpStatus::noop, k_t0);
  oper.mark_job_canceling("n", k_t0);
  CHECK(op_of(store, "n") == OpStatus::canceling);

  store.upsert_ops({"c"}, OpStatus::canceled, k_t0);
  try {
    oper.mark_job_canceling("c", k_t0);
    FAIL("no conflict");
  } catch (const jobop::core::ConflictError& e) {
    CHECK(e.code() == "job.already_canceled");
  }
  CHECK(op_of(store, "c") == OpStatus::canceled);
  CHECK_THROWS_AS(oper.mark_job_canceling("", k_t0), jobop::core::UsageError);
}

TEST_CASE("MarkJobCanceled and MarkJobNoop only change a canceling op") {
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  NoneRouter router;
  JobOperator oper(store, router);
  store.upsert_ops({"a"}, OpStatus::canceling, k_t0);
  store.upsert_ops({"b"}, OpStatus::canceled, k_t0);
  oper.mark_job_canceled("a", k_t0);
  CHECK(op_of(store, "a") == OpStatus::canceled);
  oper.mark_job_noop("b", k_t0); // zero rows: not an error
  CHECK(op_of(store, "b") == OpStatus::canceled);
  oper.mark_job_noop("missing", k_t0);
  oper.mark_job_canceled("missing", k_t0);
  CHECK(op_of(store, "missing") == OpStatus::none);
  store.upsert_ops({"c"}, OpStatus::canceling, k_t0);
  oper.mark_job_noop("c", k_t0);
  CHECK(op_of(store, "c") == OpStatus::noop);
  CHECK_FALSE(oper.is_job_canceling("c"));
  CHECK_FALSE(oper.is_job_canceling("missing"));
}

TEST_CASE("tick: orphans become noop, terminated jobs canceled, live jobs get a message") {
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  put(store, "live", JobState::init);
  put(store, "new", JobState::uninit);
  put(store, "fin", JobState::finished);
  put(store, "stop", JobState::stopped);
  put(store, "fail", JobState::failed);
  put(store, "deleted", JobState::stopped); // stopped, then deleted before a tick
  put(store, "idle", JobState::init);
  for (const char* id : {"live", "new", "fin", "stop", "fail", "deleted", "ghost"}) {
    store.upsert_ops({id}, OpStatus::canceling, k_t0);
  }
  store.delete_job("deleted", k_t0);
  FakeRouter router;
  JobOperator oper(store, router);

  const TickResult dry = oper.tick(k_t0, {true, 2, {}});
  CHECK(dry.dry_run);
  CHECK(dry.items.size() == 7);
  CHECK(router.sent.empty());
  CHECK(op_of(store, "fin") == OpStatus::canceling);

  const TickResult result = oper.tick(k_t0 + k_second, {false, 2, {}});
  REQUIRE(result.items.size() == 7);
  std::map<std::string, TickAction> actions;
  for (const auto& item : result.items) {
    actions[item.id] = item.action;
  }
  CHECK(actions["live"] == TickAction::cancel_sent);
  CHECK(actions["new"] == TickAction::cancel_sent);
  CHECK(actions["fin"] == TickAction::canceled);
  CHECK(actions["stop"] == TickAction::canceled);
  CHECK(actions["fail"] == TickAction::canceled);
  CHECK(actions["deleted"] == TickAction::noop);
  CHECK(actions["ghost"] == TickAction::noop);
  CHECK(actions.count("idle") == 0);
  CHECK(result.counts.canceled == 3);
  CHECK(result.counts.noop == 2);
  CHECK(result.counts.cancel_sent == 2);
  CHECK_FALSE(result.idle());
  CHECK(op_of(store, "fin") == OpStatus::canceled);
  CHECK(op_of(store, "ghost") == OpStatus::noop);
  CHECK(op_of(store, "live") == OpStatus::canceling);
  REQUIRE(router.sent.size() == 2);
  CHECK(router.sent[0].job_id == "live");
  CHECK(router.sent[0].epoch == 7);
  CHECK(router.sent[0].node_id == "n1");
  CHECK(router.sent[0].address == "10.0.0.1:8080");

  // The master acknowledges: the next tick finishes the op.
  store.set_job_state("live", JobState::stopped, std::nullopt, k_t0);
  router.fail = true;
  const TickResult next = oper.tick(k_t0 + 2 * k_second);
  CHECK(next.counts.canceled == 1);
  CHECK(next.counts.send_failed == 1);
  REQUIRE(next.items.size() == 2);
  CHECK(next.items[1].id == "new");
  CHECK(next.items[1].error == "unreachable");
  CHECK(op_of(store, "new") == OpStatus::canceling);
}

TEST_CASE("tick holds no transaction while a router outside transactions sends") {
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  put(store, "a", JobState::init);
  store.upsert_ops({"a"}, OpStatus::canceling, k_t0);
  FakeRouter router;
  router.in_transaction = false;
  JobOperator oper(store, router);
  CHECK(oper.tick(k_t0).counts.cancel_sent == 1);
  CHECK_FALSE(router.in_tx_seen);
  FakeRouter inside;
  JobOperator oper2(store, inside);
  oper2.tick(k_t0);
  CHECK(inside.in_tx_seen);
}

TEST_CASE("the outbox router keeps one row per job and counts resends") {
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  put(store, "a", JobState::init);
  store.upsert_ops({"a"}, OpStatus::canceling, k_t0);
  OutboxRouter router;
  JobOperator oper(store, router);
  oper.tick(k_t0);
  put(store, "a", JobState::init); // a new epoch would come with a restart
  oper.tick(k_t0 + 15 * k_second);
  const auto row = store.get_outbox("a");
  REQUIRE(row.has_value());
  CHECK(row->send_count == 2);
  CHECK(row->first_sent == k_t0);
  CHECK(row->last_sent == k_t0 + 15 * k_second);
  CHECK(row->address == "10.0.0.1:8080");
  const auto status = store.find_jobs({"a"})[0];
  CHECK(status->outbox->send_count == 2);
  // A new cancellation of the id starts counting anew.
  oper.mark_job_noop("a", k_t0);
  oper.mark_job_canceling("a", k_t0);
  CHECK_FALSE(store.get_outbox("a").has_value());
}

TEST_CASE("the none router only reconciles and reports live jobs as skipped") {
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  put(store, "a", JobState::init);
  put(store, "b", JobState::finished);
  store.upsert_ops({"a"}, OpStatus::canceling, k_t0);
  store.upsert_ops({"b"}, OpStatus::canceling, k_t0);
  NoneRouter router;
  JobOperator oper(store, router);
  const TickResult result = oper.tick(k_t0);
  CHECK(result.items.size() == 1);
  CHECK(result.counts.skipped == 1);
  CHECK_FALSE(result.idle());
  CHECK_FALSE(store.get_outbox("a").has_value());
  store.set_job_state("a", JobState::stopped, std::nullopt, k_t0);
  CHECK(oper.tick(k_t0).idle());
  CHECK(oper.tick(k_t0).items.empty());
}

TEST_CASE("a store error for one op is collected and the other ops still go through") {
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  for (const char* id : {"a", "b", "c"}) {
    put(store, id, JobState::finished);
    store.upsert_ops({id}, OpStatus::canceling, k_t0);
  }
  // Make writes of job b's op fail, as a disk-level failure of one row would.
  store.db().exec("CREATE TRIGGER fail_b BEFORE UPDATE ON job_ops WHEN old.job_id = 'b' "
                  "BEGIN SELECT RAISE(ABORT, 'boom'); END");
  NoneRouter router;
  JobOperator oper(store, router);
  const TickResult result = oper.tick(k_t0, {false, 10, {}});
  REQUIRE(result.items.size() == 3);
  CHECK(result.items[0].action == TickAction::canceled);
  CHECK(result.items[1].action == TickAction::error);
  CHECK(result.items[1].error.find("boom") != std::string::npos);
  CHECK(result.items[2].action == TickAction::canceled);
  CHECK(result.counts.error == 1);
  CHECK(op_of(store, "a") == OpStatus::canceled);
  CHECK(op_of(store, "b") == OpStatus::canceling);
  CHECK(op_of(store, "c") == OpStatus::canceled);
}
