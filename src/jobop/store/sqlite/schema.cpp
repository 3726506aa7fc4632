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
// jobop_outbox one row per job the outbox router sent a cancel message to.
const char* const k_tool_ddl[] = {
  "CREATE TABLE IF NOT EXISTS `jobop_meta` (`key` text PRIMARY KEY, `value` text not null)",
  "CREATE TABLE IF NOT EXISTS `jobop_outbox` (`job_id` varchar(128) PRIMARY KEY,"
  " `epoch` bigint not null, `node_id` varchar(128) not null, `address` varchar(256) not null,"
  " `send_count` integer not null, `first_sent` datetime not null,"
  " `last_sent` datetime not null)",
};
const int k_tool_ddl_count = static_cast<int>(sizeof k_tool_ddl / sizeof k_tool_ddl[0]);

} // namespace jobop::store::sqlite
