// probe::resolve_all: the DNS probe. One event loop (c-ares) keeps many queries in flight and
// turns every name into a DnsResult: A/AAAA with TTLs, the CNAME chain, the NS of the zone, MX
// and PTR names. Every outcome (NXDOMAIN, SERVFAIL, timeout, …) is data, never an exception.
#pragma once

#include "core/error.hpp"
#include "core/ip.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace probe {

// The `dns.status` values of DESIGN.md, plus `invalid` for names that cannot be sent.
enum class DnsStatus { ok, nxdomain, nodata, servfail, timeout, refused, loop, invalid };

// Return the fact spelling of `status` ("ok", "nxdomain", …).
std::string_view to_string(DnsStatus status);

// A resolver to ask: address and UDP/TCP port.
struct DnsServer {
  core::IpAddress address;
  std::uint16_t port = 53;

  auto operator<=>(const DnsServer&) const = default;
};

// Parse "IP", "IP:PORT", "[IPv6]" or "[IPv6]:PORT" (a bare IPv6 address takes port 53).
core::Result<DnsServer> parse_server(std::string_view text);
// Format a server as parse_server reads it ("127.0.0.1:5353", "[::1]:53").
std::string format_server(const DnsServer& server);

struct DnsOptions {
  std::vector<DnsServer> servers;  // empty: the resolvers of /etc/resolv.conf
  int timeout_ms = 2000;           // per try; c-ares doubles it on each later round of retries
  int retries = 1;                 // extra tries after the first
  int concurrency = 256;           // queries in flight at once
  double rate_qps = 0;             // queries per second; 0 = unlimited
  int socket_buffer = 4 << 20;     // UDP receive buffer of the resolver sockets, in bytes
};

struct DnsRequest {
  std::string name;  // host name, UTF-8 or ASCII
  bool want_mx = false;
  bool want_ns = true;
  bool want_ptr = true;
};

struct DnsAddress {
  core::IpAddress ip;
  std::uint32_t ttl = 0;
  std::vector<std::string> ptr;  // PTR names of the address (when asked for)

  auto operator<=>(const DnsAddress&) const = default;
};

struct MxHost {
  int preference = 0;
  std::string host;

  auto operator<=>(const MxHost&) const = default;
};

struct DnsResult {
  std::string name;                       // as requested
  std::string ascii_name;                 // as sent (punycode)
  std::string unicode_name;               // for display
  DnsStatus status = DnsStatus::timeout;  // of the address lookup (A and AAAA)
  std::string detail;                     // why, when status is not ok ("unreachable", "CNAME loop at …")
  std::optional<DnsStatus> a_status;      // of the A lookup alone (unset for a name not sent)
  std::optional<DnsStatus> aaaa_status;   // of the AAAA lookup alone
  std::vector<DnsAddress> addresses;      // sorted: IPv4 first
  std::vector<std::string> cname_chain;   // CNAME targets in order, the name excluded
  std::vector<std::string> ns;            // NS names of the zone holding the name, sorted
  std::string ns_zone;                    // that zone
  std::optional<DnsStatus> ns_status;     // set when NS was asked for
  std::vector<MxHost> mx;                 // sorted by preference, then host
  std::optional<DnsStatus> mx_status;     // set when MX was asked for
  bool ptr_asked = false;                 // PTR was asked for every address
  std::string resolver;                   // the servers asked, e.g. "127.0.0.1:5353"
  std::string time;                       // ISO 8601 UTC start of the lookup
};

// Called after each name completes with (names done, names total).
using DnsProgress = std::function<void(std::size_t, std::size_t)>;

// True when `r` resolved, yet one address family failed (timeout, SERVFAIL, REFUSED, loop): the
// addresses may be only part of the answer. Sets `why` ("AAAA timeout: unreachable").
bool partial_answer(const DnsResult& r, std::string& why);

// Resolve every request; results come back in request order. Fails only when the resolver
// cannot be set up (bad options, unreadable /etc/resolv.conf).
core::Result<std::vector<DnsResult>> resolve_all(const DnsOptions& options, const std::vector<DnsRequest>& requests,
                                                 const DnsProgress& progress = {});

}  // namespace probe
