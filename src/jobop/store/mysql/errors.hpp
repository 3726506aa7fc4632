#pragma once

#include <jobop/core/exceptions.hpp>

#include <string>
#include <string_view>

// The one place that turns MySQL client and server error numbers into
// core::StoreError (exit 5), like throw_sqlite_error for SQLite.
namespace jobop::store::mysql {

// What went wrong, by the error number `error_number` of the client
// library (2000-2999) or the server, during `action` ("connect", "prepare",
// "execute", ...). Return one of store.unreachable, store.auth, store.missing,
// store.tls, store.lost, store.locked, store.read_only, store.disk_full,
// store.error.
std::string_view classify_error(unsigned error_number, std::string_view action);

// Return true for the errors a transaction may simply run again: a
// deadlock (1213), a lock wait timeout (1205), a TiDB write conflict (9007).
// The caller retries a bounded number of times.
bool is_retryable(unsigned error_number);

// Return true if `error` is a StoreError of this layer whose error number
// is_retryable().
bool is_retryable(const core::Error& error);

// Throw the StoreError for `error_number` during `action` on the metastore
// `server` (its display URL: never a password). Its message names the
// server, the failure and the action, with the server's own words; its
// details carry server, action, mysql_errno, sqlstate and mysql_error.
[[noreturn]] void throw_mysql_error(unsigned error_number, std::string_view sqlstate,
                                    std::string_view server_message, const std::string& server,
                                    std::string_view action);

} // namespace jobop::store::mysql
