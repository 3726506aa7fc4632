#pragma once

// The metastore's schema. The engine's DDL is kept byte-for-byte as its SQLite
// backend produces it (SPEC §1), so a metastore jobop creates is one the
// engine adopts and vice versa. The tool's own tables carry a `jobop_` prefix.
namespace jobop::store::sqlite {

// The engine's tables and indexes, one statement each, in creation order.
extern const char* const k_engine_ddl[];
extern const int k_engine_ddl_count;

// The tool's own tables: schema version, outbox and audit trail. Safe to run again
// (CREATE ... IF NOT EXISTS).
extern const char* const k_tool_ddl[];
extern const int k_tool_ddl_count;

// The version of the tool's own tables, stored in jobop_meta: 1 had the
// outbox, 2 added the audit trail.
constexpr int k_schema_version = 2;

} // namespace jobop::store::sqlite
