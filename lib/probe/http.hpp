// probe::probe_https: the HTTPS probe. One event loop (libcurl's multi interface, driven by its
// socket and timer callbacks and poll(), like the DNS loop) keeps many transfers in flight, one
// per (URL, address): every address DNS found is connected to, pinned (the address tested is the
// address attributed), the TLS handshake completed and verified, and a HEAD sent (GET when HEAD
// is refused, body capped and discarded). Per address it records the certificate chain, the TLS
// version and cipher, the HTTP version, status and headers (capped) and the timings. Redirects
// are not followed by libcurl: each hop is resolved, guarded and probed like the first.
// Every outcome (timeout, refused by the SSRF guard, failed verification, …) is data.
#pragma once

#include "core/error.hpp"
#include "core/ip.hpp"
#include "probe/dns.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace probe {

// Whether the SSRF guard lets connections reach special-use addresses (loopback, private,
// link-local, CGNAT, ULA, multicast, reserved, relays; core/special_ip.hpp).
enum class AllowPrivate { no, yes };

// Return why the guard refuses to connect to `ip` (a sentence that names --allow-private), or
// nullopt when the connection may go ahead.
std::optional<std::string> guard_refusal(const core::IpAddress& ip, AllowPrivate allow);

// The outcome of one connection.
enum class HttpsStatus {
  ok,             // an HTTP response arrived (any status code)
  refused,        // the SSRF guard refused the address; nothing was sent
  timeout,        // no TCP connection, TLS handshake or response within the timeouts
  unreachable,    // the connection was refused or the network is unreachable
  tls_error,      // the TLS handshake failed (protocol, alert)
  verify_failed,  // the certificate did not verify (expired, wrong name, unknown CA, …)
  http_error,     // the response was malformed or too large
  invalid,        // the URL cannot be probed (scheme, syntax)
};
std::string_view to_string(HttpsStatus status);
std::optional<HttpsStatus> parse_https_status(std::string_view text);

// One certificate as the server sent it. Text fields come from the peer and are sanitised.
struct Certificate {
  std::string subject;              // RFC 2253, e.g. "CN=portal.example.fr"
  std::string issuer;               // RFC 2253
  std::string issuer_organisation;  // the issuer's O, e.g. "Amazon"
  std::string issuer_country;       // the issuer's C, e.g. "US"
  std::vector<std::string> sans;    // "DNS:name" and "IP:address" entries
  std::string not_before;           // ISO 8601 UTC
  std::string not_after;
  std::string key_type;  // RSA, EC, Ed25519, …
  int key_bits = 0;
  std::string signature;  // signature algorithm, e.g. "sha256WithRSAEncryption"
  std::string serial;     // hex
  std::string sha256;     // fingerprint of the DER, hex

  auto operator<=>(const Certificate&) const = default;
};

struct HttpHeader {
  std::string name;  // lower-case
  std::string value;

  auto operator<=>(const HttpHeader&) const = default;
};

// Microseconds from the start of the transfer.
struct HttpsTimings {
  std::int64_t connect_us = 0;     // TCP connected
  std::int64_t tls_us = 0;         // TLS handshake done
  std::int64_t first_byte_us = 0;  // first response byte
  std::int64_t total_us = 0;

  auto operator<=>(const HttpsTimings&) const = default;
};

// One connection to one address of one URL.
struct HttpsEndpoint {
  core::IpAddress address;  // the address DNS gave (the one attributed)
  std::uint16_t port = 443;
  std::string connected_to;  // "IP:PORT" when --connect-to sent the connection elsewhere
  HttpsStatus status = HttpsStatus::timeout;
  std::string detail;       // why, when not ok; "" otherwise
  std::string method;       // HEAD, or GET when HEAD was refused
  std::string tls_version;  // e.g. "TLSv1.3"; empty for plain HTTP or no handshake
  std::string tls_cipher;
  bool verified = false;           // the chain and the name verified
  std::string verify_error;        // why not, e.g. "certificate has expired"
  std::string verify_code;         // expired, not-yet-valid, name-mismatch, untrusted, failed; "" when verified
  std::vector<Certificate> chain;  // leaf first, as sent
  std::string http_version;        // "HTTP/1.1", "HTTP/2"
  int status_code = 0;
  std::vector<HttpHeader> headers;  // in order, capped
  bool headers_truncated = false;   // more header bytes came than the cap
  std::string redirect;             // absolute URL of a 3xx Location
  HttpsTimings timings;
  std::string time;  // ISO 8601 UTC start

  auto operator<=>(const HttpsEndpoint&) const = default;
};

// One URL probed at each of its addresses: the target URL, or a redirect hop.
struct HttpsHop {
  std::string url;
  std::string host;                      // the host name resolved (or the IP literal)
  int depth = 0;                         // redirects followed to get here
  std::string from;                      // the hop URL that redirected here ("" for the first)
  std::string problem;                   // why no endpoint was probed (e.g. "dns nxdomain"); "" otherwise
  std::vector<HttpsEndpoint> endpoints;  // in address order

  auto operator<=>(const HttpsHop&) const = default;
};

// A target URL and every hop of its redirects.
struct HttpsChain {
  std::string url;             // as requested (the recording's key)
  std::vector<HttpsHop> hops;  // hops[0] is the URL itself
  std::string stopped;         // why redirects were not followed further; "" when none was left

  auto operator<=>(const HttpsChain&) const = default;
};

// --connect-to FROM_IP:FROM_PORT:TO_IP:TO_PORT (IPv6 in brackets): connect to TO whenever the
// probe would connect to FROM. The operator's address, like --resolver: not guarded.
struct ConnectTo {
  core::IpAddress from;
  std::uint16_t from_port = 443;
  core::IpAddress to;
  std::uint16_t to_port = 443;

  auto operator<=>(const ConnectTo&) const = default;
};
core::Result<ConnectTo> parse_connect_to(std::string_view text);
std::string format_endpoint(const core::IpAddress& ip, std::uint16_t port);  // "1.2.3.4:443", "[::1]:443"

struct HttpsOptions {
  int concurrency = 64;           // transfers in flight
  int connect_timeout_ms = 5000;  // TCP connection and TLS handshake
  int timeout_ms = 10000;         // whole transfer
  std::string ca_file;            // trust these CAs instead of the system store
  AllowPrivate allow_private = AllowPrivate::no;
  std::vector<ConnectTo> connect_to;
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_body_bytes = 64 * 1024;
  int max_redirects = 5;
  std::string user_agent = "residency";
};

// A URL to probe and the addresses DNS found for its host (or the IP literal); `problem` says
// why there are none.
struct HttpsTarget {
  std::string url;
  std::vector<core::IpAddress> addresses;
  std::string problem;
};

// Resolve the host names of redirect hops (one batch per round of redirects).
using HopResolver = std::function<core::Result<std::vector<DnsResult>>(const std::vector<std::string>& names)>;
// Called after each connection completes with (done, started so far).
using HttpsProgress = std::function<void(std::size_t, std::size_t)>;

struct HttpsRun {
  std::vector<HttpsChain> chains;  // in target order
  std::vector<DnsResult> hop_dns;  // the answers `resolve` gave for hop names
};

// Probe every target and follow redirects (at most options.max_redirects, http and https only).
// Fails only when the options are unusable (curl cannot start, a bad concurrency).
core::Result<HttpsRun> probe_https(const HttpsOptions& options, const std::vector<HttpsTarget>& targets,
                                   const HopResolver& resolve, const HttpsProgress& progress = {});

}  // namespace probe
