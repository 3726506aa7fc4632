#include <cli/tick_loop.hpp>

#include <cli/diagnostics.hpp>
#include <jobop/status/records_json.hpp>

#include <iostream>

namespace jobop::cli {

nlohmann::json tick_document(const ops::TickResult& result, core::UnixNanos now,
                             std::string_view router) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : result.items) {
    items.push_back(status::tick_item(item));
  }
  nlohmann::json document = {{"at", status::timestamp_json(now)},
                             {"router", std::string(router)},
                             {"dry_run", result.dry_run},
                             {"items", std::move(items)},
                             {"counts", status::tick_counts(result.counts)},
                             {"idle", result.idle()}};
  if (result.interrupted) {
    document["interrupted"] = true;
  }
  return document;
}

void report_tick_problems(const ops::TickResult& result, Globals& globals) {
  for (const auto& item : result.items) {
    if (item.action == ops::TickAction::send_failed) {
      write_diagnostic(std::cerr, "warning", "tick.send_failed",
                       "the cancel message to the master of job " + item.id +
                         " failed: " + item.error + "; the next tick sends it again",
                       {{"id", item.id}});
    } else if (item.action == ops::TickAction::error) {
      write_diagnostic(std::cerr, "error",
                       item.error_code.empty() ? "store.error" : item.error_code,
                       "job " + item.id + ": " + item.error, {{"id", item.id}});
      globals.fail_with(core::ExitCode::store_unavailable);
    }
  }
}

} // namespace jobop::cli
