#include <jobop/backoff/backoff_manager.hpp>
#include <jobop/core/exceptions.hpp>

#include <doctest/doctest.h>

using namespace jobop::backoff;
using jobop::core::k_second;

TEST_CASE("an unknown job is allowed and not terminated") {
  const BackoffManager manager(BackoffConfig{}, 1);
  CHECK(manager.allow("nobody", 0));
  CHECK_FALSE(manager.terminate("nobody"));
  CHECK(manager.find("nobody") == nullptr);
}

TEST_CASE("JobOnline and JobFail create the entry; JobTerminate removes it") {
  BackoffConfig config;
  config.randomization_factor = 0;
  BackoffManager manager(config, 1);
  manager.job_online("a", 0);
  CHECK(manager.size() == 1);
  CHECK(manager.allow("a", 0));
  manager.job_fail("b", 0);
  CHECK(manager.size() == 2);
  CHECK_FALSE(manager.allow("b", 0));
  CHECK(manager.allow("b", 5 * k_second));
  manager.job_terminate("b");
  CHECK(manager.size() == 1);
  CHECK(manager.allow("b", 0));
  manager.job_terminate("never-seen"); // no error
  CHECK(manager.size() == 1);
}

TEST_CASE("one job's events never change another job's jitter") {
  BackoffConfig config; // randomization-factor 0.5
  BackoffManager alone(config, 99);
  BackoffManager crowded(config, 99);
  for (int i = 0; i < 20; ++i) {
    crowded.job_fail("noise", i * k_second);
    crowded.job_fail("noise-2", i * k_second);
    alone.job_fail("job", i * k_second);
    crowded.job_fail("job", i * k_second);
    REQUIRE(alone.find("job")->interval() == crowded.find("job")->interval());
  }
}

TEST_CASE("the manager rejects a jitter outside [0, 1], the one rule the engine lacks") {
  BackoffConfig config;
  config.randomization_factor = 1.5;
  CHECK_THROWS_AS(BackoffManager(config, 1), jobop::core::UsageError);
}
