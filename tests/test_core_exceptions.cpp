#include <jobop/core/clock.hpp>
#include <jobop/core/exceptions.hpp>

#include <doctest/doctest.h>

using namespace jobop::core;

TEST_CASE("every error kind carries its documented exit code") {
  CHECK(UsageError("usage", "bad").exit_code() == ExitCode::usage);
  CHECK(NotFoundError("job.not_found", "x").exit_code() == ExitCode::not_found);
  CHECK(ConflictError("job.conflict", "x").exit_code() == ExitCode::conflict);
  CHECK(StoreError("store.locked", "x").exit_code() == ExitCode::store_unavailable);
  CHECK(DeadlineError("deadline", "x").exit_code() == ExitCode::deadline);
  CHECK(to_int(ExitCode::deadline) == 6);
  CHECK(OutputError("output.write_failed", "x").exit_code() == ExitCode::output_failed);
  CHECK(to_int(ExitCode::output_failed) == 7);
}

TEST_CASE("an error keeps its code, message and details") {
  const UsageError e("trace.time_backwards", "line 7: `at` goes backwards", {{"line", 7}});
  CHECK(e.code() == "trace.time_backwards");
  CHECK(std::string(e.what()) == "line 7: `at` goes backwards");
  CHECK(e.details().at("line") == 7);
}

TEST_CASE("a fake clock moves only when told") {
  FakeClock clock(5 * k_second);
  CHECK(clock.now() == 5'000'000'000);
  clock.advance(k_minute);
  CHECK(clock.now() == 65 * k_second);
  clock.set(0);
  CHECK(clock.now() == 0);
}
