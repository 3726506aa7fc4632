#include <jobop/core/exceptions.hpp>
#include <jobop/model/codes.hpp>
#include <jobop/model/job_id.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace jobop::model;
using jobop::core::UsageError;

TEST_CASE("job states parse from user-facing and engine names, any case, and numbers") {
  CHECK(parse_job_state("created") == JobState::uninit);
  CHECK(parse_job_state("Uninit") == JobState::uninit);
  CHECK(parse_job_state("RUNNING") == JobState::init);
  CHECK(parse_job_state("init") == JobState::init);
  CHECK(parse_job_state("finished") == JobState::finished);
  CHECK(parse_job_state("canceled") == JobState::stopped);
  CHECK(parse_job_state("Stopped") == JobState::stopped);
  CHECK(parse_job_state("failed") == JobState::failed);
  CHECK(parse_job_state("5") == JobState::failed);
  CHECK_THROWS_AS(parse_job_state("6"), UsageError);
  CHECK_THROWS_AS(parse_job_state("canceling"), UsageError);
  CHECK_THROWS_AS(parse_job_state(""), UsageError);
  try {
    parse_job_state("paused");
    FAIL("no throw");
  } catch (const UsageError& e) {
    CHECK(e.code() == "input.bad_state");
    CHECK(std::string(e.what()).find("paused") != std::string::npos);
  }
}

TEST_CASE("job types and ops parse by name or number") {
  CHECK(parse_job_type("FakeJob") == JobType::fake_job);
  CHECK(parse_job_type("fake-job") == JobType::fake_job);
  CHECK(parse_job_type("cvs_demo") == JobType::cvs_demo);
  CHECK(parse_job_type("JOBMANAGER") == JobType::job_manager);
  CHECK(parse_job_type("4") == JobType::dm);
  CHECK(parse_job_type("cdc") == JobType::cdc);
  CHECK_THROWS_AS(parse_job_type("0"), UsageError);
  CHECK(parse_op_status("none") == OpStatus::none);
  CHECK(parse_op_status("Canceling") == OpStatus::canceling);
  CHECK(parse_op_status("3") == OpStatus::canceled);
  CHECK_THROWS_AS(parse_op_status("cancel"), UsageError);
  CHECK(parse_user_state("canceling") == UserState::canceling);
  CHECK(parse_user_state("stopped") == UserState::canceled);
  CHECK(parse_user_state("init") == UserState::running);
}

TEST_CASE("a live job whose op is canceling is shown as canceling, a terminated one is not") {
  CHECK(user_state(JobState::init, OpStatus::canceling) == UserState::canceling);
  CHECK(user_state(JobState::uninit, OpStatus::canceling) == UserState::canceling);
  CHECK(user_state(JobState::init, OpStatus::canceled) == UserState::running);
  CHECK(user_state(JobState::finished, OpStatus::canceling) == UserState::finished);
  CHECK(user_state(JobState::stopped, OpStatus::none) == UserState::canceled);
  CHECK(user_state(static_cast<JobState>(9), OpStatus::none) == UserState::unknown);
  CHECK(is_terminated(JobState::failed));
  CHECK_FALSE(is_terminated(JobState::init));
  CHECK(engine_state_name(JobState::stopped) == "Stopped");
  CHECK(job_type_name(JobType::cvs_demo) == "CVSDemo");
  CHECK(job_type_name(static_cast<JobType>(42)) == "unknown");
  CHECK(op_status_name(OpStatus::canceled) == "canceled");
}

TEST_CASE("job ids are 1 to 128 bytes of UTF-8 without control characters") {
  CHECK(job_id_problem("job-1").empty());
  CHECK(job_id_problem("ジョブ; rm -rf / `x` $(y)").empty());
  CHECK(job_id_problem(std::string(128, 'a')).empty());
  CHECK_FALSE(job_id_problem(std::string(129, 'a')).empty());
  CHECK_FALSE(job_id_problem("").empty());
  CHECK_FALSE(job_id_problem("a\nb").empty());
  CHECK_FALSE(job_id_problem("a\x7f").empty());
  CHECK_FALSE(job_id_problem("\xff\xfe").empty());
  CHECK_FALSE(job_id_problem("\xc0\xaf").empty());     // overlong
  CHECK_FALSE(job_id_problem("\xed\xa0\x80").empty()); // surrogate
  CHECK_THROWS_AS(validate_job_id(""), UsageError);
}
