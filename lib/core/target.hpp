// Targets (what an audit looks at), severities and verdicts: the vocabulary of findings.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace core {

enum class TargetKind { host, url, ip, mail_domain, cloud_resource };

std::string_view to_string(TargetKind kind);
std::optional<TargetKind> parse_target_kind(std::string_view text);

// Where something was declared, so SARIF and error messages can point at it.
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown

  // "file:line:column", dropping the parts that are unknown.
  std::string to_string() const;
  auto operator<=>(const SourceLocation&) const = default;
};

struct Target {
  std::string id;
  TargetKind kind = TargetKind::host;
  std::string value;                        // host name, URL, IP, mail domain
  std::string host;                         // what to resolve: the host of a URL (IPv6 without
                                            // brackets), else the value; empty for cloud resources
  std::map<std::string, std::string> tags;  // e.g. classification → health
  bool https = false;                       // host targets: probe https://HOST/ too (`https: true`)
  // For cloud resources: the declared provider, region and service.
  std::string provider;
  std::string region;
  std::string service;
  // Declared TLS terminators (manifest `tls_terminated_by`): "origin" or provider ids; empty
  // when not declared. A declared fact, never an observation.
  std::vector<std::string> tls_terminated_by;
  SourceLocation declared_at;
  bool credentials_dropped = false;  // the URL as written carried userinfo, removed from value and id
  // Where the ids the rules must know were written: "provider", "region", "offer",
  // "tls_terminated_by" → file:line:column (checked against the rule packs before probing).
  std::map<std::string, SourceLocation> declared_fields;

  bool operator==(const Target&) const = default;
};

enum class Severity : std::uint8_t { info, low, medium, high, critical };  // a byte: one per finding
std::string_view to_string(Severity severity);
std::optional<Severity> parse_severity(std::string_view text);

enum class Verdict : std::uint8_t { pass, fail, unknown, waived };
std::string_view to_string(Verdict verdict);

}  // namespace core
