// probe::wire: a small, checked reader of DNS answers (RFC 1035 wire format). Every byte of an
// answer is untrusted: reads are bounds-checked, compression pointers may only point backwards
// and are bounded, and a malformed message is an error, never a crash.
#pragma once

#include "core/error.hpp"
#include "core/ip.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace probe::wire {

// Record types the probe reads.
inline constexpr std::uint16_t k_type_a = 1;
inline constexpr std::uint16_t k_type_ns = 2;
inline constexpr std::uint16_t k_type_cname = 5;
inline constexpr std::uint16_t k_type_soa = 6;
inline constexpr std::uint16_t k_type_ptr = 12;
inline constexpr std::uint16_t k_type_mx = 15;
inline constexpr std::uint16_t k_type_aaaa = 28;

// Response codes.
inline constexpr int k_rcode_noerror = 0;
inline constexpr int k_rcode_servfail = 2;
inline constexpr int k_rcode_nxdomain = 3;
inline constexpr int k_rcode_refused = 5;

// One resource record of class IN. Names are lower-case, without the trailing dot.
struct Record {
  std::string owner;
  std::uint16_t type = 0;
  std::uint32_t ttl = 0;
  std::string target;           // CNAME, NS, PTR target; MX exchange; SOA primary name server
  std::uint16_t preference = 0; // MX only
  core::IpAddress ip;           // A and AAAA only
};

struct Message {
  int rcode = 0;
  bool truncated = false;
  std::vector<Record> answers;    // answer section (records of other classes/types skipped)
  std::vector<Record> authority;  // authority section
};

// Parse a whole DNS response; records of types the probe does not read are skipped.
core::Result<Message> parse_message(std::span<const std::uint8_t> bytes);

// Return the DNS name of `ip` under in-addr.arpa or ip6.arpa (no trailing dot).
std::string reverse_name(const core::IpAddress& ip);

// Lower-case a host name and drop one trailing dot.
std::string normalise_name(std::string_view name);

}  // namespace probe::wire
