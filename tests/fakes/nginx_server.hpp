// tests/fakes: a real nginx (Debian package nginx, /usr/sbin/nginx) serving a folder over HTTPS
// on 127.0.0.1 at a free port, with a certificate from a test CA made by openssl at test time,
// so HTTP tests run the real libcurl and TLS code paths without the internet. Also a TCP
// listener that accepts connections and never answers (a stalled upstream or server).
#pragma once

#include "core/error.hpp"

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fakes {

// A CA and a server certificate (for 127.0.0.1 and localhost) signed by it, made with openssl.
struct TestCa {
  std::filesystem::path ca_cert;      // PEM, what clients pass as --ca-file
  std::filesystem::path server_cert;  // PEM
  std::filesystem::path server_key;   // PEM
};

// Make a fresh CA and server certificate under `dir` (EC P-256, valid two days).
core::Result<TestCa> make_test_ca(const std::filesystem::path& dir);

class NginxServer {
 public:
  struct Options {
    std::filesystem::path root;  // the folder served at /
    bool tls = true;             // https with a test CA; false: plain http
    bool autoindex = true;       // folder listings (mirrors are listed to find newest files)
    std::string server_config;   // extra directives inside server { } (locations, limits)
  };

  // Write nginx.conf (and, with tls, a test CA) under `dir`, start nginx in the foreground on
  // 127.0.0.1 at a free port, and wait until it accepts connections (at most ~10 s).
  static core::Result<NginxServer> start(const std::filesystem::path& dir, const Options& options);

  NginxServer(NginxServer&& other) noexcept;
  NginxServer& operator=(NginxServer&&) = delete;
  ~NginxServer();

  std::uint16_t port() const { return m_port; }
  // "https://127.0.0.1:PORT/" (or http://)
  std::string base_url() const;
  // The CA certificate clients must trust (empty without tls).
  const std::filesystem::path& ca_file() const { return m_ca.ca_cert; }
  // Stop nginx (SIGTERM, then wait for it).
  void stop();

 private:
  NginxServer(pid_t pid, std::uint16_t port, bool tls, TestCa ca)
      : m_pid(pid), m_port(port), m_tls(tls), m_ca(std::move(ca)) {}
  pid_t m_pid = -1;
  std::uint16_t m_port = 0;
  bool m_tls = true;
  TestCa m_ca;
};

// A TCP socket on 127.0.0.1 that listens but never accepts or answers: connections complete
// (the kernel queues them) and then nothing arrives.
class SilentListener {
 public:
  static core::Result<SilentListener> start();
  SilentListener(SilentListener&& other) noexcept;
  SilentListener& operator=(SilentListener&&) = delete;
  ~SilentListener();
  std::uint16_t port() const { return m_port; }

 private:
  SilentListener(int fd, std::uint16_t port) : m_fd(fd), m_port(port) {}
  int m_fd = -1;
  std::uint16_t m_port = 0;
};

}  // namespace fakes
