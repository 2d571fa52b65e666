// Starts nsd in the foreground (-d) as a child process with a generated nsd.conf (no privilege
// drop, no zone database, rate limiting off), then polls it with a hand-built SOA query over UDP
// until it answers. The destructor stops it, so a test that fails never leaves nsd behind.
#include "fakes/nsd_server.hpp"

#include "core/atomic_file.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

namespace fakes {

namespace {

constexpr const char* k_nsd = "/usr/sbin/nsd";

// Bind a socket of `type` to 127.0.0.1:port (0 = any); return the port, or 0 on failure.
std::uint16_t try_bind(int type, std::uint16_t port) {
  const int fd = ::socket(AF_INET, type, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  std::uint16_t out = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    out = ntohs(addr.sin_port);
  }
  ::close(fd);
  return out;
}

// Send one SOA query for `zone` to 127.0.0.1:port; true when any answer comes back in 200 ms.
bool answers(std::uint16_t port, const std::string& zone) {
  std::vector<std::uint8_t> q = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  std::size_t start = 0;
  const std::string name = zone + ".";
  for (std::size_t dot = name.find('.'); dot != std::string::npos; start = dot + 1, dot = name.find('.', start)) {
    q.push_back(static_cast<std::uint8_t>(dot - start));
    q.insert(q.end(), name.begin() + static_cast<long>(start), name.begin() + static_cast<long>(dot));
  }
  q.insert(q.end(), {0, 0, 6, 0, 1});
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::sendto(fd, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  pollfd p{fd, POLLIN, 0};
  std::uint8_t buf[512];
  const bool ok = ::poll(&p, 1, 200) == 1 && ::recv(fd, buf, sizeof buf, 0) >= 12;
  ::close(fd);
  return ok;
}

std::string config(const std::filesystem::path& dir, std::uint16_t port, const NsdServer::Zones& zones) {
  std::string conf = fmt::format(
      "server:\n  ip-address: 127.0.0.1@{0}\n  port: {0}\n  zonesdir: \"{1}\"\n  pidfile: \"{1}/nsd.pid\"\n"
      "  username: \"\"\n  database: \"\"\n  xfrdfile: \"{1}/xfrd.state\"\n  zonelistfile: \"{1}/zone.list\"\n"
      "  rrl-ratelimit: 0\n  server-count: 1\n  verbosity: 0\n  logfile: \"{1}/nsd.log\"\n"
      "remote-control:\n  control-enable: no\n",
      port, dir.string());
  for (const auto& [zone, text] : zones) conf += fmt::format("zone:\n  name: {0}\n  zonefile: {0}.zone\n", zone);
  return conf;
}

}  // namespace

core::Result<std::uint16_t> free_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const std::uint16_t port = try_bind(SOCK_DGRAM, 0);
    if (port != 0 && try_bind(SOCK_STREAM, port) == port) return port;
  }
  return core::fail(core::ErrorCode::io, "no free port on 127.0.0.1");
}

core::Result<NsdServer> NsdServer::start(const std::filesystem::path& dir, const Zones& zones) {
  if (zones.empty()) return core::fail(core::ErrorCode::usage, "nsd fixture needs a zone");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  for (const auto& [zone, text] : zones) {
    if (auto ok = core::write_file_atomic(dir / (zone + ".zone"), text); !ok) return std::unexpected(ok.error());
  }
  auto port = free_port();
  if (!port) return std::unexpected(port.error());
  const std::string conf_path = (dir / "nsd.conf").string();
  if (auto ok = core::write_file_atomic(conf_path, config(dir, *port, zones)); !ok) return std::unexpected(ok.error());
  const pid_t pid = ::fork();
  if (pid < 0) return core::fail(core::ErrorCode::io, "fork failed");
  if (pid == 0) {
    ::execl(k_nsd, k_nsd, "-d", "-c", conf_path.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  NsdServer server(pid, *port);
  for (int i = 0; i < 50; ++i) {
    if (answers(*port, zones.begin()->first)) return server;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      server.m_pid = -1;
      return core::fail(core::ErrorCode::io, fmt::format("nsd exited early; see {}/nsd.log", dir.string()));
    }
  }
  return core::fail(core::ErrorCode::io, "nsd did not answer within 10 s");
}

NsdServer::NsdServer(NsdServer&& other) noexcept : m_pid(other.m_pid), m_port(other.m_port) { other.m_pid = -1; }

NsdServer::~NsdServer() { stop(); }

std::string NsdServer::address() const { return fmt::format("127.0.0.1:{}", m_port); }

void NsdServer::stop() {
  if (m_pid <= 0) return;
  ::kill(m_pid, SIGTERM);
  int status = 0;
  ::waitpid(m_pid, &status, 0);
  m_pid = -1;
}

}  // namespace fakes
