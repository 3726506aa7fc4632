#pragma once

// The testable entry point of the jobop binary.
namespace jobop::cli {

// Parse `argv`, run the chosen subcommand and return the process exit code.
// Errors become one JSON diagnostic line on stderr; --help and --version stay
// plain text.
int run(int argc, char** argv);

} // namespace jobop::cli
