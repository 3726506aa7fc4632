#pragma once

#include <ostream>

// Lost output is a failure (SPEC §4, exit 7): a script that reads nothing, or
// half a document, must not see exit 0. Every writer of results checks its
// stream after each record; main() checks the final flush and close.
namespace jobop::cli {

// Throw core::OutputError (output.write_failed) if `out` failed: a write or
// flush of stdout was refused (a full disk, a closed pipe with SIGPIPE
// ignored, a closed descriptor). Checking costs a flag test, so call it per
// record.
void ensure_written(std::ostream& out);

// Flush stdout (both iostreams and C stdio) and close its descriptor, so that
// a failure of the last write or of close() itself (NFS reports late) is seen.
// Return `exit_code`, or 7 with an `output.write_failed` line on stderr when
// the output was lost and nothing reported it yet (an earlier failure's code
// is kept).
int close_stdout(int exit_code);

} // namespace jobop::cli
