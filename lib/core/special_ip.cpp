// The special-use table: IANA's IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890,
// updated by RFC 8190), the multicast blocks (RFC 5771, RFC 4291), the deprecated 6to4 relay
// anycast (RFC 7526) and site-local (RFC 3879) blocks, and the newer documentation block
// 3fff::/20 (RFC 9637), and the deprecated IPv4-compatible block ::/96 (RFC 4291). Parsed once;
// a lookup walks the table and keeps the longest match, so 192.0.0.0/24 does not hide a more
// specific entry inside it.
#include "core/special_ip.hpp"

#include <fmt/format.h>

#include <vector>

namespace core {

namespace {

struct Row {
  std::string_view block, name, reference;
  SpecialReach reach;
};

constexpr SpecialReach k_local = SpecialReach::local;
constexpr SpecialReach k_reserved = SpecialReach::reserved;
constexpr SpecialReach k_relay = SpecialReach::relay;

constexpr Row k_rows[] = {
    // IPv4 (IANA IPv4 Special-Purpose Address Registry, multicast from RFC 5771).
    {"0.0.0.0/8", "this network", "RFC 791", k_local},
    {"0.0.0.0/32", "this host (unspecified)", "RFC 1122", k_local},
    {"10.0.0.0/8", "private-use", "RFC 1918", k_local},
    {"100.64.0.0/10", "shared address space (CGNAT)", "RFC 6598", k_local},
    {"127.0.0.0/8", "loopback", "RFC 1122", k_local},
    {"169.254.0.0/16", "link-local", "RFC 3927", k_local},
    {"172.16.0.0/12", "private-use", "RFC 1918", k_local},
    {"192.0.0.0/24", "IETF protocol assignments", "RFC 6890", k_reserved},
    {"192.0.0.0/29", "IPv4 service continuity prefix (DS-Lite)", "RFC 7335", k_local},
    {"192.0.0.8/32", "IPv4 dummy address", "RFC 7600", k_reserved},
    {"192.0.0.9/32", "port control protocol anycast", "RFC 7723", k_relay},
    {"192.0.0.10/32", "traversal using relays around NAT anycast", "RFC 8155", k_relay},
    {"192.0.0.170/31", "NAT64/DNS64 discovery", "RFC 7050", k_reserved},
    {"192.0.2.0/24", "documentation (TEST-NET-1)", "RFC 5737", k_reserved},
    {"192.31.196.0/24", "AS112-v4", "RFC 7535", k_relay},
    {"192.52.193.0/24", "automatic multicast tunneling", "RFC 7450", k_relay},
    {"192.88.99.0/24", "deprecated 6to4 relay anycast", "RFC 7526", k_relay},
    {"192.168.0.0/16", "private-use", "RFC 1918", k_local},
    {"192.175.48.0/24", "direct delegation AS112 service", "RFC 7534", k_relay},
    {"198.18.0.0/15", "benchmarking", "RFC 2544", k_reserved},
    {"198.51.100.0/24", "documentation (TEST-NET-2)", "RFC 5737", k_reserved},
    {"203.0.113.0/24", "documentation (TEST-NET-3)", "RFC 5737", k_reserved},
    {"224.0.0.0/4", "multicast", "RFC 5771", k_local},
    {"240.0.0.0/4", "reserved", "RFC 1112", k_reserved},
    {"255.255.255.255/32", "limited broadcast", "RFC 919", k_local},
    // IPv6 (IANA IPv6 Special-Purpose Address Registry; multicast and link-local from RFC 4291).
    {"::/128", "unspecified", "RFC 4291", k_local},
    {"::1/128", "loopback", "RFC 4291", k_local},
    // Deprecated IPv4-compatible addresses (::a.b.c.d): not an IPv4 address in disguise that a
    // lookup could trust (::127.0.0.1 is not ::ffff:127.0.0.1), so the whole block is reserved.
    {"::/96", "IPv4-compatible (deprecated)", "RFC 4291", k_reserved},
    {"64:ff9b::/96", "IPv4/IPv6 translation (NAT64)", "RFC 6052", k_relay},
    {"64:ff9b:1::/48", "local-use IPv4/IPv6 translation", "RFC 8215", k_local},
    {"100::/64", "discard-only", "RFC 6666", k_reserved},
    {"2001::/23", "IETF protocol assignments", "RFC 2928", k_reserved},
    {"2001::/32", "Teredo relay", "RFC 4380", k_relay},
    {"2001:2::/48", "benchmarking", "RFC 5180", k_reserved},
    {"2001:10::/28", "ORCHID (deprecated)", "RFC 4843", k_reserved},
    {"2001:20::/28", "ORCHIDv2", "RFC 7343", k_reserved},
    {"2001:db8::/32", "documentation", "RFC 3849", k_reserved},
    {"2002::/16", "6to4 relay", "RFC 3056", k_relay},
    {"3fff::/20", "documentation", "RFC 9637", k_reserved},
    {"5f00::/16", "segment routing (SRv6) SIDs", "RFC 9602", k_reserved},
    {"fc00::/7", "unique local (ULA)", "RFC 4193", k_local},
    {"fe80::/10", "link-local", "RFC 4291", k_local},
    {"fec0::/10", "site-local (deprecated)", "RFC 3879", k_local},
    {"ff00::/8", "multicast", "RFC 4291", k_local},
};

struct Parsed {
  Prefix prefix;
  const Row* row;
};

const std::vector<Parsed>& table() {
  static const std::vector<Parsed> parsed = [] {
    std::vector<Parsed> out;
    for (const Row& row : k_rows) {
      auto p = parse_prefix(row.block);
      if (p) out.push_back({*p, &row});  // every row is a valid prefix (tested)
    }
    return out;
  }();
  return parsed;
}

// The IPv4 address inside ::ffff:a.b.c.d.
IpAddress embedded_v4(const IpAddress& ip) {
  IpAddress v4;
  v4.family = IpFamily::v4;
  for (std::size_t i = 0; i < 4; ++i) v4.bytes[i] = ip.bytes[12 + i];
  return v4;
}

}  // namespace

std::optional<SpecialUse> special_use(const IpAddress& address) {
  const IpAddress ip = address.is_v4_mapped() ? embedded_v4(address) : address;
  const Parsed* best = nullptr;
  for (const Parsed& p : table()) {
    if (p.prefix.address.family != ip.family || !p.prefix.contains(ip)) continue;
    if (best == nullptr || p.prefix.length > best->prefix.length) best = &p;
  }
  if (best == nullptr) return std::nullopt;
  return SpecialUse{best->row->block, best->row->name, best->row->reference, best->row->reach};
}

std::string describe(const SpecialUse& use) {
  return fmt::format("special-use address ({}, {})", use.name, use.reference);
}

}  // namespace core
