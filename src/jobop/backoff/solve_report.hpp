#pragma once

#include <jobop/backoff/failure_model.hpp>
#include <jobop/backoff/solve.hpp>
#include <jobop/backoff/text_report.hpp>

#include <nlohmann/json.hpp>

#include <string>

// The documents of `backoff-sim --solve`: the answer, the engine's
// `[job-backoff]` block to paste, and the answer's distribution.
namespace jobop::backoff {

// Return the solve document: key, percentile, give_up_after, solved, the
// value, the TOML block, and `distribution` (a failure-model document).
nlohmann::json solve_to_json(const SolveRequest& request, const FailureModelParams& params,
                             const SolveResult& result);

// Return the same for a person: the answer, the block, the distribution.
TextReport solve_report(const SolveRequest& request, const FailureModelParams& params,
                        const SolveResult& result);

} // namespace jobop::backoff
