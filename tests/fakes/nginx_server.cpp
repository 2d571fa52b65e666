// Starts nginx in the foreground (`daemon off`, one worker, every path under the test's folder:
// pid, logs, temp files) as a child process, then polls 127.0.0.1:PORT until it accepts a TCP
// connection. The test CA is made with the openssl command line. The destructor stops nginx,
// so a test that fails never leaves it behind.
#include "fakes/nginx_server.hpp"

#include "core/atomic_file.hpp"
#include "fakes/nsd_server.hpp"
#include "support/run_command.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace fakes {

namespace {

namespace fs = std::filesystem;
using test_support::shell_quote;

constexpr const char* k_nginx = "/usr/sbin/nginx";

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

bool accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr = loopback(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

core::Result<void> openssl(const std::string& args) {
  auto r = test_support::run("openssl " + args);
  if (r.status != 0) return core::fail(core::ErrorCode::io, "openssl " + args + " failed: " + r.output);
  return {};
}

std::string config(const fs::path& dir, std::uint16_t port, const NginxServer::Options& o, const TestCa& ca) {
  const std::string d = dir.string();
  std::string tls;
  if (o.tls) {
    tls = fmt::format("    ssl_certificate \"{}\";\n    ssl_certificate_key \"{}\";\n", ca.server_cert.string(),
                      ca.server_key.string());
  }
  return fmt::format(
      "daemon off;\nworker_processes 1;\npid \"{0}/nginx.pid\";\nerror_log \"{0}/error.log\" warn;\n{1}"
      "events {{ worker_connections 64; }}\n"
      "http {{\n  access_log \"{0}/access.log\";\n  client_body_temp_path \"{0}/tmp/body\";\n"
      "  proxy_temp_path \"{0}/tmp/proxy\";\n  fastcgi_temp_path \"{0}/tmp/fastcgi\";\n"
      "  uwsgi_temp_path \"{0}/tmp/uwsgi\";\n  scgi_temp_path \"{0}/tmp/scgi\";\n"
      "  default_type application/octet-stream;\n"
      "  types {{ application/json json; text/plain txt csv; application/gzip tgz; text/html html; }}\n"
      "  server {{\n    listen 127.0.0.1:{2}{3};\n{4}    root \"{5}\";\n    autoindex {6};\n{7}\n  }}\n}}\n",
      d, ::geteuid() == 0 ? "user root;\n" : "", port, o.tls ? " ssl" : "", tls, o.root.string(),
      o.autoindex ? "on" : "off", o.server_config);
}

}  // namespace

core::Result<TestCa> make_test_ca(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  TestCa ca{dir / "test-ca.pem", dir / "server.pem", dir / "server.key"};
  const std::string d = dir.string();
  const std::string ec_key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  if (auto ok = core::write_file_atomic(dir / "server.ext",
                                        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                                        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
      !ok) {
    return std::unexpected(ok.error());
  }
  for (const std::string& args : {
           fmt::format("req -x509 {} -keyout {} -out {} -days 2 -subj '/CN=residency test CA' "
                       "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
                       ec_key, shell_quote(d + "/ca.key"), shell_quote(ca.ca_cert.string())),
           fmt::format("req {} -keyout {} -out {} -subj '/CN=127.0.0.1'", ec_key, shell_quote(ca.server_key.string()),
                       shell_quote(d + "/server.csr")),
           fmt::format("x509 -req -in {} -CA {} -CAkey {} -CAcreateserial -out {} -days 2 -extfile {}",
                       shell_quote(d + "/server.csr"), shell_quote(ca.ca_cert.string()), shell_quote(d + "/ca.key"),
                       shell_quote(ca.server_cert.string()), shell_quote(d + "/server.ext")),
       }) {
    if (auto ok = openssl(args); !ok) return std::unexpected(ok.error());
  }
  return ca;
}

core::Result<NginxServer> NginxServer::start(const fs::path& dir, const Options& options) {
  std::error_code ec;
  fs::create_directories(dir / "tmp", ec);
  TestCa ca;
  if (options.tls) {
    auto made = make_test_ca(dir / "ca");
    if (!made) return std::unexpected(made.error());
    ca = *made;
  }
  auto port = free_port();
  if (!port) return std::unexpected(port.error());
  const std::string conf_path = (dir / "nginx.conf").string();
  if (auto ok = core::write_file_atomic(conf_path, config(dir, *port, options, ca)); !ok)
    return std::unexpected(ok.error());
  const std::string error_log = (dir / "error.log").string();
  const std::string prefix = dir.string() + "/";
  const pid_t pid = ::fork();
  if (pid < 0) return core::fail(core::ErrorCode::io, "fork failed");
  if (pid == 0) {
    ::execl(k_nginx, k_nginx, "-p", prefix.c_str(), "-e", error_log.c_str(), "-c", conf_path.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  NginxServer server(pid, *port, options.tls, ca);
  for (int i = 0; i < 100; ++i) {
    if (accepts(*port)) return server;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      server.m_pid = -1;
      return core::fail(core::ErrorCode::io, fmt::format("nginx exited early; see {}", error_log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return core::fail(core::ErrorCode::io, "nginx did not accept connections within 10 s");
}

NginxServer::NginxServer(NginxServer&& other) noexcept
    : m_pid(other.m_pid), m_port(other.m_port), m_tls(other.m_tls), m_ca(std::move(other.m_ca)) {
  other.m_pid = -1;
}

NginxServer::~NginxServer() { stop(); }

std::string NginxServer::base_url() const {
  return fmt::format("{}://127.0.0.1:{}/", m_tls ? "https" : "http", m_port);
}

void NginxServer::stop() {
  if (m_pid <= 0) return;
  ::kill(m_pid, SIGTERM);
  int status = 0;
  ::waitpid(m_pid, &status, 0);
  m_pid = -1;
}

core::Result<SilentListener> SilentListener::start() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return core::fail(core::ErrorCode::io, "socket failed");
  sockaddr_in addr = loopback(0);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return core::fail(core::ErrorCode::io, "cannot listen on 127.0.0.1");
  }
  return SilentListener(fd, ntohs(addr.sin_port));
}

SilentListener::SilentListener(SilentListener&& other) noexcept : m_fd(other.m_fd), m_port(other.m_port) {
  other.m_fd = -1;
}

SilentListener::~SilentListener() {
  if (m_fd >= 0) ::close(m_fd);
}

}  // namespace fakes
