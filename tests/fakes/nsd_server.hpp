// tests/fakes: a real nsd (Debian package nsd, /usr/sbin/nsd) serving test zones on 127.0.0.1
// at a free port, so DNS tests run the real c-ares code paths without the internet.
#pragma once

#include "core/error.hpp"

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace fakes {

class NsdServer {
 public:
  // Zone name → zone-file text ($ORIGIN and SOA included). A zone whose text does not parse
  // is still configured, so nsd answers SERVFAIL for it.
  using Zones = std::map<std::string, std::string>;

  // Write the zones and nsd.conf under `dir`, start nsd on 127.0.0.1 at a free port and wait
  // until it answers a query for the first zone's SOA (at most ~10 s).
  static core::Result<NsdServer> start(const std::filesystem::path& dir, const Zones& zones);

  NsdServer(NsdServer&& other) noexcept;
  NsdServer& operator=(NsdServer&&) = delete;
  ~NsdServer();

  std::uint16_t port() const { return m_port; }
  // "127.0.0.1:PORT"
  std::string address() const;
  // Stop nsd (SIGTERM, then wait for it).
  void stop();

 private:
  NsdServer(pid_t pid, std::uint16_t port) : m_pid(pid), m_port(port) {}
  pid_t m_pid = -1;
  std::uint16_t m_port = 0;
};

// Return a UDP and TCP port on 127.0.0.1 that nobody listens on right now.
core::Result<std::uint16_t> free_port();

}  // namespace fakes
