#include <jobop/backoff/job_backoff.hpp>

#include <doctest/doctest.h>

#include <vector>

using namespace jobop::backoff;
using jobop::core::k_minute;
using jobop::core::k_second;
using jobop::core::Nanos;

namespace {

// The engine's JobBackoff as SPEC §3 words it, keeping the whole event list:
// the reference the O(1) JobBackoff must agree with on every decision.
class EventListBackoff {
public:
  EventListBackoff(const BackoffConfig& config, Rng rng)
    : m_config(config), m_backoff(config), m_rng(rng) {}
  void success(Nanos now) { add({true, now}); }
  void fail(Nanos now) {
    add({false, now});
    m_interval = m_backoff.next_backoff(m_rng);
  }
  bool allow(Nanos now) const {
    for (auto it = m_events.rbegin(); it != m_events.rend(); ++it) {
      if (!it->online) {
        return now - it->at >= m_interval;
      }
    }
    return true; // the zero time: long ago
  }
  bool terminate() const {
    std::int64_t offline = 0;
    for (const auto& e : m_events) {
      offline += e.online ? 0 : 1;
    }
    return static_cast<std::int64_t>(m_events.size()) >= m_config.max_try_time &&
           offline >= m_config.max_try_time;
  }
  Nanos interval() const { return m_interval; }

private:
  struct Event {
    bool online;
    Nanos at;
  };
  void add(Event event) {
    if (!m_events.empty() && m_events.back().online &&
        event.at - m_events.back().at >= m_config.reset_interval) {
      m_events.clear();
      m_backoff.reset();
      m_interval = 0;
    }
    m_events.push_back(event);
  }
  BackoffConfig m_config;
  ExponentialBackoff m_backoff;
  Rng m_rng;
  std::vector<Event> m_events;
  Nanos m_interval = 0;
};

BackoffConfig small_config() {
  BackoffConfig config;
  config.reset_interval = 10 * k_second;
  config.initial_interval = k_second;
  config.max_interval = 8 * k_second;
  config.multiplier = 2;
  config.max_try_time = 4;
  config.randomization_factor = 0;
  return config;
}

} // namespace

TEST_CASE("a new job is allowed, not terminated and has no interval") {
  const BackoffConfig config;
  const JobBackoff job(config, Rng(1));
  CHECK(job.allow(0));
  CHECK_FALSE(job.terminate());
  CHECK(job.interval() == 0);
  CHECK(job.failures() == 0);
  CHECK_FALSE(job.last_failure_at().has_value());
}

TEST_CASE("a failure blocks the job until its interval has passed") {
  const BackoffConfig config = small_config();
  JobBackoff job(config, Rng(1));
  job.fail(100 * k_second);
  CHECK(job.interval() == k_second);
  CHECK_FALSE(job.allow(100 * k_second));
  CHECK_FALSE(job.allow(101 * k_second - 1));
  CHECK(job.allow(101 * k_second)); // >=: exactly the interval is enough
  CHECK(job.retry_at(100 * k_second) == 101 * k_second);
  CHECK(job.retry_at(105 * k_second) == 105 * k_second);
  job.fail(101 * k_second);
  CHECK(job.interval() == 2 * k_second);
  CHECK(job.failures() == 2);
}

TEST_CASE("an online event does not clear the history until reset-interval has passed") {
  const BackoffConfig config = small_config();
  JobBackoff job(config, Rng(1));
  job.fail(0);
  job.success(k_second);
  job.fail(k_second + 10 * k_second - 1); // online for just under reset-interval
  CHECK(job.failures() == 2);
  CHECK(job.interval() == 2 * k_second);
  job.success(20 * k_second);
  job.fail(30 * k_second); // online for exactly reset-interval: history cleared first
  CHECK(job.failures() == 1);
  CHECK(job.events() == 1);
  CHECK(job.interval() == k_second); // the exponential backoff was reset
}

TEST_CASE("the reset happens on the next event, so allow() still sees the old failure") {
  const BackoffConfig config = small_config();
  JobBackoff job(config, Rng(1));
  job.fail(0);
  job.fail(0);
  job.fail(0); // interval now 4s
  job.success(0);
  CHECK_FALSE(job.allow(3 * k_second));
  CHECK(job.allow(4 * k_second));
  job.success(60 * k_second); // online since 0 for 60s >= 10s: cleared, then online
  CHECK(job.failures() == 0);
  CHECK(job.interval() == 0);
  CHECK(job.allow(60 * k_second));
}

TEST_CASE("a job that fails max-try-time times in a row is terminated") {
  const BackoffConfig config = small_config();
  JobBackoff job(config, Rng(1));
  for (int i = 0; i < 3; ++i) {
    job.fail(i * k_minute);
    CHECK_FALSE(job.terminate());
  }
  job.fail(3 * k_minute);
  CHECK(job.terminate());
}

TEST_CASE("terminate needs max-try-time events and max-try-time of them offline") {
  const BackoffConfig config = small_config();
  JobBackoff job(config, Rng(1));
  // online, fail, online, fail, ... all shorter than reset-interval.
  for (int i = 0; i < 3; ++i) {
    job.success(i * k_second);
    job.fail(i * k_second + 1);
  }
  CHECK(job.events() == 6);
  CHECK(job.failures() == 3);
  CHECK_FALSE(job.terminate()); // 6 events >= 4, but only 3 offline
  job.success(5 * k_second);
  job.fail(5 * k_second + 1);
  CHECK(job.terminate());
}

TEST_CASE("the O(1) job backoff decides exactly like the engine's event list") {
  // Random event sequences around the reset-interval boundary; every
  // decision and interval must agree after every event and at probe times.
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    BackoffConfig config = small_config();
    config.randomization_factor = seed % 2 == 0 ? 0.5 : 0.0;
    config.max_try_time = 1 + static_cast<std::int64_t>(seed % 7);
    JobBackoff fast(config, Rng(seed));
    EventListBackoff slow(config, Rng(seed));
    Rng script(seed * 977);
    Nanos now = 0;
    for (int step = 0; step < 60; ++step) {
      now += static_cast<Nanos>(script.next_u64() % static_cast<std::uint64_t>(15 * k_second));
      if (script.next_u64() % 3 == 0) {
        fast.success(now);
        slow.success(now);
      } else {
        fast.fail(now);
        slow.fail(now);
      }
      CAPTURE(seed);
      CAPTURE(step);
      REQUIRE(fast.interval() == slow.interval());
      REQUIRE(fast.terminate() == slow.terminate());
      for (const Nanos probe : {Nanos{0}, k_second, 3 * k_second, 9 * k_second}) {
        REQUIRE(fast.allow(now + probe) == slow.allow(now + probe));
      }
    }
  }
}
