#include <jobop/operator/op_marks.hpp>

#include <jobop/core/exceptions.hpp>

#include <string>
#include <vector>

namespace jobop::ops::detail {

void throw_already_canceled(std::string_view id, bool live) {
  std::string message = "job `" + std::string(id) + "` is already canceled";
  if (live) {
    message += ", yet a live job holds that id: its op row is Canceled from an earlier job "
               "whose id was reused, and the engine refuses to cancel it again; stop it with "
               "`jobop cancel --force --reason TEXT`";
  }
  throw core::ConflictError("job.already_canceled", message,
                            {{"id", std::string(id)}, {"reused_id", live}});
}

bool mark_canceling_locked(store::Metastore& store, std::string_view id,
                           const std::optional<model::OpRecord>& current, core::UnixNanos now) {
  if (current && current->op == model::OpStatus::canceling) {
    return false;
  }
  if (current && current->op == model::OpStatus::canceled) {
    const auto job = store.get_job(id);
    throw_already_canceled(id, job && !model::is_terminated(job->state));
  }
  const std::vector<std::string> ids{std::string(id)};
  store.upsert_ops(ids, model::OpStatus::canceling, now);
  // A new cancellation counts its messages anew.
  store.clear_outboxes(ids);
  return true;
}

} // namespace jobop::ops::detail
