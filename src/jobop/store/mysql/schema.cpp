#include <jobop/store/mysql/schema.hpp>

namespace jobop::store::mysql {

// The statements gorm's MySQL migrator issues for the engine's models
// (engine/pkg/meta/model, engine/pkg/orm/model): SPEC §1b, one line each as
// gorm writes them. The op COMMENT is upstream's, wrong as it is. Do not
// reformat: gorm ALTERs a column whose type or comment differs.
// clang-format off
const char* const k_engine_ddl[] = {
  "CREATE TABLE `master_meta` (`seq_id` bigint unsigned AUTO_INCREMENT,`created_at` datetime(3) NULL,`updated_at` datetime(3) NULL,`project_id` varchar(128) not null,`id` varchar(128) not null,`type` smallint not null COMMENT 'JobManager(1),CvsJobMaster(2),FakeJobMaster(3),DMJobMaster(4),CDCJobMaster(5)',`state` tinyint not null COMMENT 'Uninit(1),Init(2),Finished(3),Stopped(4),Failed(5)',`node_id` varchar(128) not null,`address` varchar(256) not null,`epoch` bigint not null,`config` blob,`error_message` text,`detail` blob,`ext` JSON,`deleted` datetime(3) NULL,PRIMARY KEY (`seq_id`),INDEX `idx_mst` (`project_id`,`state`),UNIQUE INDEX `uidx_mid` (`id`))",
  "CREATE TABLE `job_ops` (`seq_id` bigint unsigned AUTO_INCREMENT,`created_at` datetime(3) NULL,`updated_at` datetime(3) NULL,`op` tinyint not null COMMENT 'Canceling(1),Canceled(2)',`job_id` varchar(128) not null,PRIMARY KEY (`seq_id`),INDEX `idx_job_op` (`op`),UNIQUE INDEX `uk_job_id` (`job_id`))",
};
// clang-format on
const int k_engine_ddl_count = static_cast<int>(sizeof k_engine_ddl / sizeof k_engine_ddl[0]);

const char* const k_meta_table_ddl =
  "CREATE TABLE IF NOT EXISTS `jobop_meta` (`key` varchar(64) NOT NULL, `value` text NOT NULL, "
  "PRIMARY KEY (`key`))";

const char* const k_outbox_table_ddl =
  "CREATE TABLE IF NOT EXISTS `jobop_outbox` (`job_id` varchar(128) %s NOT NULL, "
  "`epoch` bigint NOT NULL, `node_id` varchar(128) NOT NULL, `address` varchar(256) NOT NULL, "
  "`send_count` bigint NOT NULL, `first_sent` datetime(3) NOT NULL, "
  "`last_sent` datetime(3) NOT NULL, PRIMARY KEY (`job_id`))";

const char* const k_audit_table_ddl =
  "CREATE TABLE IF NOT EXISTS `jobop_audit` (`seq_id` bigint unsigned AUTO_INCREMENT, "
  "`at` datetime(3) NOT NULL, `actor` varchar(256) NOT NULL, `login` varchar(256) NOT NULL, "
  "`sudo_user` varchar(256) NULL, `host` varchar(256) NOT NULL, `tty` varchar(256) NULL, "
  "`args` text NOT NULL, `job_id` varchar(128) %s NOT NULL, `action` varchar(32) NOT NULL, "
  "`reason` text NULL, `state_before` tinyint NULL, `op_before` tinyint NULL, "
  "`error_before` text NULL, `state_after` tinyint NULL, `op_after` tinyint NULL, "
  "`error_after` text NULL, PRIMARY KEY (`seq_id`), "
  "INDEX `idx_jobop_audit_job` (`job_id`, `seq_id`)) DEFAULT CHARACTER SET utf8mb4";

} // namespace jobop::store::mysql
