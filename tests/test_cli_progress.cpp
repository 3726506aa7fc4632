#include <cli/diagnostics.hpp>
#include <cli/live_jobs.hpp>
#include <cli/progress.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using jobop::core::k_minute;
using jobop::core::k_second;

TEST_CASE("progress_line shows done/total, percent, rate and ETA") {
  using jobop::cli::progress_line;
  CHECK(progress_line("cancel", 0, 5000, 0) == "cancel  0/5000  0%");
  CHECK(progress_line("cancel", 1000, 5000, 2 * k_second) ==
        "cancel  1000/5000  20%  500/s  ETA 8s");
  CHECK(progress_line("runs", 10, 10, k_second) == "runs  10/10  100%  10/s  ETA 0s");
}

TEST_CASE("fit_block caps a block to the height and says how many lines were left out") {
  using jobop::cli::fit_block;
  const std::vector<std::string> lines = {"one", "two", "three", "four", "five"};
  CHECK(fit_block(lines, 80, 10) == lines);
  CHECK(fit_block(lines, 80, 3) == std::vector<std::string>{"one", "two", "\u2026 and 3 more"});
  CHECK(fit_block({"abcdefghij"}, 5, 3) == std::vector<std::string>{"abcd\u2026"});
  CHECK(fit_block(lines, 80, 0).empty());
}

TEST_CASE("a pending job's live line says for how long, how many sends and whether it is stuck") {
  jobop::model::StatusRow row;
  row.id = "orders";
  row.job = jobop::model::JobRecord{};
  row.job->state = jobop::model::JobState::init;
  row.op = jobop::model::OpRecord{"orders", jobop::model::OpStatus::canceling, 0, 0};
  row.outbox = jobop::model::OutboxRecord{};
  row.outbox->send_count = 4;
  const auto now = 3 * k_minute + 12 * k_second;
  CHECK(jobop::cli::pending_job_lines({row}, now, 5 * k_minute) ==
        std::vector<std::string>{"  orders  canceling for 3m12s  cancel sent 4 times"});
  CHECK(jobop::cli::pending_job_lines({row}, now, k_minute) ==
        std::vector<std::string>{"  orders  canceling for 3m12s  cancel sent 4 times  STUCK"});
}

TEST_CASE("the live lines of several jobs align their columns by display width") {
  auto pending = [](std::string id, jobop::core::UnixNanos since, std::int64_t sends) {
    jobop::model::StatusRow row;
    row.id = std::move(id);
    row.job = jobop::model::JobRecord{};
    row.job->state = jobop::model::JobState::init;
    row.op = jobop::model::OpRecord{row.id, jobop::model::OpStatus::canceling, since, since};
    row.outbox = jobop::model::OutboxRecord{};
    row.outbox->send_count = sends;
    return row;
  };
  const auto now = 100 * k_second;
  // "支付" is two characters four columns wide: it pads like "paym".
  const auto lines = jobop::cli::pending_job_lines(
    {pending("orders", now - 76 * k_second, 4), pending("支付", now - 3 * k_second, 1)}, now,
    k_minute);
  CHECK(lines == std::vector<std::string>{
                   "  orders  canceling for 76s  cancel sent 4 times  STUCK",
                   "  支付    canceling for 3s   cancel sent once",
                 });
}

TEST_CASE("a text diagnostic keeps every detail, even one its message names") {
  const auto line = jobop::cli::diagnostic_text(
    "error", "job.not_found", "job not found: `ghost`",
    {{"id", "ghost"}, {"pending", {"a", "b c"}}, {"line", 7}, {"why", "two words"}}, false);
  CHECK(line ==
        "error: job not found: `ghost` [job.not_found id=ghost line=7 pending=[\"a\",\"b c\"] "
        "why=\"two words\"]");
  const auto coloured = jobop::cli::diagnostic_text("warning", "w", "m", {}, true);
  CHECK(coloured == "\033[1;33mwarning\033[0m: m [w]");
  // Bytes from the metastore never reach the terminal raw.
  CHECK(jobop::cli::diagnostic_text("error", "c", "bad \x1b[2J", {{"id", "\x1b"}}, false) ==
        "error: bad \\x1B[2J [c id=\\x1B]");
}
