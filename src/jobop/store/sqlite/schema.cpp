#include <jobop/store/sqlite/schema.hpp>

namespace jobop::store::sqlite {

// Byte-for-byte the statements of SPEC §1 (what gorm creates for the
// engine's models on SQLite), in order, and nothing more: no index of the
// tool's own (`deleted` has none). SQLite keeps this text in sqlite_master.
// Do not reformat.
// clang-format off
const char* const k_engine_ddl[] = {
  R"sql(CREATE TABLE `master_meta` (`seq_id` integer PRIMARY KEY AUTOINCREMENT,
  `created_at` datetime, `updated_at` datetime,
  `project_id` varchar(128) not null, `id` varchar(128) not null,
  `type` smallint not null, `state` tinyint not null,
  `node_id` varchar(128) not null, `address` varchar(256) not null,
  `epoch` bigint not null, `config` blob, `error_message` text,
  `detail` blob, `ext` JSON, `deleted` datetime))sql",
  R"sql(CREATE INDEX `idx_mst` ON `master_meta`(`project_id`,`state`))sql",
  R"sql(CREATE UNIQUE INDEX `uidx_mid` ON `master_meta`(`id`))sql",
  R"sql(CREATE TABLE `job_ops` (`seq_id` integer PRIMARY KEY AUTOINCREMENT,
  `created_at` datetime, `updated_at` datetime,
  `op` tinyint not null, `job_id` varchar(128) not null))sql",
  R"sql(CREATE INDEX `idx_job_op` ON `job_ops`(`op`))sql",
  R"sql(CREATE UNIQUE INDEX `uk_job_id` ON `job_ops`(`job_id`))sql",
};
// clang-format on
const int k_engine_ddl_count = static_cast<int>(sizeof k_engine_ddl / sizeof k_engine_ddl[0]);

// The tool's own tables. jobop_meta holds the tool's schema version;
// jobop_outbox one row per job the outbox router sent a cancel message to;
// jobop_audit one row per job a person's write changed (version 2).
const char* const k_tool_ddl[] = {
  "CREATE TABLE IF NOT EXISTS `jobop_meta` (`key` text PRIMARY KEY, `value` text not null)",
  "CREATE TABLE IF NOT EXISTS `jobop_outbox` (`job_id` varchar(128) PRIMARY KEY,"
  " `epoch` bigint not null, `node_id` varchar(128) not null, `address` varchar(256) not null,"
  " `send_count` integer not null, `first_sent` datetime not null,"
  " `last_sent` datetime not null)",
  "CREATE TABLE IF NOT EXISTS `jobop_audit` (`seq_id` integer PRIMARY KEY AUTOINCREMENT,"
  " `at` datetime not null, `actor` varchar(256) not null, `login` varchar(256) not null,"
  " `sudo_user` varchar(256), `host` varchar(256) not null, `tty` varchar(256),"
  " `args` text not null, `job_id` varchar(128) not null, `action` varchar(32) not null,"
  " `reason` text, `state_before` tinyint, `op_before` tinyint, `error_before` text,"
  " `state_after` tinyint, `op_after` tinyint, `error_after` text)",
  "CREATE INDEX IF NOT EXISTS `idx_jobop_audit_job` ON `jobop_audit`(`job_id`, `seq_id`)",
};
const int k_tool_ddl_count = static_cast<int>(sizeof k_tool_ddl / sizeof k_tool_ddl[0]);

} // namespace jobop::store::sqlite
