#include <cli/commands.hpp>

#include <cli/command_support.hpp>
#include <cli/output.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/demo/demo_data.hpp>
#include <jobop/store/open.hpp>

#include <iostream>
#include <memory>

namespace jobop::cli {

namespace {
constexpr const char* k_init_examples = R"(Examples:
  jobop init --db /var/lib/engine/meta.db         # create, or adopt the engine's metastore
  jobop init --demo --db /tmp/demo.db             # a demo set of jobs in every state)";
} // namespace

namespace {

struct InitFlags {
  bool demo = false;
};

// Refuse --demo on a metastore that already holds jobs before init adopts
// it, so that the refusal leaves it exactly as it was. A metastore that does
// not exist yet (or cannot be read) is left to init.
void refuse_demo_into_jobs(const Globals& globals) {
  std::unique_ptr<store::Metastore> existing;
  try {
    existing = open_store(globals, store::OpenMode::read_only);
  } catch (const core::StoreError&) {
    return;
  }
  if (demo::holds_jobs(*existing)) {
    demo::refuse_not_empty(existing->location());
  }
}

void run_init(const InitFlags& flags, const Globals& globals) {
  const core::UnixNanos now = globals.clock->now();
  if (flags.demo) {
    refuse_demo_into_jobs(globals);
  }
  const auto result = store::init_metastore(store_target(globals), store_options(globals));
  nlohmann::json document = {{"path", result.path},
                             {"created", result.created_file},
                             {"adopted", result.adopted},
                             {"schema_version", result.schema_version},
                             {"demo", nullptr}};
  if (flags.demo) {
    const auto opened = open_store(globals, store::OpenMode::read_write);
    store::Metastore& store = *opened;
    const auto demo = demo::seed_demo(store, now);
    document["demo"] = {
      {"added", true}, {"jobs", demo.job_ids.size()}, {"canceling", demo.canceling}};
  }
  print_json_line(std::cout, document);
}

} // namespace

void setup_init_command(CLI::App& app, Globals& globals) {
  auto flags = std::make_shared<InitFlags>();
  auto* command = app.add_subcommand(
    "init", "Create the metastore at --db (or adopt one the engine made: its tables are kept)");
  command->footer(k_init_examples);
  command->add_flag("--demo", flags->demo,
                    "Also add a small realistic set of jobs: three projects, every type and "
                    "state, fresh and stuck cancellations, an orphan op, a deleted job");
  command->callback([flags, &globals] { run_init(*flags, globals); });
}

} // namespace jobop::cli
