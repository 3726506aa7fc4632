#include <cli/commands.hpp>

#include <cli/command_support.hpp>
#include <cli/output.hpp>
#include <cli/table_options.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/model/job_id.hpp>
#include <jobop/status/records_json.hpp>
#include <jobop/store/metastore.hpp>
#include <jobop/time/go_duration.hpp>
#include <jobop/time/timestamp.hpp>

#include <iostream>
#include <memory>

namespace jobop::cli {

namespace {
constexpr const char* k_history_examples = R"(Examples:
  jobop history -o table                          # every change a person made, oldest first
  jobop history payments-cdc-orders               # one job's story (deleted jobs too)
  jobop history --since 24h -o jsonl | jq 'select(.action == "force_cancel")'
  jobop history --since 2024-05-01T00:00:00Z stuck-job)";

struct HistoryFlags {
  std::vector<std::string> ids;
  std::string since;
  RecordOutputFlags output;
};

// Priorities: at 80 columns a person sees when (as an age), who, what and
// to which job; wider terminals add the states, the reason and the host.
const std::vector<Column>& history_columns() {
  static const std::vector<Column> columns = {{"SEQ", "/seq", 7},
                                              {"AGE", "/at", 0, CellKind::age},
                                              {"ACTOR", "/actor", 0},
                                              {"ACTION", "/action", 0},
                                              {"ID", "/id", 0},
                                              {"BEFORE", "/before/state", 4},
                                              {"AFTER", "/after/state", 3},
                                              {"REASON", "/reason", 1, CellKind::text, true},
                                              {"AT", "/at", 6},
                                              {"HOST", "/host", 5}};
  return columns;
}

// Return the instant `--since` names: a Go duration back from `now` ("24h")
// or a date or time ("2024-05-01", RFC 3339; UTC without a zone).
time::Timestamp since_instant(const std::string& text, core::UnixNanos now) {
  if (const auto at = time::parse_timestamp_text(text)) {
    return *at;
  }
  try {
    const core::Nanos ago = time::parse_go_duration(text);
    if (ago < 0) {
      throw core::UsageError("input.bad_since", "--since " + text + " is negative");
    }
    return now - ago;
  } catch (const core::UsageError& e) {
    if (e.code() == "input.bad_since") {
      throw;
    }
    throw core::UsageError("input.bad_since", "--since " + text +
                                                " is neither a Go duration back from now (24h, "
                                                "90m) nor a date or time (2024-05-01, "
                                                "2024-05-01T12:00:00Z): " +
                                                e.what());
  }
}

void run_history(const HistoryFlags& flags, const Globals& globals) {
  model::AuditFilter filter;
  for (const auto& id : flags.ids) {
    model::validate_job_id(id);
  }
  filter.ids = flags.ids;
  if (!flags.since.empty()) {
    filter.since = since_instant(flags.since, globals.clock->now());
  }
  const auto opened = open_store(globals, store::OpenMode::read_only);
  store::Metastore& store = *opened;
  auto writer = make_command_writer(
    flags.output, globals, {"entries", history_columns(), globals.clock->now(), false, {}});
  std::size_t count = 0;
  store.for_each_audit_entry(filter, [&](const model::AuditEntry& entry) {
    ++count;
    writer->write(status::audit_record(entry));
  });
  writer->finish({{"count", count}, {"audited", store.has_audit()}});
}

} // namespace

void setup_history_command(CLI::App& app, Globals& globals) {
  auto flags = std::make_shared<HistoryFlags>();
  auto* command = app.add_subcommand(
    "history", "Show the audit trail: who changed which job, when, from where and why (every "
               "cancel, forced cancel, job put/set-state/delete a person ran), oldest first");
  command->add_option("ID", flags->ids, "Only these jobs (a job that has no entry shows none)");
  command->footer(k_history_examples);
  command->add_option("--since", flags->since,
                      "Only entries at or after this: a Go duration back from now (24h) or a "
                      "date or time (2024-05-01, 2024-05-01T12:00:00Z)");
  add_record_output_options(*command, flags->output);
  command->callback([flags, &globals] { run_history(*flags, globals); });
}

} // namespace jobop::cli
