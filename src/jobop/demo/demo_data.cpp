#include <jobop/demo/demo_data.hpp>

#include <jobop/operator/job_operator.hpp>
#include <jobop/operator/outbox_router.hpp>

#include <jobop/core/exceptions.hpp>

namespace jobop::demo {

namespace {

using model::JobState;
using model::JobType;

struct DemoJob {
  const char* id;
  const char* project;
  JobType type;
  const char* node;
  const char* address;
  std::int64_t epoch;
  const char* config;
};

// Every job starts running (or created) six hours ago; its story below moves it on.
const DemoJob k_jobs[] = {
  {"jobmanager", "system", JobType::job_manager, "node-0", "10.0.0.10:10240", 1, nullptr},
  {"payments-cdc-orders", "payments", JobType::cdc, "node-1", "10.0.1.11:10241", 3, nullptr},
  {"payments-dm-ledger", "payments", JobType::dm, "", "", 0, nullptr},
  {"payments-cdc-refunds", "payments", JobType::cdc, "node-2", "10.0.1.12:10241", 2, nullptr},
  {"payments-cvs-old", "payments", JobType::cvs_demo, "node-2", "10.0.1.12:10241", 1, nullptr},
  {"analytics-fake-etl", "analytics", JobType::fake_job, "node-3", "10.0.2.13:10241", 5, nullptr},
  {"analytics-cvs-import", "analytics", JobType::cvs_demo, "node-1", "10.0.1.11:10241", 1, nullptr},
  {"analytics-dm-warehouse", "analytics", JobType::dm, "node-4", "10.0.2.14:10241", 7,
   R"({"source":"mysql://etl:s3cret-demo-password@10.0.3.5:3306/warehouse"})"},
  {"search-cdc-index", "search", JobType::cdc, "node-3", "10.0.2.13:10241", 4, nullptr},
  {"search-fake-crawler", "search", JobType::fake_job, "node-4", "10.0.2.14:10241", 2, nullptr},
  {"search-dm-legacy", "search", JobType::dm, "node-2", "10.0.1.12:10241", 9, nullptr},
  {"search-dm-retired", "search", JobType::dm, "node-2", "10.0.1.12:10241", 1, nullptr},
};

} // namespace

const std::vector<std::string>& demo_job_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> all;
    for (const auto& job : k_jobs) {
      all.emplace_back(job.id);
    }
    return all;
  }();
  return ids;
}

namespace {

// Thrown to end a listing at its first row.
struct FoundOne {};

} // namespace

bool holds_jobs(store::Metastore& store) {
  try {
    store.for_each_status_row({}, [](const model::StatusRow&) { throw FoundOne{}; });
  } catch (const FoundOne&) {
    return true;
  }
  return false;
}

void refuse_not_empty(const std::string& location) {
  throw core::ConflictError(
    "demo.not_empty",
    "--demo only fills a metastore that holds no jobs, and " + location +
      " holds some: the demo's back-dated ticks would drive their cancellations; nothing "
      "was written. Run `jobop init --demo --db NEW-FILE` for a demo of its own",
    {{"path", location}});
}

DemoResult seed_demo(store::Metastore& store, core::UnixNanos now) {
  DemoResult result;
  if (holds_jobs(store)) {
    refuse_not_empty(store.location());
  }
  const auto ago = [now](core::Nanos d) { return now - d; };

  for (const auto& job : k_jobs) {
    model::JobSpec spec;
    spec.id = job.id;
    spec.project_id = job.project;
    spec.type = job.type;
    spec.state = std::string(job.id) == "payments-dm-ledger" ? JobState::uninit : JobState::init;
    spec.node_id = job.node;
    spec.address = job.address;
    spec.epoch = job.epoch;
    if (job.config != nullptr) {
      spec.config = std::string(job.config);
    }
    store.put_job(spec, ago(6 * core::k_hour));
  }

  ops::OutboxRouter router;
  ops::JobOperator op(store, router);

  // Jobs that ended on their own.
  store.set_job_state("payments-cdc-refunds", JobState::finished, std::nullopt,
                      ago(3 * core::k_hour));
  store.set_job_state(
    "analytics-fake-etl", JobState::failed,
    std::string("worker panic: runtime error: index out of range [3] with length 3"),
    ago(2 * core::k_hour));
  // The engine deletes only terminated jobs.
  store.set_job_state("payments-cvs-old", JobState::finished, std::nullopt,
                      ago(1 * core::k_hour) - core::k_minute);
  store.delete_job("payments-cvs-old", ago(1 * core::k_hour));

  // A cancellation seen through: requested, sent, acknowledged, reconciled.
  // The same ticks turn the op of a job deleted meanwhile into Noop.
  const core::UnixNanos t0 = ago(90 * core::k_minute);
  op.mark_job_canceling("search-cdc-index", t0);
  op.mark_job_canceling("search-dm-retired", t0);
  store.set_job_state("search-dm-retired", JobState::stopped, std::nullopt,
                      t0 + 4 * core::k_second);
  store.delete_job("search-dm-retired", t0 + 5 * core::k_second);
  op.tick(t0 + 15 * core::k_second);
  store.set_job_state("search-cdc-index", JobState::stopped, std::nullopt,
                      t0 + 20 * core::k_second);
  op.tick(t0 + 30 * core::k_second);

  // A cancellation whose master never answers: sent three times, stuck.
  op.mark_job_canceling("analytics-dm-warehouse", ago(20 * core::k_minute));
  op.tick(ago(20 * core::k_minute) + core::k_second);
  op.tick(ago(15 * core::k_minute));
  op.tick(ago(10 * core::k_minute));

  // A master that acknowledged; the next tick marks the op Canceled.
  op.mark_job_canceling("search-fake-crawler", ago(3 * core::k_minute));
  store.set_job_state("search-fake-crawler", JobState::stopped, std::nullopt,
                      ago(2 * core::k_minute));
  // An op whose job was deleted: an orphan the next tick makes Noop.
  op.mark_job_canceling("search-dm-legacy", ago(4 * core::k_minute));
  store.set_job_state("search-dm-legacy", JobState::stopped, std::nullopt,
                      ago(3 * core::k_minute) - core::k_second);
  store.delete_job("search-dm-legacy", ago(3 * core::k_minute));
  // A fresh request no tick has seen yet.
  op.mark_job_canceling("analytics-cvs-import", ago(1 * core::k_minute));

  result.job_ids = demo_job_ids();
  result.canceling = 4;
  return result;
}

} // namespace jobop::demo
