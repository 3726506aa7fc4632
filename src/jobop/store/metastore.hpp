#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/store/records.hpp>
#include <jobop/store/sqlite.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The engine's job metastore (SPEC §1) over SQLite. Every failure of the file
// is a core::StoreError (exit 5) naming the path; a missing job is a
// core::NotFoundError (exit 3).
namespace jobop::store {

// How to open a metastore. Only `create_or_adopt` (init) may create a file;
// the others refuse a missing one and create nothing.
enum class OpenMode {
  create_or_adopt, // init: create the file (mode 0600) and schema, or adopt an engine's
  read_write,      // every command that writes
  read_only,       // status and dry runs: SQLITE_OPEN_READONLY, never writes
};

struct StoreOptions {
  // How long to wait for another writer before store.locked.
  core::Nanos busy_timeout = 5 * core::k_second;
};

// What init did.
struct InitResult {
  std::string path;
  // A new file was made (else an existing one was used).
  bool created_file = false;
  // The engine tables were already there and were kept as they are.
  bool adopted = false;
  int schema_version = 0;
};

class Metastore {
public:
  // Open the metastore at `path` in `mode`. Refuse (core::StoreError, file
  // left byte-for-byte unchanged) a missing file (store.missing, except for
  // create_or_adopt), an empty file (store.empty_file), a file that is not
  // SQLite (store.not_sqlite) and SQLite without both engine tables
  // (store.not_a_metastore); the checks come before anything is written.
  // A writable open then sets WAL, synchronous=FULL and creates the tool's
  // tables if missing.
  Metastore(const std::string& path, OpenMode mode, StoreOptions options = {});
  // Open an in-memory metastore with the full schema, for tests.
  static Metastore in_memory();

  Metastore(Metastore&&) noexcept;
  Metastore& operator=(Metastore&&) noexcept;
  ~Metastore();

  Database& db() { return *m_db; }
  const std::string& path() const;
  bool read_only() const { return m_mode == OpenMode::read_only; }
  // Return true if the outbox table exists (a read-only open of an engine's
  // metastore that jobop never initialised has none).
  bool has_outbox() const { return m_has_outbox; }

  // Jobs (each call is its own transaction, BEGIN IMMEDIATE when it writes).

  // Insert or update the job `spec.id` as the engine's upsert does; a
  // soft-deleted row of that id is revived. Return true if a row was
  // inserted or revived. Validates the id first.
  bool put_job(const JobSpec& spec, core::UnixNanos now);
  // Set the state (and, if given, the error message) of a live job; return
  // its row afterwards. core::NotFoundError (job.not_found) if missing.
  StatusRow set_job_state(std::string_view id, JobState state,
                          const std::optional<std::string>& error_message, core::UnixNanos now);
  // Soft-delete a live job (set `deleted`). core::NotFoundError if missing.
  void delete_job(std::string_view id, core::UnixNanos now);

  // Status.

  // Return one entry per id, in order: the row (a live job, or an orphan op
  // when only an op has that id), or nullopt when neither exists.
  std::vector<std::optional<StatusRow>> find_jobs(const std::vector<std::string>& ids,
                                                  bool include_config = false);
  // Call `on_row` for every row that passes `filter`: live jobs by seq_id,
  // then orphan ops (which pass only when `filter` has no state, project or
  // type and its ops, if any, include theirs). Streams in one read
  // transaction and constant memory. Ids in `filter.ids` that match nothing
  // are skipped (use find_jobs to report them).
  void for_each_status_row(const StatusFilter& filter,
                           const std::function<void(const StatusRow&)>& on_row);

  // Primitives for the operator. Each must run inside a Transaction the
  // caller holds on db(); none of them validates ids or begins one.

  // Return the live job `id` (not soft-deleted), without config.
  std::optional<JobRecord> get_job(std::string_view id);
  // Return the op row of `id`.
  std::optional<OpRecord> get_op(std::string_view id);
  // Insert the op row of `id` as `op`, or update the existing one.
  void upsert_op(std::string_view id, OpStatus op, core::UnixNanos now);
  // Set op = `to` where job_id = `id` and op = `from`; return rows changed.
  std::int64_t change_op(std::string_view id, OpStatus from, OpStatus to, core::UnixNanos now);
  // Set state and error message of the live job `id`; return rows changed.
  std::int64_t write_job_state(std::string_view id, JobState state,
                               const std::optional<std::string>& error_message,
                               core::UnixNanos now);
  // Record a cancel message in the outbox: insert the row (count 1, first and
  // last sent = `now`) or update epoch, node, address, count+1, last sent.
  void record_outbox_send(const OutboxRecord& message, core::UnixNanos now);
  // Forget the outbox row of `id` (a new cancellation starts counting anew).
  void clear_outbox(std::string_view id);
  // Return the outbox row of `id`.
  std::optional<OutboxRecord> get_outbox(std::string_view id);

  // One Canceling op with its live job (nullopt for an orphan), as Tick reads.
  struct CancelingOp {
    std::int64_t seq_id = 0;
    std::string job_id;
    std::optional<JobRecord> job;
  };
  // Return up to `limit` Canceling ops with seq_id > `after_seq_id`, by
  // seq_id (keyset paging over idx_job_op, so each page is a short read).
  std::vector<CancelingOp> canceling_ops_page(std::int64_t after_seq_id, std::size_t limit);

private:
  Metastore(std::unique_ptr<Database> db, OpenMode mode);
  void prepare_writable();

  std::unique_ptr<Database> m_db;
  OpenMode m_mode = OpenMode::read_only;
  bool m_has_outbox = false;
};

// Create the metastore at `path` (a new file gets mode 0600: configs hold
// credentials) with the engine's schema and the tool's tables, or adopt an
// existing one: an engine's metastore keeps its two tables as they are.
// Refuse bad files as the Metastore constructor does.
InitResult init_metastore(const std::string& path, StoreOptions options = {});

} // namespace jobop::store
