#pragma once

#include <mysql.h>

// MariaDB Connector/C, loaded when a MySQL metastore is first used: linked
// in, it and the OpenSSL it pulls cost every jobop process about 0.9 ms of
// start-up, SQLite users too (measured: an empty program starts in 1.24 ms
// with libstdc++ and SQLite, 2.10 ms with libmariadb as well).
namespace jobop::store::mysql {

// Every function of the library jobop calls.
#define JOBOP_MYSQL_FUNCTIONS(X)                                                                   \
  X(mysql_server_init)                                                                             \
  X(mysql_server_end)                                                                              \
  X(mysql_init)                                                                                    \
  X(mysql_optionsv)                                                                                \
  X(mysql_real_connect)                                                                            \
  X(mysql_close)                                                                                   \
  X(mysql_errno)                                                                                   \
  X(mysql_error)                                                                                   \
  X(mysql_sqlstate)                                                                                \
  X(mysql_real_query)                                                                              \
  X(mysql_store_result)                                                                            \
  X(mysql_free_result)                                                                             \
  X(mysql_field_count)                                                                             \
  X(mysql_fetch_fields)                                                                            \
  X(mysql_affected_rows)                                                                           \
  X(mysql_get_ssl_cipher)                                                                          \
  X(mysql_get_server_info)                                                                         \
  X(mysql_get_client_info)                                                                         \
  X(mysql_thread_id)                                                                               \
  X(mysql_ping)                                                                                    \
  X(mysql_stmt_init)                                                                               \
  X(mysql_stmt_prepare)                                                                            \
  X(mysql_stmt_param_count)                                                                        \
  X(mysql_stmt_field_count)                                                                        \
  X(mysql_stmt_bind_param)                                                                         \
  X(mysql_stmt_bind_result)                                                                        \
  X(mysql_stmt_execute)                                                                            \
  X(mysql_stmt_fetch)                                                                              \
  X(mysql_stmt_fetch_column)                                                                       \
  X(mysql_stmt_result_metadata)                                                                    \
  X(mysql_stmt_free_result)                                                                        \
  X(mysql_stmt_close)                                                                              \
  X(mysql_stmt_errno)                                                                              \
  X(mysql_stmt_error)                                                                              \
  X(mysql_stmt_sqlstate)                                                                           \
  X(mysql_stmt_affected_rows)                                                                      \
  X(mysql_stmt_insert_id)

// The library's functions, by their own names.
struct ClientLibrary {
#define JOBOP_MYSQL_POINTER(name) decltype(&::name) name = nullptr;
  JOBOP_MYSQL_FUNCTIONS(JOBOP_MYSQL_POINTER)
#undef JOBOP_MYSQL_POINTER
};

// Return the library, loading it on first use (thread-safe). Throw
// core::StoreError (store.client_library) if it cannot be loaded, naming it
// and the Debian package that has it.
const ClientLibrary& client_library();

} // namespace jobop::store::mysql
