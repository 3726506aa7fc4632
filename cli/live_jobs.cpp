#include <cli/live_jobs.hpp>

#include <cli/human_time.hpp>
#include <jobop/text/utf8.hpp>
#include <jobop/time/timestamp.hpp>

namespace jobop::cli {

std::string pending_job_line(const model::StatusRow& row, core::UnixNanos now,
                             core::Nanos stuck_after) {
  std::string line = "  " + text::terminal_safe(row.id) + "  ";
  const auto since = row.canceling_since();
  line += since ? "canceling for " + human_age(time::nanos_between(*since, now))
                : std::string("canceling");
  const std::int64_t sends = row.outbox ? row.outbox->send_count : 0;
  line += sends == 1 ? "  cancel sent once" : "  cancel sent " + std::to_string(sends) + " times";
  if (row.looks_stuck(now, stuck_after)) {
    line += "  STUCK";
  }
  return line;
}

} // namespace jobop::cli
