#pragma once

#include <cstddef>
#include <string_view>

namespace jobop::model {

// The width of master_meta.id and job_ops.job_id (varchar(128)), in bytes.
constexpr std::size_t k_max_job_id_bytes = 128;

// Return an empty string if `id` is a valid job id (1..128 bytes of valid
// UTF-8 without control characters), else why it is not, for a message.
std::string_view job_id_problem(std::string_view id);

// Throw core::UsageError (code "job.bad_id", details {"id"}) unless `id` is a
// valid job id. Called before anything is written.
void validate_job_id(std::string_view id);

} // namespace jobop::model
