#include "kill_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string_view>

namespace jobop::stress {

namespace {

constexpr core::UnixNanos k_seeded_at = 1'714'564'900 * core::k_second;

} // namespace

FullRun run_fully(const StressStore& store, const std::vector<std::string>& args,
                  const std::string& input, const test::TempDir& dir) {
  const auto start = std::chrono::steady_clock::now();
  test::Child child =
    test::spawn_jobop(store.args(args), test::ChildOptions{input, dir.file("full.out"),
                                                           dir.file("full.err"), "", store.env()});
  FullRun run;
  run.exit_code = child.wait();
  run.seconds = seconds_since(start);
  run.out = test::read_file(dir.file("full.out"));
  run.err = test::read_file(dir.file("full.err"));
  return run;
}

std::chrono::microseconds random_delay(std::mt19937_64& random, double full_run_seconds) {
  std::uniform_real_distribution<double> pick(0.0, 0.95 * full_run_seconds);
  return std::chrono::microseconds(static_cast<std::int64_t>(pick(random) * 1e6));
}

std::vector<Printed> printed_records(const std::string& text) {
  std::vector<Printed> records;
  std::size_t begin = 0;
  for (std::size_t end = text.find('\n'); end != std::string::npos;
       begin = end + 1, end = text.find('\n', begin)) {
    const std::string_view line(text.data() + begin, end - begin);
    const std::size_t id_at = line.find(",\"id\":\"");
    const std::size_t changed_at = line.find(",\"changed\":");
    REQUIRE_MESSAGE((id_at != std::string_view::npos && changed_at != std::string_view::npos),
                    line);
    const std::size_t id_begin = id_at + 7;
    const std::size_t id_end = line.find('"', id_begin);
    records.push_back({std::string(line.substr(id_begin, id_end - id_begin)),
                       line.substr(changed_at + 11, 4) == "true"});
  }
  return records;
}

CancelScenario::CancelScenario(const test::TempDir& dir, std::size_t n_jobs,
                               std::mt19937_64& random, bool mysql)
  : m_pristine(dir.path(), "pristine", mysql), m_db(dir.path(), "jobop", mysql) {
  const auto ids = job_ids(n_jobs, "bulk-");
  m_pristine.seed_running_jobs(ids);
  std::vector<std::string> finished;
  std::vector<std::string> pre_canceling;
  for (std::size_t i = 0; i < n_jobs; ++i) {
    if (i % 20 == 0) {
      finished.push_back(ids[i]);
    } else if (i % 20 == 1) {
      pre_canceling.push_back(ids[i]);
    }
  }
  m_pristine.set_states(finished, model::JobState::finished, k_seeded_at);
  m_pristine.mark_canceling(pre_canceling, k_seeded_at);
  m_before = m_pristine.read_jobs();
  m_order = ids;
  std::shuffle(m_order.begin(), m_order.end(), random);
  m_input = dir.file("ids.txt");
  write_lines(m_input, m_order);
  m_to_change =
    static_cast<std::size_t>(std::count_if(m_before.begin(), m_before.end(), [](const auto& job) {
      return job.second.state != 3 && job.second.op != 2;
    }));
}

const std::vector<std::string>& CancelScenario::command() {
  static const std::vector<std::string> command{"cancel", "-", "-o", "jsonl"};
  return command;
}

std::size_t CancelScenario::check_after(const std::string& printed) {
  // The first command after a crash may well be a read-only `status`.
  const auto first =
    test::run_jobop(m_db.args({"status", m_order.front(), "-o", "jsonl"}), "", m_db.env());
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  REQUIRE(m_db.integrity() == "ok");
  const auto now = m_db.read_jobs();
  REQUIRE(now.size() == m_before.size());
  std::size_t done = 0;
  bool gap = false;
  std::size_t bad = 0;
  for (const std::string& id : m_order) {
    const auto& was = m_before.at(id);
    const auto& is = now.at(id);
    // The job row itself is never written by a cancel of a live job.
    bad += is.state != was.state || is.job_updated_at != was.job_updated_at || is.send_count != 0;
    if (was.state == 3 || was.op == 2) {
      // Finished, or canceling already: untouched whatever happened.
      bad += is.op != was.op || is.op_updated_at != was.op_updated_at;
      continue;
    }
    if (is.op == 0) {
      gap = true;
    } else {
      // Fully changed: a new Canceling row, after every job before it in
      // the input (chunks commit in order).
      bad += is.op != 2 || is.op_created_at.empty() || is.op_created_at != is.op_updated_at || gap;
      ++done;
    }
  }
  CHECK_MESSAGE(bad == 0, bad << " job(s) half-changed, changed out of order or touched");
  // Every job the interrupted process reported is still canceling (or was
  // left alone as terminated).
  std::size_t lost = 0;
  for (const auto& record : printed_records(printed)) {
    const auto& is = now.at(record.id);
    lost += m_before.at(record.id).state == 3 ? is.op != 0 : is.op != 2;
  }
  CHECK_MESSAGE(lost == 0, lost << " reported job(s) lost their change");
  return done;
}

} // namespace jobop::stress
