#include <cli/commands.hpp>

#include <cli/audit_actor.hpp>
#include <cli/command_support.hpp>
#include <cli/command_tree.hpp>
#include <cli/output.hpp>
#include <cli/value_names.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/model/codes.hpp>
#include <jobop/model/job_id.hpp>
#include <jobop/status/records_json.hpp>
#include <jobop/store/metastore.hpp>

#include <iostream>
#include <memory>
#include <optional>

namespace jobop::cli {

namespace {
constexpr const char* k_job_examples = R"(Examples:
  jobop job put orders --type cdc --state running --project payments --node n1 --epoch 3
  jobop job put orders --create --type dm --state created   # exit 4 if the id exists
  jobop job set-state orders stopped              # what a job master does when it stops
  jobop job set-state orders failed --error "panic: out of range"
  jobop job delete orders --reason "INC-9 cleanup"  # soft delete of a terminated job)";
} // namespace

namespace {

struct JobFlags {
  std::string id;
  std::string type;
  std::string state;
  std::string project = "default";
  std::string node;
  std::string address;
  std::string epoch = "0";
  std::optional<std::string> error;
  std::optional<std::string> config;
  std::optional<std::string> detail;
  std::string ext = model::JobSpec::k_empty_ext;
  bool create = false;
  std::optional<std::string> reason;
};

// Return `text` as the JSON the engine's MasterMetaExt reads: an object
// whose `selectors`, if any, is null or an array. Compact.
std::string ext_json(const std::string& text) {
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw core::UsageError("input.bad_ext",
                           std::string("--ext is not JSON: ") + e.what() +
                             " (the engine keeps ext as JSON, e.g. {\"selectors\":null})");
  }
  if (!value.is_object()) {
    throw core::UsageError("input.bad_ext",
                           "--ext must be a JSON object (the engine's MasterMetaExt), e.g. "
                           "{\"selectors\":null}");
  }
  if (const auto it = value.find("selectors");
      it != value.end() && !it->is_null() && !it->is_array()) {
    throw core::UsageError("input.bad_ext",
                           "--ext: `selectors` must be null or an array of selectors");
  }
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

// Print the job `id` as `status` shows it, with `extra` fields added.
void print_job(store::Metastore& store, const std::string& id, core::UnixNanos now,
               const nlohmann::json& extra) {
  const auto rows = store.find_jobs({id});
  nlohmann::json record =
    rows.front() ? status::status_record(*rows.front(), {now}) : nlohmann::json{{"id", id}};
  record.update(extra);
  print_json_line(std::cout, record);
}

void run_put(const JobFlags& flags, const Globals& globals) {
  model::JobSpec spec;
  spec.id = flags.id;
  spec.type = model::parse_job_type(flags.type);
  spec.state = model::parse_job_state(flags.state);
  spec.project_id = flags.project;
  spec.node_id = flags.node;
  spec.address = flags.address;
  spec.epoch = model::parse_epoch(flags.epoch);
  spec.error_message = flags.error.value_or("");
  spec.config = flags.config;
  spec.detail = flags.detail;
  spec.ext = ext_json(flags.ext);
  model::validate_job_id(spec.id);
  const auto audit = audit_context(globals, flags.reason);
  const auto opened = open_store(globals, store::OpenMode::read_write);
  store::Metastore& store = *opened;
  const core::UnixNanos now = globals.clock->now();
  const bool inserted = store.put_job(
    spec, now, flags.create ? store::PutMode::create : store::PutMode::upsert, &audit);
  print_job(store, spec.id, now, {{"inserted", inserted}});
}

void run_set_state(const JobFlags& flags, const Globals& globals) {
  const model::JobState state = model::parse_job_state(flags.state);
  model::validate_job_id(flags.id);
  const auto audit = audit_context(globals, flags.reason);
  const auto opened = open_store(globals, store::OpenMode::read_write);
  store::Metastore& store = *opened;
  const core::UnixNanos now = globals.clock->now();
  store.set_job_state(flags.id, state, flags.error, now, &audit);
  print_job(store, flags.id, now, nlohmann::json::object());
}

void run_delete(const JobFlags& flags, const Globals& globals) {
  model::validate_job_id(flags.id);
  const auto audit = audit_context(globals, flags.reason);
  const auto opened = open_store(globals, store::OpenMode::read_write);
  store::Metastore& store = *opened;
  store.delete_job(flags.id, globals.clock->now(), &audit);
  print_json_line(std::cout, {{"id", flags.id}, {"deleted", true}});
}

} // namespace

void setup_job_command(CLI::App& app, Globals& globals) {
  auto flags = std::make_shared<JobFlags>();
  auto* job =
    app.add_subcommand("job", "Write job rows as the engine does (for tests, demos and repair)");
  job->require_subcommand(1);
  job->footer(k_job_examples);

  auto* put = job->add_subcommand(
    "put", "Insert or update a job row as the engine's UpsertJob does: every column is "
           "overwritten, those not given with their defaults (config and detail NULL, error "
           "empty, ext {\"selectors\":null}); created_at stays. A soft-deleted id is refused "
           "(exit 4), never revived; --create refuses any existing id, as CreateJob");
  put->add_option("ID", flags->id, "Job id (1-128 bytes of UTF-8)")->required();
  put
    ->add_option("--type", flags->type,
                 "JobManager, CVSDemo, FakeJob, DM, CDC (any case, - and _ ignored) or 1-5")
    ->required()
    ->check(completion_values(job_type_names()));
  put
    ->add_option("--state", flags->state,
                 "created|running|finished|canceled|failed, uninit|init|stopped, or 1-5")
    ->required()
    ->check(completion_values(job_state_names()));
  put->add_option("--project", flags->project, "Project id")->capture_default_str();
  put->add_option("--node", flags->node, "Node id of the job's master");
  put->add_option("--address", flags->address, "Address of the job's master");
  put->add_option("--epoch", flags->epoch, "Epoch of the job's master (0 to 2^63-1)")
    ->capture_default_str()
    ->type_name("N");
  put->add_option("--error", flags->error, "Error message");
  put->add_option("--config", flags->config,
                  "The config blob (may hold credentials; redacted in the audit trail)");
  put->add_option("--detail", flags->detail, "The detail blob (what the job reports on exit)");
  put->add_option("--ext", flags->ext, "The ext column: a JSON object (MasterMetaExt)")
    ->capture_default_str();
  put->add_flag("--create", flags->create,
                "Insert only, as the engine's CreateJob: an existing id (live or deleted) is "
                "exit 4, job.already_exists");
  put->add_option("--reason", flags->reason, "Why (never blank); kept in the audit trail");
  put->callback([flags, &globals] { run_put(*flags, globals); });

  auto* set_state = job->add_subcommand(
    "set-state", "Set a job's state, as its master does when it stops, finishes or fails");
  set_state->add_option("ID", flags->id, "Job id")->required();
  set_state
    ->add_option("STATE", flags->state,
                 "created|running|finished|canceled|failed, uninit|init|stopped, or 1-5")
    ->required()
    ->check(completion_values(job_state_names()));
  set_state->add_option("--error", flags->error, "Error message to record");
  set_state->add_option("--reason", flags->reason, "Why (never blank); kept in the audit trail");
  set_state->callback([flags, &globals] { run_set_state(*flags, globals); });

  auto* remove = job->add_subcommand(
    "delete", "Soft-delete a terminated job as the engine's DeleteJob does (set only its "
              "`deleted` time); a job that is not terminated is exit 4, job.not_terminated");
  remove->add_option("ID", flags->id, "Job id")->required();
  remove->add_option("--reason", flags->reason, "Why (never blank); kept in the audit trail");
  remove->callback([flags, &globals] { run_delete(*flags, globals); });
}

} // namespace jobop::cli
