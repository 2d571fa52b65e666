// tests/fakes: a real nginx (Debian package nginx, /usr/sbin/nginx) serving test sites on
// 127.0.0.x ports with certificates from fakes::TestCa, so HTTPS tests run the real libcurl and
// OpenSSL code paths without the internet. Its configuration and logs live in a temp folder.
#pragma once

#include "core/error.hpp"
#include "fakes/test_pki.hpp"

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fakes {

struct NginxSite {
  std::string address = "127.0.0.1";  // any 127.0.0.x: Linux routes the whole block to lo
  std::uint16_t port = 0;             // 0: a free port
  bool tls = true;
  std::string server_name = "_";
  std::filesystem::path cert{}, key{};  // for tls
  std::string config{};                 // the rest of the server block: add_header, return, locations…
};

class NginxServer {
 public:
  // Write nginx.conf under `dir` (one server block per site, each with its own access log),
  // start nginx in the foreground and wait until every site accepts connections (at most ~10 s).
  static core::Result<NginxServer> start(const std::filesystem::path& dir, std::vector<NginxSite> sites,
                                         int workers = 1);

  NginxServer(NginxServer&& other) noexcept;
  NginxServer& operator=(NginxServer&&) = delete;
  ~NginxServer();

  std::uint16_t port(std::size_t site) const { return m_sites.at(site).port; }
  const std::string& address(std::size_t site) const { return m_sites.at(site).address; }
  // The site's access log (one line per request served).
  std::filesystem::path access_log(std::size_t site) const;
  // Requests in the site's access log so far.
  std::size_t requests(std::size_t site) const;
  // Stop nginx (SIGTERM, then wait for it).
  void stop();

 private:
  NginxServer() = default;
  pid_t m_pid = -1;
  std::filesystem::path m_dir;
  std::vector<NginxSite> m_sites;
};

// A TCP port on `address` that nobody listens on right now.
core::Result<std::uint16_t> free_tcp_port(const std::string& address);

// A TCP socket that listens but never accepts: connections complete in the kernel's backlog and
// then nothing is ever read or written (a stalled backend for nginx's proxy_pass).
class SilentListener {
 public:
  static core::Result<SilentListener> open(const std::string& address);
  SilentListener(SilentListener&& other) noexcept;
  SilentListener& operator=(SilentListener&&) = delete;
  ~SilentListener();
  std::uint16_t port() const { return m_port; }

 private:
  SilentListener(int fd, std::uint16_t port) : m_fd(fd), m_port(port) {}
  int m_fd = -1;
  std::uint16_t m_port = 0;
};

// One folder served at / on 127.0.0.1 at a free port, for download tests: HTTPS with a
// certificate for 127.0.0.1 and localhost from a fresh TestCa, or plain HTTP; JSON, text and
// gzip content types; folder listings (mirrors are listed to find the newest file).
struct FolderOptions {
  std::filesystem::path root;  // the folder served at /
  bool tls = true;
  bool autoindex = true;
  std::string server_config{};  // extra directives inside server { } (locations, limits)
};

class FolderServer {
 public:
  static core::Result<FolderServer> start(const std::filesystem::path& dir, const FolderOptions& options);

  std::uint16_t port() const { return m_server->port(0); }
  // "https://127.0.0.1:PORT/" (or http://)
  std::string base_url() const;
  // The CA certificate clients must trust (empty without tls).
  const std::filesystem::path& ca_file() const { return m_ca_file; }

 private:
  FolderServer() = default;
  std::optional<NginxServer> m_server;
  std::filesystem::path m_ca_file;
  bool m_tls = true;
};

}  // namespace fakes
