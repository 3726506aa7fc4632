#pragma once

#include <string_view>

// The metastore's schema on a MySQL-protocol server (SPEC §1b). The engine's
// tables are created exactly as its gorm migration creates them, COMMENTs
// included, so the engine finds nothing to alter; the tool's own tables carry
// a `jobop_` prefix.
namespace jobop::store::mysql {

// The engine's two tables, indexes declared inside, one statement each.
extern const char* const k_engine_ddl[];
extern const int k_engine_ddl_count;

// The tool's tables. `%s` in the outbox's DDL stands for the character set
// and collation clause of `master_meta.id`, so that joins on job ids compare
// as the engine's own index does.
extern const char* const k_meta_table_ddl;
extern const char* const k_outbox_table_ddl;
// The audit trail (`%s` as in the outbox's DDL). Its other text columns are
// utf8mb4 whatever the schema's default: arguments and reasons are any text.
extern const char* const k_audit_table_ddl;

// The version of the tool's own tables, stored in jobop_meta: 1 had the
// outbox, 2 added the audit trail.
constexpr int k_schema_version = 2;

} // namespace jobop::store::mysql
