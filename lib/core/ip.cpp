// IP parsing and formatting on top of inet_pton/inet_ntop (which handle every IPv6 spelling),
// plus the range→CIDR decomposition the ASN importer needs.
#include "core/ip.hpp"

#include <arpa/inet.h>

#include <fmt/format.h>

#include <cstring>

namespace core {

namespace {

// Add 1 to a big-endian byte array of `n` bytes; return false on overflow.
bool increment(std::array<std::uint8_t, 16>& bytes, std::size_t n) {
  for (std::size_t i = n; i-- > 0;) {
    if (++bytes[i] != 0) return true;
  }
  return false;
}

IpAddress mask_to(const IpAddress& ip, int length) {
  IpAddress out = ip;
  for (int i = length; i < ip.bits(); ++i) {
    out.bytes[static_cast<std::size_t>(i / 8)] &= static_cast<std::uint8_t>(~(1u << (7 - i % 8)));
  }
  return out;
}

// The last address of the prefix of `length` that starts at `ip`.
IpAddress last_of(const IpAddress& ip, int length) {
  IpAddress out = ip;
  for (int i = length; i < ip.bits(); ++i) {
    out.bytes[static_cast<std::size_t>(i / 8)] |= static_cast<std::uint8_t>(1u << (7 - i % 8));
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
  return mask_to(ip, length) == address;
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

Prefix prefix_of(const IpAddress& ip, int length) {
  const int len = length < 0 ? 0 : (length > ip.bits() ? ip.bits() : length);
  return Prefix{mask_to(ip, len), len};
}

std::vector<Prefix> range_to_prefixes(const IpAddress& first, const IpAddress& last) {
  std::vector<Prefix> out;
  if (first.family != last.family || last < first) return out;
  const int bits = first.bits();
  const std::size_t nbytes = static_cast<std::size_t>(bits / 8);
  IpAddress cur = first;
  for (;;) {
    // Largest aligned block starting at cur that does not pass last.
    int len = bits;
    while (len > 0) {
      const int candidate = len - 1;
      if (mask_to(cur, candidate) != cur) break;
      if (last_of(cur, candidate) > last) break;
      len = candidate;
    }
    out.push_back({cur, len});
    IpAddress end = last_of(cur, len);
    if (end == last) break;
    cur = end;
    if (!increment(cur.bytes, nbytes)) break;
  }
  return out;
}

}  // namespace core
