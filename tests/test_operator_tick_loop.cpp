#include "store_test_support.hpp"

#include <jobop/operator/none_router.hpp>
#include <jobop/operator/outbox_router.hpp>
#include <jobop/operator/tick_loop.hpp>

#include <doctest/doctest.h>

#include <vector>

using namespace jobop::store;
using namespace jobop::model;
using namespace jobop::ops;
using namespace jobop::test;
using jobop::core::FakeClock;
using jobop::core::k_hour;
using jobop::core::k_minute;
using jobop::core::k_second;
using jobop::core::Nanos;
using jobop::core::UnixNanos;

namespace {

// A pause that lets the time pass on a FakeClock and steps its wall clock by
// `wall_step` each time, as NTP or an administrator would.
class SteppingPause final : public LoopPause {
public:
  SteppingPause(FakeClock& clock, Nanos wall_step) : m_clock(clock), m_wall_step(wall_step) {}
  bool requested() const override { return stop_after_ticks == 0; }
  bool sleep_for(Nanos duration) const override {
    slept.push_back(duration);
    m_clock.advance(duration);
    m_clock.set(m_clock.now() + m_wall_step);
    return requested();
  }
  mutable std::vector<Nanos> slept;
  int stop_after_ticks = -1;

private:
  FakeClock& m_clock;
  Nanos m_wall_step;
};

// A router that stops the loop (through `pause`) once it has sent `limit` messages.
class StoppingRouter final : public CancelRouter {
public:
  StoppingRouter(SteppingPause& pause, std::size_t limit) : m_pause(pause), m_limit(limit) {}
  std::string_view name() const override { return "stopping"; }
  bool sends_in_transaction() const override { return false; }
  SendOutcome send(Metastore&, const CancelMessage& message, UnixNanos) override {
    sent.push_back(message.job_id);
    if (sent.size() >= m_limit) {
      m_pause.stop_after_ticks = 0;
    }
    return {};
  }
  std::vector<std::string> sent;

private:
  SteppingPause& m_pause;
  std::size_t m_limit;
};

} // namespace

TEST_CASE("a wall clock stepped back does not stretch the loop's timeout") {
  auto store = jobop::store::sqlite::SqliteMetastore::in_memory();
  put(*store, "a", JobState::init);
  store->upsert_ops({"a"}, OpStatus::canceling, k_t0);
  NoneRouter router;
  JobOperator op(*store, router);
  FakeClock clock(k_t0);
  // Each pause of 1 s sets the wall clock an hour back.
  SteppingPause pause(clock, -k_hour);
  LoopOptions loop{k_second, 5 * k_second};
  std::vector<UnixNanos> stamps;
  const LoopEnd end =
    run_tick_loop(op, clock, {}, loop, pause, [&](const TickResult&, std::size_t, UnixNanos now) {
      stamps.push_back(now);
      return false;
    });
  CHECK(end == LoopEnd::deadline);
  // Ticks at 0, 1, ..., 5 s of monotonic time: the last one right at the deadline.
  CHECK(stamps.size() == 6);
  CHECK(clock.monotonic() == 5 * k_second);
  // Each tick is still stamped with the wall clock, stepped as it was.
  CHECK(stamps.at(1) == k_t0 + k_second - k_hour);
}

TEST_CASE("a wall clock stepped forward does not end a --wait early") {
  auto store = jobop::store::sqlite::SqliteMetastore::in_memory();
  put(*store, "a", JobState::init);
  store->upsert_ops({"a"}, OpStatus::canceling, k_t0);
  NoneRouter router;
  JobOperator op(*store, router);
  FakeClock clock(k_t0);
  // Each pause of 30 s jumps the wall clock 10 minutes ahead.
  SteppingPause pause(clock, 10 * k_minute);
  LoopOptions loop{30 * k_second, 10 * k_minute};
  std::size_t ticks = 0;
  const LoopEnd end =
    run_tick_loop(op, clock, {}, loop, pause, [&](const TickResult&, std::size_t tick, UnixNanos) {
      ticks = tick;
      return false;
    });
  CHECK(end == LoopEnd::deadline);
  CHECK(ticks == 21);
  CHECK(clock.monotonic() == 10 * k_minute);
}

TEST_CASE("the pause before the deadline is cut to the time that is left") {
  auto store = jobop::store::sqlite::SqliteMetastore::in_memory();
  NoneRouter router;
  JobOperator op(*store, router);
  FakeClock clock(k_t0);
  SteppingPause pause(clock, 0);
  LoopOptions loop{4 * k_second, 10 * k_second};
  run_tick_loop(op, clock, {}, loop, pause,
                [](const TickResult&, std::size_t, UnixNanos) { return false; });
  CHECK(pause.slept == std::vector<Nanos>{4 * k_second, 4 * k_second, 2 * k_second});
}

TEST_CASE("a stop request ends the tick at the next job and the loop after it") {
  auto store = jobop::store::sqlite::SqliteMetastore::in_memory();
  for (const char* id : {"a", "b", "c"}) {
    put(*store, id, JobState::init);
  }
  store->upsert_ops({"a", "b", "c"}, OpStatus::canceling, k_t0);
  FakeClock clock(k_t0);
  SteppingPause pause(clock, 0);
  StoppingRouter router(pause, 1);
  JobOperator op(*store, router);
  std::vector<TickResult> results;
  const LoopEnd end = run_tick_loop(op, clock, {}, {k_second, std::nullopt}, pause,
                                    [&](const TickResult& result, std::size_t, UnixNanos) {
                                      results.push_back(result);
                                      return false;
                                    });
  CHECK(end == LoopEnd::stopped);
  REQUIRE(results.size() == 1);
  CHECK(router.sent == std::vector<std::string>{"a"});
  // Only what was done is reported; b and c stay canceling for the next tick.
  CHECK(results[0].interrupted);
  CHECK_FALSE(results[0].idle());
  REQUIRE(results[0].items.size() == 1);
  CHECK(results[0].items[0].id == "a");
  CHECK(store->get_op("c")->op == OpStatus::canceling);
  CHECK(pause.slept.empty());
}
