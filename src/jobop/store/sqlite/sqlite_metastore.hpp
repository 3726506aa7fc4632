#pragma once

#include <jobop/store/metastore.hpp>
#include <jobop/store/sqlite/metastore_file.hpp>
#include <jobop/store/sqlite/sqlite.hpp>

#include <memory>
#include <optional>
#include <string>

// The metastore in an SQLite file (SPEC §1): the embedded default, and the
// engine's own test store.
namespace jobop::store::sqlite {

class SqliteMetastore final : public Metastore {
public:
  // Open the metastore at `path` in `mode`. Refuse, before anything is
  // written and leaving the file byte-for-byte unchanged: a path that is not
  // a file (`:memory:`, `file:` URIs: core::UsageError store.bad_path), a
  // missing file (store.missing, except for create_or_adopt, which makes
  // it: see create_metastore_file), an empty file (store.empty_file), a file
  // that is not SQLite (store.not_sqlite), unsafe `-wal`/`-shm`/`-journal`
  // files (store.unsafe_file), SQLite without both engine tables or without
  // a column jobop reads (store.not_a_metastore). The journal mode is never
  // changed. The tool's tables are made by create_or_adopt, or else by the
  // first write transaction, inside it. A read-only open by a user who does
  // not own the file creates no file beside it.
  SqliteMetastore(const std::string& path, OpenMode mode, StoreOptions options = {});
  // Open an in-memory metastore with the full schema, for tests.
  static std::unique_ptr<SqliteMetastore> in_memory();
  ~SqliteMetastore() override;

  // The connection, for tests that reach under the interface.
  Database& db() { return *m_db; }
  // Return the version of the tool's tables (0 when it has none).
  int schema_version();

  const std::string& location() const override;
  bool read_only() const override { return m_mode == OpenMode::read_only; }
  bool has_outbox() const override { return m_has_outbox; }
  // True if this open made the file (create_or_adopt on a missing path).
  bool created() const { return m_created; }
  bool has_audit() const override { return m_has_audit; }

  std::vector<std::optional<model::StatusRow>> read_jobs(const std::vector<std::string>& ids,
                                                         bool include_config) override;
  std::optional<model::JobRecord> get_job(std::string_view id) override;
  std::optional<model::OpRecord> get_op(std::string_view id) override;
  void upsert_ops(const std::vector<std::string>& ids, model::OpStatus op,
                  core::UnixNanos now) override;
  std::int64_t change_op(std::string_view id, model::OpStatus from, model::OpStatus to,
                         core::UnixNanos now) override;
  std::int64_t change_ops(const std::vector<std::string>& ids, model::OpStatus from,
                          model::OpStatus to, core::UnixNanos now) override;
  std::int64_t write_job_states(const std::vector<std::string>& ids, model::JobState state,
                                const std::optional<std::string>& error_message,
                                core::UnixNanos now) override;
  void record_outbox_sends(const std::vector<model::OutboxRecord>& messages,
                           core::UnixNanos now) override;
  void clear_outboxes(const std::vector<std::string>& ids) override;
  std::optional<model::OutboxRecord> get_outbox(std::string_view id) override;
  void append_audit(const std::vector<model::AuditEntry>& entries, core::UnixNanos now) override;
  std::vector<CancelingOp> canceling_ops_page(std::int64_t after_seq_id,
                                              std::size_t limit) override;

protected:
  void begin(TxKind kind) override;
  void commit() override;
  void rollback() noexcept override;
  RowPresence job_row_presence(std::string_view id) override;
  void upsert_job_row(const model::JobSpec& spec, core::UnixNanos now) override;
  std::int64_t soft_delete_job(std::string_view id, core::UnixNanos now) override;
  void stream_status_rows(bool include_config, bool orphans,
                          const std::function<void(const model::StatusRow&)>& on_row) override;
  void stream_audit(const std::vector<std::string>& ids,
                    const std::function<void(const model::AuditEntry&)>& on_entry) override;

private:
  SqliteMetastore(std::unique_ptr<Database> db, OpenMode mode);
  // Open the connection: as SQLite does for the file's owner (or root), or,
  // for another user's read, so that no file is created beside it.
  void open_connection(core::Nanos busy_timeout);
  void open_as_other_reader(core::Nanos busy_timeout);
  // Refuse if the file changed since an unlocked read of it began.
  void check_snapshot() const;

  std::string m_path;
  FileFacts m_facts;
  std::unique_ptr<Database> m_db;
  std::optional<Transaction> m_tx;
  OpenMode m_mode = OpenMode::read_only;
  bool m_created = false;
  bool m_has_outbox = false;
  bool m_has_audit = false;
  bool m_has_tool_tables = false;
  // The tool's tables were created in the open transaction.
  bool m_tool_tables_in_tx = false;
  // What there was before that transaction, for a rollback.
  bool m_had_outbox = false;
  bool m_had_audit = false;
  // Set for a read without locks (SQLite's immutable): the file as it was.
  std::optional<FileIdentity> m_snapshot;
};

// Create the metastore at `path` (see create_metastore_file), or adopt an
// existing one: an engine's metastore keeps its two tables and its journal
// mode as they are; the tool's tables are added. Two at once both succeed:
// one creates, the other adopts. Refuse bad files as the SqliteMetastore
// constructor does.
InitResult init_sqlite_metastore(const std::string& path, StoreOptions options = {});

} // namespace jobop::store::sqlite
