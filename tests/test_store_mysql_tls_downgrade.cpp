// A server that offers no TLS and asks for the password in clear text (what
// a man in the middle who strips the TLS offer would do) must not get it
// from a connection whose tls= mode requires TLS.
#include <jobop/core/exceptions.hpp>
#include <jobop/store/mysql/connection.hpp>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

using jobop::store::mysql::Connection;
using jobop::store::mysql::ConnectionConfig;
using jobop::store::mysql::TlsMode;

namespace {

// Send one protocol packet: 3-byte length, sequence number, payload.
void send_packet(int fd, unsigned char seq, const std::string& payload) {
  std::string packet;
  packet += static_cast<char>(payload.size() & 0xff);
  packet += static_cast<char>((payload.size() >> 8) & 0xff);
  packet += static_cast<char>((payload.size() >> 16) & 0xff);
  packet += static_cast<char>(seq);
  packet += payload;
  (void)::send(fd, packet.data(), packet.size(), MSG_NOSIGNAL);
}

// Read what arrives on `fd` until it is closed or nothing came for `ms`.
std::string read_some(int fd, int ms) {
  std::string got;
  char buffer[4096];
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, ms) > 0) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      break;
    }
    got.append(buffer, static_cast<std::size_t>(n));
  }
  return got;
}

// A one-connection fake server on loopback: offers no TLS, asks for
// mysql_clear_password, and keeps every byte the client sends.
class ClearTextServer {
public:
  ClearTextServer() {
    m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(m_listen, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(m_listen, 1) == 0);
    socklen_t length = sizeof address;
    ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&address), &length);
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] { serve(); });
  }
  ~ClearTextServer() {
    m_thread.join();
    ::close(m_listen);
  }
  unsigned port() const { return m_port; }
  // Every byte the client sent; valid once the client is done.
  std::string received() {
    m_thread.join();
    m_thread = std::thread([] {});
    return m_received;
  }

private:
  void serve() {
    pollfd p{m_listen, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) {
      return;
    }
    const int fd = ::accept(m_listen, nullptr, nullptr);
    // Capabilities: LONG_PASSWORD, CONNECT_WITH_DB, PROTOCOL_41,
    // TRANSACTIONS, SECURE_CONNECTION; upper: MULTI_RESULTS, PLUGIN_AUTH.
    // No SSL (0x0800).
    std::string hello;
    hello += '\x0a';
    hello += std::string("5.5.5-10.11.0-fake") + '\0';
    hello += std::string("\x01\x00\x00\x00", 4);     // connection id
    hello += std::string("abcdefgh", 8) + '\0';      // scramble, part 1
    hello += std::string("\x09\xa2", 2);             // capabilities, lower
    hello += '\x21';                                 // utf8 collation
    hello += std::string("\x02\x00", 2);             // status
    hello += std::string("\x0a\x00", 2);             // capabilities, upper
    hello += '\x15';                                 // scramble length
    hello += std::string(10, '\0');                  // reserved
    hello += std::string("ijklmnopqrst", 12) + '\0'; // scramble, part 2
    hello += std::string("mysql_clear_password") + '\0';
    send_packet(fd, 0, hello);
    m_received = read_some(fd, 2000);
    // Switch to the clear-text method: the password itself comes next.
    std::string auth_switch("\xfe"
                            "mysql_clear_password");
    auth_switch.push_back('\0');
    send_packet(fd, 2, auth_switch);
    m_received += read_some(fd, 2000);
    ::close(fd);
  }

  int m_listen = -1;
  unsigned m_port = 0;
  std::thread m_thread;
  std::string m_received;
};

std::string attempt(TlsMode mode) {
  ClearTextServer server;
  ConnectionConfig config;
  config.host = "127.0.0.1";
  config.port = server.port();
  config.user = "u";
  config.password = "s3cret-pw";
  config.schema = "s";
  config.tls = mode;
  config.connect_timeout = 3 * jobop::core::k_second;
  try {
    Connection connection(config);
  } catch (const jobop::core::Error&) {
    // Refused either way; what matters is what the server got.
  }
  return server.received();
}

} // namespace

TEST_CASE("mysql: tls=required and verify-ca never send the password in clear text") {
  // The control: a mode that allows plain text hands the fake server the
  // password, so the server does ask for it.
  CHECK(attempt(TlsMode::preferred).find("s3cret-pw") != std::string::npos);
  CHECK(attempt(TlsMode::required).find("s3cret-pw") == std::string::npos);
}
