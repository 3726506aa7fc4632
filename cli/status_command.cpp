#include <cli/commands.hpp>

#include <cli/command_support.hpp>
#include <cli/command_tree.hpp>
#include <cli/diagnostics.hpp>
#include <cli/output.hpp>
#include <cli/table_options.hpp>
#include <cli/value_names.hpp>
#include <jobop/model/codes.hpp>
#include <jobop/model/job_id.hpp>
#include <jobop/status/records_json.hpp>
#include <jobop/store/metastore.hpp>

#include <iostream>
#include <map>
#include <memory>
#include <unordered_set>

namespace jobop::cli {

namespace {
constexpr const char* k_status_examples = R"(Examples:
  jobop status -o table                           # every job, for people (-o wide: every column)
  jobop status -o table --sort-by canceling       # longest canceling first
  jobop status payments-cdc-orders                # one job (exit 3 if it does not exist)
  jobop status --state canceling --stuck-after 2m -o jsonl | jq 'select(.stuck)'
  jobop status --project payments --op canceling,canceled
  jobop status --all                              # the engine's JobManager row too
  jobop status -o jsonl | jq 'select(.forced) | {id, forced_by, forced_reason}')";
} // namespace

namespace {

struct StatusFlags {
  std::vector<std::string> ids;
  std::vector<std::string> states;
  std::vector<std::string> ops;
  std::vector<std::string> projects;
  std::vector<std::string> types;
  std::string stuck_after = "5m";
  RecordOutputFlags output;
  bool include_config = false;
  bool all = false;
};

// Priorities: at 80 columns a person sees the id, its state and op, how long
// it has been canceling and the error; wider terminals add the rest.
const std::vector<Column>& status_columns() {
  static const std::vector<Column> columns = {{"ID", "/id"},
                                              {"STATE", "/state"},
                                              {"OP", "/op", 3},
                                              {"CANCELING", "/canceling_since", 2, CellKind::age},
                                              {"SENDS", "/cancel_sends", 5},
                                              {"STUCK", "/stuck", 4},
                                              {"PROJECT", "/project", 7},
                                              {"TYPE", "/type", 8},
                                              {"NODE", "/node", 10},
                                              {"ADDRESS", "/address", 13},
                                              {"EPOCH", "/epoch", 11},
                                              {"AGE", "/created_at", 6, CellKind::age},
                                              {"UPDATED", "/updated_at", 9, CellKind::age},
                                              {"ORPHAN", "/orphan", 12},
                                              {"FORCED", "/forced", 14},
                                              {"FORCED_BY", "/forced_by", 15},
                                              {"ERROR", "/error", 1, CellKind::text, true}};
  return columns;
}

model::StatusFilter filter_from(const StatusFlags& flags) {
  model::StatusFilter filter;
  for (const auto& id : flags.ids) {
    model::validate_job_id(id);
  }
  filter.ids = flags.ids;
  for (const auto& state : flags.states) {
    filter.states.push_back(model::parse_user_state(state));
  }
  for (const auto& op : flags.ops) {
    filter.ops.push_back(model::parse_op_status(op));
  }
  for (const auto& type : flags.types) {
    filter.types.push_back(model::parse_job_type(type));
  }
  filter.projects = flags.projects;
  filter.include_config = flags.include_config;
  filter.include_job_manager = flags.all;
  return filter;
}

void run_status(const StatusFlags& flags, Globals& globals) {
  const auto filter = filter_from(flags);
  status::ViewOptions view;
  view.stuck_after = duration_flag(flags.stuck_after);
  view.include_config = flags.include_config;
  const auto opened = open_store(globals, store::OpenMode::read_only);
  store::Metastore& store = *opened;
  view.now = globals.clock->now();

  auto writer =
    make_command_writer(flags.output, globals, {"jobs", status_columns(), view.now, false, {}});
  std::size_t count = 0;
  std::size_t stuck = 0;
  std::map<std::string, std::size_t> by_state;
  std::unordered_set<std::string> seen;
  std::string text;
  store.for_each_status_row(filter, [&](const model::StatusRow& row) {
    ++count;
    stuck += row.looks_stuck(view.now, view.stuck_after) ? 1 : 0;
    ++by_state[row.orphan() ? std::string("orphan")
                            : std::string(model::user_state_name(row.state()))];
    if (!filter.ids.empty()) {
      seen.insert(row.id);
    }
    if (writer->takes_text()) {
      text.clear();
      status::append_status_record(text, row, view);
      writer->write_text(text);
    } else {
      writer->write(status::status_record(row, view));
    }
  });

  // Named ids that matched nothing: missing (exit 3), or filtered out.
  std::vector<std::string> unseen;
  for (const auto& id : filter.ids) {
    if (seen.count(id) == 0) {
      unseen.push_back(id);
    }
  }
  if (!unseen.empty()) {
    const auto rows = store.find_jobs(unseen);
    for (std::size_t i = 0; i < unseen.size(); ++i) {
      if (!rows[i]) {
        write_diagnostic(std::cerr, "error", "job.not_found", "job not found: `" + unseen[i] + "`",
                         {{"id", unseen[i]}});
        globals.fail_with(core::ExitCode::not_found);
      }
    }
  }
  writer->finish({{"count", count}, {"stuck", stuck}, {"by_state", by_state}});
}

} // namespace

void setup_status_command(CLI::App& app, Globals& globals) {
  auto flags = std::make_shared<StatusFlags>();
  auto* command = app.add_subcommand(
    "status", "Show jobs with their user-facing state and op (all jobs, or the ids given)");
  command->add_option("ID", flags->ids, "Only these jobs (exit 3 if one does not exist)");
  command->footer(k_status_examples);
  command
    ->add_option("--state", flags->states,
                 "Only jobs in these states: created, running, canceling, finished, canceled, "
                 "failed (engine names and numbers too); repeat or comma-separate")
    ->delimiter(',')
    ->check(completion_values(user_state_names()));
  command
    ->add_option("--op", flags->ops,
                 "Only jobs whose op is one of: none, noop, canceling, canceled")
    ->delimiter(',')
    ->check(completion_values(op_names()));
  command->add_option("--project", flags->projects, "Only jobs of these projects")->delimiter(',');
  command->add_option("--type", flags->types, "Only jobs of these types")
    ->delimiter(',')
    ->check(completion_values(job_type_names()));
  command
    ->add_option("--stuck-after", flags->stuck_after,
                 "A job canceling for this long looks stuck (field `stuck`)")
    ->check(go_duration_validator())
    ->capture_default_str();
  command->add_flag("--all", flags->all,
                    "Also list the engine's own JobManager rows (hidden like in the engine's "
                    "job listing; ids named or --type JobManager always show)");
  command->add_flag("--include-config", flags->include_config,
                    "Add the `config` field (it may hold credentials)");
  add_record_output_options(*command, flags->output);
  command->callback([flags, &globals] { run_status(*flags, globals); });
}

} // namespace jobop::cli
