// IP parsing and formatting on top of inet_pton/inet_ntop (which handle every IPv6 spelling),
// plus the range→CIDR decomposition the ASN importer needs.
#include "core/ip.hpp"

#include <arpa/inet.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace core {

namespace {

IpAddress mask_to(const IpAddress& ip, int length) {
  IpAddress out = ip;
  for (int i = length; i < ip.bits(); ++i) {
    out.bytes[static_cast<std::size_t>(i / 8)] &= static_cast<std::uint8_t>(~(1u << (7 - i % 8)));
  }
  return out;
}

}  // namespace

IpAddress IpAddress::to_v6_mapped() const {
  if (family == IpFamily::v6) return *this;
  IpAddress out;
  out.family = IpFamily::v6;
  out.bytes[10] = 0xff;
  out.bytes[11] = 0xff;
  std::memcpy(&out.bytes[12], bytes.data(), 4);
  return out;
}

bool IpAddress::is_v4_mapped() const {
  if (family != IpFamily::v6) return false;
  for (int i = 0; i < 10; ++i) {
    if (bytes[static_cast<std::size_t>(i)] != 0) return false;
  }
  return bytes[10] == 0xff && bytes[11] == 0xff;
}

Result<IpAddress> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > 45) return fail(ErrorCode::usage, "not an IP address", std::string(text));
  std::string s(text);
  IpAddress ip;
  if (s.find(':') == std::string::npos) {
    ip.family = IpFamily::v4;
    if (::inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) return ip;
  } else {
    ip.family = IpFamily::v6;
    if (::inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) return ip;
  }
  return fail(ErrorCode::usage, fmt::format("not an IP address: '{}'", text));
}

std::string format_ip(const IpAddress& ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(ip.family == IpFamily::v4 ? AF_INET : AF_INET6, ip.bytes.data(), buf, sizeof buf);
  return buf;
}

bool Prefix::contains(const IpAddress& ip) const {
  if (ip.family != address.family) return false;
  // mask_to(ip, length) == address, byte by byte and without a copy: special_use() and the
  // attribution ask it for every address against every row of their tables.
  const auto len = static_cast<std::size_t>(std::clamp(length, 0, ip.bits()));
  const std::size_t full = len / 8, rest = len % 8, used = static_cast<std::size_t>(ip.bits()) / 8;
  if (std::memcmp(ip.bytes.data(), address.bytes.data(), full) != 0) return false;
  std::size_t i = full;
  if (rest != 0) {
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    if ((ip.bytes[i] & mask) != address.bytes[i]) return false;  // also false when `address` has host bits
    ++i;
  }
  for (; i < used; ++i) {
    if (address.bytes[i] != 0) return false;
  }
  for (; i < ip.bytes.size(); ++i) {
    if (ip.bytes[i] != address.bytes[i]) return false;
  }
  return true;
}

Result<Prefix> parse_prefix(std::string_view text) {
  auto slash = text.find('/');
  auto ip = parse_ip(text.substr(0, slash));
  if (!ip) return fail(ErrorCode::data, fmt::format("not a CIDR prefix: '{}'", text));
  Prefix p{*ip, ip->bits()};
  if (slash != std::string_view::npos) {
    auto len_text = text.substr(slash + 1);
    int len = 0;
    if (len_text.empty() || len_text.size() > 3) return fail(ErrorCode::data, fmt::format("bad prefix length in '{}'", text));
    for (char c : len_text) {
      if (c < '0' || c > '9') return fail(ErrorCode::data, fmt::format("bad prefix length in '{}'", text));
      len = len * 10 + (c - '0');
    }
    if (len > ip->bits()) return fail(ErrorCode::data, fmt::format("prefix length {} too long in '{}'", len, text));
    p.length = len;
  }
  if (mask_to(p.address, p.length) != p.address) {
    return fail(ErrorCode::data, fmt::format("host bits set in prefix '{}'", text));
  }
  return p;
}

std::string format_prefix(const Prefix& prefix) {
  return fmt::format("{}/{}", format_ip(prefix.address), prefix.length);
}

namespace {

__extension__ typedef unsigned __int128 U128;  // GCC extension; -Wpedantic wants the marker

U128 to_u128(const IpAddress& ip) {
  U128 v = 0;
  for (int i = 0; i < ip.bits() / 8; ++i) v = (v << 8) | ip.bytes[static_cast<std::size_t>(i)];
  return v;
}

IpAddress from_u128(U128 v, IpFamily family) {
  IpAddress ip;
  ip.family = family;
  for (int i = ip.bits() / 8; i-- > 0;) {
    ip.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v & 0xFF);
    v >>= 8;
  }
  return ip;
}

int trailing_zeros(U128 v) {
  const auto low = static_cast<std::uint64_t>(v);
  if (low != 0) return __builtin_ctzll(low);
  const auto high = static_cast<std::uint64_t>(v >> 64);
  return high != 0 ? 64 + __builtin_ctzll(high) : 128;
}

int floor_log2(U128 v) {  // v > 0
  const auto high = static_cast<std::uint64_t>(v >> 64);
  if (high != 0) return 127 - __builtin_clzll(high);
  return 63 - __builtin_clzll(static_cast<std::uint64_t>(v));
}

}  // namespace

// Greedy on 128-bit integers: at each step take the largest block that is aligned at `cur`
// (trailing zero bits) and does not pass `last` (floor(log2(last - cur + 1))).
std::vector<Prefix> range_to_prefixes(const IpAddress& first, const IpAddress& last) {
  std::vector<Prefix> out;
  if (first.family != last.family || last < first) return out;
  const int bits = first.bits();
  U128 cur = to_u128(first);
  const U128 end = to_u128(last);
  for (;;) {
    const U128 diff = end - cur;  // number of addresses left, minus one
    const int fit = diff == ~U128{0} ? 128 : floor_log2(diff + 1);
    const int k = std::min({trailing_zeros(cur), fit, bits});
    out.push_back({from_u128(cur, first.family), bits - k});
    const U128 block_last = k == 128 ? ~U128{0} : cur + ((U128{1} << k) - 1);
    if (block_last == end) break;
    cur = block_last + 1;
  }
  return out;
}

}  // namespace core
