#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/model/audit.hpp>
#include <jobop/model/records.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The engine's job metastore (SPEC §1), whatever holds it: this is the seam
// between the operator and the backends (store/sqlite/, store/mysql/). It
// speaks only in model records; SQL lives in the backends. Every failure of
// the store is a core::StoreError (exit 5) naming the metastore; a missing
// job is a core::NotFoundError (exit 3).
namespace jobop::store {

// How to open a metastore. Only `create_or_adopt` (init) may create one; the
// others refuse a missing one and create nothing.
enum class OpenMode {
  create_or_adopt, // init: create the schema, or adopt an engine's
  read_write,      // every command that writes
  read_only,       // status and dry runs: never writes
};

struct StoreOptions {
  // How long to wait for a lock another writer holds before store.locked.
  core::Nanos busy_timeout = 5 * core::k_second;
};

// What init did.
struct InitResult {
  // Where the metastore is: a path, or a URL without its password.
  std::string path;
  // The metastore is new: a new file (SQLite), or the engine's tables made in
  // an empty schema (MySQL; the schema itself must exist).
  bool created_file = false;
  // The engine tables were already there and were kept as they are.
  bool adopted = false;
  int schema_version = 0;
};

// How `job put` writes a job row (SPEC §2, the engine's orm client).
enum class PutMode {
  upsert, // UpsertJob: insert, or overwrite every column of a live row
  create, // CreateJob (InsertJob): insert only; an existing id is a conflict
};

// What a transaction may do. `write` takes the locks a read-then-write needs
// before it reads (SQLite: BEGIN IMMEDIATE; MySQL: rows read are locked FOR
// UPDATE); `read` is a consistent snapshot that writes nothing.
enum class TxKind { write, read };

class Metastore {
public:
  Metastore() = default;
  Metastore(const Metastore&) = delete;
  Metastore& operator=(const Metastore&) = delete;
  virtual ~Metastore() = default;

  // Return where the metastore is, for messages: a path or a URL (never with
  // a password).
  virtual const std::string& location() const = 0;
  virtual bool read_only() const = 0;
  // Return true if the outbox table exists (a read-only open of an engine's
  // metastore that jobop never initialised has none).
  virtual bool has_outbox() const = 0;

  // Return true if the audit table exists (like has_outbox: a read-only open
  // of a metastore jobop never wrote to has none).
  virtual bool has_audit() const = 0;

  // Jobs: each call is its own write transaction. With `audit`, it appends
  // its audit entry in that transaction (nothing changed, no entry).

  // Write the job `spec.id` as the engine's UpsertJob (or, `create`, its
  // CreateJob) does: insert it, or overwrite every column of its live row
  // but `created_at` and `deleted`. A soft-deleted row still holds the id
  // (`uidx_mid` covers it) and is never revived: core::ConflictError
  // job.deleted (job.already_exists for `create`, as for a live row).
  // Return true if a row was inserted. Validates the id first.
  bool put_job(const model::JobSpec& spec, core::UnixNanos now, PutMode mode = PutMode::upsert,
               const model::AuditContext* audit = nullptr);
  // Set the state (and, if given, the error message) of a live job; return
  // its row afterwards. core::NotFoundError (job.not_found) if missing.
  model::StatusRow set_job_state(std::string_view id, model::JobState state,
                                 const std::optional<std::string>& error_message,
                                 core::UnixNanos now, const model::AuditContext* audit = nullptr);
  // Soft-delete a job as the engine's DeleteJob does: set only `deleted`.
  // core::NotFoundError if missing; core::ConflictError (job.not_terminated)
  // if it is not terminated (the engine deletes only terminated jobs).
  void delete_job(std::string_view id, core::UnixNanos now,
                  const model::AuditContext* audit = nullptr);

  // Call `on_entry` for every audit entry that passes `filter`, oldest
  // first, in one read transaction. Nothing without the audit table.
  void for_each_audit_entry(const model::AuditFilter& filter,
                            const std::function<void(const model::AuditEntry&)>& on_entry);

  // Status.

  // Return one entry per id, in order: the row (a live job, or an orphan op
  // when only an op has that id), or nullopt when neither exists. Runs in a
  // read transaction of its own.
  std::vector<std::optional<model::StatusRow>> find_jobs(const std::vector<std::string>& ids,
                                                         bool include_config = false);
  // Call `on_row` for every row that passes `filter`: live jobs by seq_id,
  // then orphan ops (see StatusFilter::wants_orphans). Streams in one read
  // transaction and constant memory. Ids in `filter.ids` that match nothing
  // are skipped (use find_jobs to report them).
  void for_each_status_row(const model::StatusFilter& filter,
                           const std::function<void(const model::StatusRow&)>& on_row);

  // Primitives for the operator. Each runs inside a Transaction the caller
  // holds on this store; none validates ids or begins one. In a write
  // transaction the rows they read stay locked until it ends.

  // Return, per id, what find_jobs returns, read inside the caller's
  // transaction. A backend reads them in as few round trips as it can.
  virtual std::vector<std::optional<model::StatusRow>>
  read_jobs(const std::vector<std::string>& ids, bool include_config) = 0;
  // Return the live job `id` (not soft-deleted), without config.
  virtual std::optional<model::JobRecord> get_job(std::string_view id) = 0;
  // Return the op row of `id`.
  virtual std::optional<model::OpRecord> get_op(std::string_view id) = 0;
  // Insert the op row of each of `ids` as `op`, or update the existing one.
  virtual void upsert_ops(const std::vector<std::string>& ids, model::OpStatus op,
                          core::UnixNanos now) = 0;
  // Set op = `to` where job_id = `id` and op = `from`; return rows changed.
  virtual std::int64_t change_op(std::string_view id, model::OpStatus from, model::OpStatus to,
                                 core::UnixNanos now) = 0;
  // The same for each of `ids`; return rows changed in all.
  virtual std::int64_t change_ops(const std::vector<std::string>& ids, model::OpStatus from,
                                  model::OpStatus to, core::UnixNanos now) = 0;
  // Set state and error message (kept when nullopt) of each live job of
  // `ids`; return rows changed.
  virtual std::int64_t write_job_states(const std::vector<std::string>& ids, model::JobState state,
                                        const std::optional<std::string>& error_message,
                                        core::UnixNanos now) = 0;
  // Record cancel messages in the outbox: insert each row (count 1, first
  // and last sent = `now`) or update epoch, node, address, count+1, last sent.
  virtual void record_outbox_sends(const std::vector<model::OutboxRecord>& messages,
                                   core::UnixNanos now) = 0;
  // Forget the outbox rows of `ids` (a new cancellation starts counting anew).
  virtual void clear_outboxes(const std::vector<std::string>& ids) = 0;
  // Return the outbox row of `id`.
  virtual std::optional<model::OutboxRecord> get_outbox(std::string_view id) = 0;
  // Append `entries` to the audit table at `now` (seq_id and `at` are the
  // store's), in the caller's write transaction.
  virtual void append_audit(const std::vector<model::AuditEntry>& entries, core::UnixNanos now) = 0;

  // One Canceling op with its live job (nullopt for an orphan), as Tick reads.
  struct CancelingOp {
    std::int64_t seq_id = 0;
    std::string job_id;
    std::optional<model::JobRecord> job;
  };
  // Return up to `limit` Canceling ops with seq_id > `after_seq_id`, by
  // seq_id (keyset paging, so each page is a short read).
  virtual std::vector<CancelingOp> canceling_ops_page(std::int64_t after_seq_id,
                                                      std::size_t limit) = 0;

  // Return `t` as the store keeps it (MySQL's datetime(3): milliseconds), so
  // that records built from `now` show what a later read returns.
  virtual core::UnixNanos as_stored(core::UnixNanos t) const { return t; }
  // Return how many job rows one transaction may rewrite whole (a forced
  // cancel rewrites each row, config included): TiDB limits the bytes one
  // transaction writes.
  virtual std::size_t max_job_rewrites_per_transaction() const { return SIZE_MAX; }

  // Return true if a transaction that failed with `error` may be run again
  // from its start (a deadlock, a lock wait timeout); see run_transaction.
  virtual bool retryable(const std::exception& error) const;

protected:
  friend class Transaction;
  virtual void begin(TxKind kind) = 0;
  virtual void commit() = 0;
  // Undo the open transaction; never throws (a lost connection has undone it).
  virtual void rollback() noexcept = 0;

  // Whether a row holds the id `id`, locking it in a write transaction.
  enum class RowPresence { none, live, deleted };
  virtual RowPresence job_row_presence(std::string_view id) = 0;
  // Insert the row of `spec`, or overwrite every UpsertJob column of the
  // row that holds its id (see put_job; the caller checked it is live).
  virtual void upsert_job_row(const model::JobSpec& spec, core::UnixNanos now) = 0;
  // Set only `deleted` of the live job `id`; return rows changed.
  virtual std::int64_t soft_delete_job(std::string_view id, core::UnixNanos now) = 0;
  // Stream the audit entries of `filter.ids` (every one when empty) by
  // seq_id, inside the caller's read transaction; `since` is not applied.
  virtual void stream_audit(const std::vector<std::string>& ids,
                            const std::function<void(const model::AuditEntry&)>& on_entry) = 0;
  // Stream every live job, then (if `orphans`) every orphan op, as
  // for_each_status_row does, inside the caller's read transaction.
  virtual void stream_status_rows(bool include_config, bool orphans,
                                  const std::function<void(const model::StatusRow&)>& on_row) = 0;
};

// A transaction on a Metastore: begun on construction, rolled back unless
// committed. One at a time per store.
class Transaction {
public:
  explicit Transaction(Metastore& store, TxKind kind = TxKind::write);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  // Commit; a failure throws and the destructor rolls back.
  void commit();

private:
  Metastore& m_store;
  bool m_open = true;
};

// Run `body` in a transaction of `kind` and commit it. When the store says
// the failure is retryable (a deadlock), roll back, wait a random few
// milliseconds (longer each time) and run `body` again, up to `attempts`
// times in all; so `body` must start from scratch each time.
void run_transaction(Metastore& store, TxKind kind, const std::function<void()>& body,
                     int attempts = 20);

} // namespace jobop::store
