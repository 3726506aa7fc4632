#pragma once

#include <jobop/store/metastore.hpp>
#include <jobop/store/mysql/connection.hpp>
#include <jobop/store/mysql/connection_config.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>

// The metastore on a MySQL-protocol server (MySQL, MariaDB, TiDB): the
// engine's production store (SPEC §1b). Every read-then-write runs in START
// TRANSACTION with the rows it decides on read FOR UPDATE; batches go out as
// multi-row statements, never one round trip per job.
namespace jobop::store::mysql {

class MysqlMetastore final : public Metastore {
public:
  // Connect as `config` says and open the metastore in its schema in `mode`.
  // Refuse (core::StoreError, nothing written) a schema without both engine
  // tables (store.not_a_metastore) or without a column jobop reads (the
  // same, naming the columns). A writable open adds the tool's tables if
  // missing; create_or_adopt also creates the engine's tables in a schema
  // that has neither. `options.busy_timeout` is the lock wait timeout.
  MysqlMetastore(ConnectionConfig config, OpenMode mode, StoreOptions options = {});
  ~MysqlMetastore() override;

  // The connection, for tests that reach under the interface.
  Connection& connection() { return m_conn; }
  // Return the version of the tool's tables (0 when it has none).
  int schema_version();
  // Return true if this open created the engine's tables.
  bool created_engine_tables() const { return m_created_engine_tables; }

  const std::string& location() const override { return m_location; }
  bool read_only() const override { return m_mode == OpenMode::read_only; }
  bool has_outbox() const override { return m_has_outbox; }
  bool has_audit() const override { return m_has_audit; }
  bool retryable(const std::exception& error) const override;
  core::UnixNanos as_stored(core::UnixNanos t) const override;
  // 512 rows of at most 64 KiB config and detail each stay under 64 MiB,
  // inside TiDB's default 100 MB transaction limit.
  std::size_t max_job_rewrites_per_transaction() const override { return 512; }

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
  // The multi-row statements, prepared once per kind and row count.
  enum class Batch {
    upsert_ops,
    change_ops,
    write_states,
    outbox_sends,
    clear_outboxes,
    read,
    audit
  };
  Statement& batch_statement(Batch kind, std::size_t rows);
  void open_schema(OpenMode mode, core::Nanos lock_timeout);
  // Return true while the open transaction may write: reads then lock.
  bool locking() const { return m_tx == TxKind::write; }
  void bind_time(Statement& stmt, int index, core::UnixNanos t) const;
  // Return the SQL condition that the id column `column` names the id
  // `query_id` (an expression of an id in the connection's utf8mb4).
  std::string id_match(const std::string& column, const std::string& query_id) const;
  // Run a statement that writes values a user gave; a value the server's
  // strict mode refuses (invalid text for the column's character set, too
  // long) is core::UsageError input.bad_value (exit 2), not a store failure.
  std::int64_t run_user_values(Statement& stmt, std::string_view what);

  std::string m_location;
  Connection m_conn;
  OpenMode m_mode = OpenMode::read_only;
  bool m_has_outbox = false;
  bool m_has_audit = false;
  bool m_created_engine_tables = false;
  std::optional<TxKind> m_tx;
  // How a job id column (%c) matches an id a query brings (%q), as the
  // engine's unique index compares them (see open_schema).
  std::string m_id_match = "%c = %q";
  std::map<std::pair<Batch, std::size_t>, Statement> m_batches;
};

// Create the engine's tables in the schema of `config` if it has neither
// (the schema itself must exist: store.missing), add the tool's, or adopt
// the engine's as they are.
InitResult init_mysql_metastore(const ConnectionConfig& config, StoreOptions options = {});

} // namespace jobop::store::mysql
