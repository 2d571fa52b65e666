// core::IpAddress and core::Prefix: parsing, formatting and ordering of IPv4/IPv6 addresses and
// CIDR prefixes, shared by the GeoIP reader and writer, the importers and the probes.
#pragma once

#include "core/error.hpp"

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace core {

enum class IpFamily : std::uint8_t { v4 = 4, v6 = 6 };

// An IPv4 or IPv6 address. IPv4 uses bytes[0..3]; the rest are zero.
struct IpAddress {
  IpFamily family = IpFamily::v4;
  std::array<std::uint8_t, 16> bytes{};

  // Number of address bits: 32 or 128.
  int bits() const { return family == IpFamily::v4 ? 32 : 128; }
  // Return bit `i` (0 = most significant).
  bool bit(int i) const { return (bytes[static_cast<std::size_t>(i / 8)] >> (7 - i % 8)) & 1; }
  // Return the IPv4-mapped IPv6 form (::ffff:a.b.c.d) of an IPv4 address; IPv6 unchanged.
  IpAddress to_v6_mapped() const;
  // Return the IPv4 address embedded in ::ffff:a.b.c.d or ::a.b.c.d, or nullopt-like false.
  bool is_v4_mapped() const;

  auto operator<=>(const IpAddress&) const = default;
};

// Parse a textual IPv4 or IPv6 address (no brackets, no zone, no prefix).
Result<IpAddress> parse_ip(std::string_view text);
// Format an address: dotted quad, or RFC 5952 IPv6.
std::string format_ip(const IpAddress& ip);

// A CIDR prefix; the address has all host bits cleared.
struct Prefix {
  IpAddress address;
  int length = 0;

  bool contains(const IpAddress& ip) const;
  auto operator<=>(const Prefix&) const = default;
};

// Parse "a.b.c.d/n" or "x::/n"; a bare address is a host prefix. Host bits set → error.
Result<Prefix> parse_prefix(std::string_view text);
std::string format_prefix(const Prefix& prefix);
// Return the prefix of `length` bits containing `ip` (host bits cleared, length clamped to 0..bits).
// Inline, eight bytes at a time: GeoIP lookups call it once per answer (bench/geo_lookup.cpp), and
// byte-wise stores read back as one 16-byte Prefix stall the store forwarding.
inline Prefix prefix_of(const IpAddress& ip, int length) {
  const int len = length < 0 ? 0 : (length > ip.bits() ? ip.bits() : length);
  Prefix out{ip, len};
  for (int half = 0; half < 2; ++half) {
    const int kept = len - 64 * half;  // leading bits of this half inside the prefix
    std::uint64_t mask = kept <= 0 ? 0 : (kept >= 64 ? ~std::uint64_t{0} : ~std::uint64_t{0} << (64 - kept));
    if constexpr (std::endian::native == std::endian::little) mask = std::byteswap(mask);  // bytes are big-endian
    std::uint64_t bits = 0;
    std::memcpy(&bits, &out.address.bytes[static_cast<std::size_t>(8 * half)], 8);
    bits &= mask;
    std::memcpy(&out.address.bytes[static_cast<std::size_t>(8 * half)], &bits, 8);
  }
  return out;
}

// Return the smallest set of prefixes exactly covering [first, last] (same family, first <= last).
std::vector<Prefix> range_to_prefixes(const IpAddress& first, const IpAddress& last);

}  // namespace core
