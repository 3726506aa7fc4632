#include <jobop/operator/op_marks.hpp>

#include <jobop/core/exceptions.hpp>

#include <string>

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
                           const std::optional<store::OpRecord>& current, core::UnixNanos now) {
  if (current && current->op == store::OpStatus::canceling) {
    return false;
  }
  if (current && current->op == store::OpStatus::canceled) {
    const auto job = store.get_job(id);
    throw_already_canceled(id, job && !store::is_terminated(job->state));
  }
  store.upsert_op(id, store::OpStatus::canceling, now);
  // A new cancellation counts its messages anew.
  store.clear_outbox(id);
  return true;
}

} // namespace jobop::ops::detail
