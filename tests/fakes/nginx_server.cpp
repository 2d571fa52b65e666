// Starts nginx as a child process ("daemon off", prefix and error log in the temp folder, every
// temp path there too, `user root` when the tests run as root so workers can read the keys),
// then polls each site with TCP connects until it listens. The destructor stops it, so a failing
// test never leaves nginx behind.
#include "fakes/nginx_server.hpp"

#include "core/atomic_file.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace fakes {

namespace {

constexpr const char* k_nginx = "/usr/sbin/nginx";

bool to_sockaddr(const std::string& address, std::uint16_t port, sockaddr_in& out) {
  out = {};
  out.sin_family = AF_INET;
  out.sin_port = htons(port);
  return ::inet_pton(AF_INET, address.c_str(), &out.sin_addr) == 1;
}

bool accepts(const std::string& address, std::uint16_t port) {
  sockaddr_in addr{};
  if (!to_sockaddr(address, port, addr)) return false;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

std::string server_block(const std::filesystem::path& dir, std::size_t index, const NginxSite& s) {
  std::string out = fmt::format("  server {{\n    listen {}:{}{};\n    server_name {};\n", s.address, s.port,
                                s.tls ? " ssl http2" : "", s.server_name);
  if (s.tls) {
    // nginx 1.22 leaves TLS 1.3 out of its default protocols; today's edges offer it.
    out += fmt::format("    ssl_certificate {};\n    ssl_certificate_key {};\n    ssl_protocols TLSv1.2 TLSv1.3;\n",
                       s.cert.string(), s.key.string());
  }
  out += fmt::format("    access_log {}/access-{}.log;\n", dir.string(), index);
  out += s.config;
  out += "\n  }\n";
  return out;
}

std::string config(const std::filesystem::path& dir, const std::vector<NginxSite>& sites, int workers) {
  const std::string d = dir.string();
  std::string conf = fmt::format(
      "daemon off;\nworker_processes {1};\npid {0}/nginx.pid;\nerror_log {0}/error.log warn;\n{2}"
      "events {{\n  worker_connections 4096;\n}}\n"
      "http {{\n  default_type text/plain;\n  access_log off;\n  client_body_temp_path {0}/tmp-body;\n"
      "  proxy_temp_path {0}/tmp-proxy;\n  fastcgi_temp_path {0}/tmp-fastcgi;\n  uwsgi_temp_path {0}/tmp-uwsgi;\n"
      "  scgi_temp_path {0}/tmp-scgi;\n",
      d, workers, ::geteuid() == 0 ? "user root;\n" : "");
  for (std::size_t i = 0; i < sites.size(); ++i) conf += server_block(dir, i, sites[i]);
  conf += "}\n";
  return conf;
}

}  // namespace

core::Result<std::uint16_t> free_tcp_port(const std::string& address) {
  sockaddr_in addr{};
  if (!to_sockaddr(address, 0, addr)) return core::fail(core::ErrorCode::usage, "not an IPv4 address: " + address);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  socklen_t len = sizeof addr;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  if (port == 0) return core::fail(core::ErrorCode::io, "no free TCP port on " + address);
  return port;
}

core::Result<NginxServer> NginxServer::start(const std::filesystem::path& dir, std::vector<NginxSite> sites,
                                             int workers) {
  if (sites.empty()) return core::fail(core::ErrorCode::usage, "nginx fixture needs a site");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  for (auto& s : sites) {
    if (s.port != 0) continue;
    auto port = free_tcp_port(s.address);
    if (!port) return std::unexpected(port.error());
    s.port = *port;
  }
  const std::string conf_path = (dir / "nginx.conf").string();
  if (auto ok = core::write_file_atomic(conf_path, config(dir, sites, workers)); !ok)
    return std::unexpected(ok.error());
  const std::string prefix = dir.string() + "/";
  const std::string error_log = (dir / "error.log").string();
  const pid_t pid = ::fork();
  if (pid < 0) return core::fail(core::ErrorCode::io, "fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // a test that crashes takes its nginx with it
    // Not the test's stdout and stderr: an nginx left behind must not hold the test's pipes open.
    const int log = ::open((dir / "stdout.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
      ::close(log);
    }
    ::execl(k_nginx, k_nginx, "-p", prefix.c_str(), "-e", error_log.c_str(), "-c", conf_path.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  NginxServer server;
  server.m_pid = pid;
  server.m_dir = dir;
  server.m_sites = std::move(sites);
  for (int i = 0; i < 200; ++i) {
    bool all = true;
    for (const auto& s : server.m_sites) all = all && accepts(s.address, s.port);
    if (all) return server;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      server.m_pid = -1;
      std::string log;
      if (auto text = core::read_file(error_log)) log = *text;
      return core::fail(core::ErrorCode::io, fmt::format("nginx exited early: {}", log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return core::fail(core::ErrorCode::io, "nginx did not listen within 10 s");
}

NginxServer::NginxServer(NginxServer&& other) noexcept
    : m_pid(other.m_pid), m_dir(std::move(other.m_dir)), m_sites(std::move(other.m_sites)) {
  other.m_pid = -1;
}

NginxServer::~NginxServer() { stop(); }

std::filesystem::path NginxServer::access_log(std::size_t site) const {
  return m_dir / fmt::format("access-{}.log", site);
}

std::size_t NginxServer::requests(std::size_t site) const {
  std::ifstream in(access_log(site));
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

void NginxServer::stop() {
  if (m_pid <= 0) return;
  ::kill(m_pid, SIGTERM);
  int status = 0;
  ::waitpid(m_pid, &status, 0);
  m_pid = -1;
}

core::Result<SilentListener> SilentListener::open(const std::string& address) {
  sockaddr_in addr{};
  if (!to_sockaddr(address, 0, addr)) return core::fail(core::ErrorCode::usage, "not an IPv4 address: " + address);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return core::fail(core::ErrorCode::io, "cannot listen on " + address);
  }
  return SilentListener(fd, ntohs(addr.sin_port));
}

SilentListener::SilentListener(SilentListener&& other) noexcept : m_fd(other.m_fd), m_port(other.m_port) {
  other.m_fd = -1;
}

SilentListener::~SilentListener() {
  if (m_fd >= 0) ::close(m_fd);
}

core::Result<FolderServer> FolderServer::start(const std::filesystem::path& dir, const FolderOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  FolderServer out;
  out.m_tls = options.tls;
  NginxSite site;
  site.tls = options.tls;
  if (options.tls) {
    auto ca = TestCa::create(dir / "ca", "Residency Test", "FR", "Residency Test CA");
    if (!ca) return std::unexpected(ca.error());
    auto cert = ca->issue("server", CertSpec{.common_name = "localhost", .dns_names = {"localhost"}, .ips = {"127.0.0.1"}});
    if (!cert) return std::unexpected(cert.error());
    site.cert = cert->cert;
    site.key = cert->key;
    out.m_ca_file = ca->cert();
  }
  site.config = fmt::format(
      "    types {{ application/json json; text/plain txt csv; application/gzip tgz; text/html html; }}\n"
      "    default_type application/octet-stream;\n    root \"{}\";\n    autoindex {};\n{}\n",
      options.root.string(), options.autoindex ? "on" : "off", options.server_config);
  auto server = NginxServer::start(dir / "nginx", {site});
  if (!server) return std::unexpected(server.error());
  out.m_server.emplace(std::move(*server));
  return out;
}

std::string FolderServer::base_url() const {
  return fmt::format("{}://127.0.0.1:{}/", m_tls ? "https" : "http", port());
}

}  // namespace fakes
