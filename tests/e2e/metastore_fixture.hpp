#pragma once

#include "process.hpp"

#include <jobop/core/exceptions.hpp>
#include <jobop/store/mysql/connection.hpp>
#include <jobop/store/mysql/connection_config.hpp>
#include <jobop/store/sqlite/sqlite.hpp>

#include <sqlite3.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

// A throwaway metastore for end-to-end tests: every command runs with `--db`
// naming a fresh SQLite file in a temporary directory or, when
// JOBOP_E2E_BACKEND=mysql (the `e2e_mysql` ctest entry), a fresh schema on
// the test server (JOBOP_TEST_MYSQL_URL, JOBOP_TEST_MYSQL_PASSWORD).
namespace jobop::test {

// Return true when the suite runs against the MySQL test server.
inline bool e2e_on_mysql() {
  const char* backend = std::getenv("JOBOP_E2E_BACKEND");
  return backend != nullptr && std::string(backend) == "mysql";
}

// A schema of its own on the MySQL test server, dropped at the end.
class E2eSchema {
public:
  // Create the schema, in `charset` if given (else the server's default).
  explicit E2eSchema(const std::string& charset = "") {
    static int counter = 0;
    m_name = "jobop_e2e_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    const char* url = std::getenv("JOBOP_TEST_MYSQL_URL");
    REQUIRE_MESSAGE(url != nullptr, "JOBOP_E2E_BACKEND=mysql needs JOBOP_TEST_MYSQL_URL");
    std::string base(url);
    const auto query = base.find('?', 8);
    m_url = base;
    m_url.insert(query == std::string::npos ? m_url.size() : query, m_name);
    if (const char* password = std::getenv("JOBOP_TEST_MYSQL_PASSWORD")) {
      m_password = password;
    }
    admin().exec("CREATE DATABASE `" + m_name + "`" +
                 (charset.empty() ? "" : " CHARACTER SET " + charset));
  }
  ~E2eSchema() {
    try {
      admin().exec("DROP DATABASE IF EXISTS `" + m_name + "`");
    } catch (const core::Error&) {
      // Left behind; its name says whose it was.
    }
  }
  E2eSchema(const E2eSchema&) = delete;
  E2eSchema& operator=(const E2eSchema&) = delete;

  // The `--db` URL of the schema.
  const std::string& url() const { return m_url; }
  // The environment entry that gives jobop the password.
  std::string password_env() const { return "JOBOP_DB_PASSWORD=" + m_password; }
  // A connection to the schema.
  store::mysql::Connection connect() const {
    auto config = store::mysql::parse_mysql_url(m_url);
    config.password = m_password;
    return store::mysql::Connection(config);
  }

private:
  store::mysql::Connection admin() const {
    auto config = store::mysql::parse_mysql_url(m_url);
    config.schema = "information_schema";
    config.password = m_password;
    return store::mysql::Connection(config);
  }

  std::string m_name;
  std::string m_url;
  std::string m_password;
};

// Return the bytes of the file at `path` ("" when it does not exist).
inline std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Parse every line of `text` as JSON.
inline std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) {
      lines.push_back(nlohmann::json::parse(line));
    }
  }
  return lines;
}

class TestMetastore {
public:
  // Create the metastore (with the demo jobs if `demo`).
  explicit TestMetastore(bool demo = false) {
    if (e2e_on_mysql()) {
      m_schema = std::make_unique<E2eSchema>();
      m_db = m_schema->url();
      m_env.push_back(m_schema->password_env());
    } else {
      m_db = m_dir.file("jobop.db");
    }
    std::vector<std::string> args{"init"};
    if (demo) {
      args.emplace_back("--demo");
    }
    const auto r = run(args);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  }

  // The `--db` value: the file's path, or the schema's URL.
  const std::string& db() const { return m_db; }
  // The SQLite file (only on SQLite).
  const std::string& path() const { return m_db; }
  const TempDir& dir() const { return m_dir; }
  // The environment jobop needs besides `--db` (the MySQL password).
  const std::vector<std::string>& env() const { return m_env; }

  // Return everything the metastore holds, to check that a command wrote
  // nothing: the file's bytes, or every row of every table of the schema.
  std::string snapshot() const {
    if (!m_schema) {
      return file_bytes(m_db) + file_bytes(m_db + "-wal");
    }
    auto conn = m_schema->connect();
    std::string dump;
    for (const char* table :
         {"master_meta", "job_ops", "jobop_meta", "jobop_outbox", "jobop_audit"}) {
      auto stmt = conn.prepare(std::string("SELECT * FROM ") + table + " ORDER BY 1");
      stmt.execute();
      while (stmt.fetch()) {
        dump += table;
        for (int c = 0; c < stmt.column_count(); ++c) {
          dump += stmt.is_null(c) ? "|NULL" : "|" + stmt.column_text(c);
        }
        dump += "\n";
      }
    }
    return dump;
  }

  // Run `sql` on the metastore behind jobop's back (to make rows jobop
  // would not write).
  void exec(const std::string& sql) const {
    if (m_schema) {
      m_schema->connect().exec(sql);
    } else {
      store::sqlite::Database db(m_db, SQLITE_OPEN_READWRITE, 5 * core::k_second);
      db.exec(sql.c_str());
    }
  }

  // Return the first column of the first row of `sql` as text ("NULL" for NULL).
  std::string query(const std::string& sql) const {
    if (m_schema) {
      auto conn = m_schema->connect();
      auto stmt = conn.prepare(sql);
      stmt.execute();
      std::string value = "<no row>";
      while (stmt.fetch()) {
        value = stmt.is_null(0) ? "NULL" : stmt.column_text(0);
      }
      return value;
    }
    store::sqlite::Database db(m_db, SQLITE_OPEN_READONLY, 5 * core::k_second);
    auto stmt = db.prepare(sql);
    if (!stmt.step()) {
      return "<no row>";
    }
    return stmt.is_null(0) ? "NULL" : stmt.column_text(0);
  }

  // Run jobop with `--db db()` before `args`.
  ProcessResult run(const std::vector<std::string>& args, const std::string& input = "",
                    const std::vector<std::string>& env = {}) const {
    std::vector<std::string> all{"--db", m_db};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<std::string> all_env = m_env;
    all_env.insert(all_env.end(), env.begin(), env.end());
    return run_jobop(all, input, all_env);
  }

  // Run `args`, require exit 0 and return stdout parsed as one JSON document.
  nlohmann::json json(const std::vector<std::string>& args, const std::string& input = "") const {
    const auto r = run(args, input);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out);
  }

  // Upsert the job `id` with `type` and `state`, plus `extra` flags.
  void put(const std::string& id, const std::string& type, const std::string& state,
           const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args{"job", "put", id, "--type", type, "--state", state};
    args.insert(args.end(), extra.begin(), extra.end());
    json(args);
  }

  // Return the status record of `id`.
  nlohmann::json status_of(const std::string& id) const {
    const auto document = json({"status", id});
    REQUIRE(document.at("jobs").size() == 1);
    return document.at("jobs").at(0);
  }

private:
  TempDir m_dir;
  std::unique_ptr<E2eSchema> m_schema;
  std::string m_db;
  std::vector<std::string> m_env;
};

} // namespace jobop::test
