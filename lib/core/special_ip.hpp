// core::special_use: the IANA special-purpose address registries (RFC 6890 and its updates) plus
// multicast, as one table. An address in one of these blocks has no meaningful GeoIP location:
// it is private, local, reserved, for documentation, or a protocol relay. The same table is the
// HTTPS probe's SSRF guard: without --allow-private it refuses every address of every block here,
// `reserved` and `relay` ones included (a NAT64 or 6to4 address can carry a private IPv4 one).
#pragma once

#include "core/ip.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace core {

// How far an address of a special-use block reaches.
enum class SpecialReach {
  local,     // this host or its own network: loopback, private, link-local, CGNAT, ULA, unspecified,
             // multicast, broadcast
  reserved,  // not routed on the public internet: documentation, benchmarking, reserved, discard
  relay,     // globally routed but shared infrastructure with no single owner: 6to4 and Teredo
             // relays, NAT64 translation, AS112, AMT
};

struct SpecialUse {
  std::string_view block;      // e.g. "192.168.0.0/16"
  std::string_view name;       // e.g. "private-use"
  std::string_view reference;  // e.g. "RFC 1918"
  SpecialReach reach = SpecialReach::reserved;
};

// Return the special-use block `ip` belongs to (the most specific one), or nullopt for an
// ordinary global unicast address. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged by
// its IPv4 address.
std::optional<SpecialUse> special_use(const IpAddress& ip);

// "special-use address (private-use, RFC 1918)": the reason reports give.
std::string describe(const SpecialUse& use);

}  // namespace core
