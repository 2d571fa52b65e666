// Options shared by the subcommands that use them (DESIGN.md "Conventions"): --geoip, --rules,
// --resolver, --as-of, and the DNS knobs. One declaration each, so every subcommand spells and
// documents them the same way.
#pragma once

#include "app_context.hpp"
#include "core/audit_result.hpp"
#include "core/date.hpp"
#include "probe/dns.hpp"
#include "probe/http.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace app {

struct GeoipFlags {
  std::vector<std::string> paths;
};
struct DnsFlags {
  std::vector<std::string> resolvers;
  std::string timeout = "2s";
  int retries = 1;
  int concurrency = 256;
  double rate = 0;
  bool ptr = false;  // --ptr: ask PTR for every address
};

struct HttpsFlags {
  bool all_hosts = false;  // --https
  bool allow_private = false;
  std::string ca_file;
  int concurrency = 64;
  std::string timeout = "10s";
  std::string connect_timeout = "5s";
  std::vector<std::string> connect_to;
};

// Declare --geoip PATH (repeatable).
void add_geoip_option(CLI::App& cmd, GeoipFlags& flags);
// Declare --rules DIR (repeatable).
void add_rules_option(CLI::App& cmd, std::vector<std::string>& dirs);
// Declare --as-of DATE.
void add_as_of_option(CLI::App& cmd, std::string& as_of);
// Declare --resolver, --timeout, --retries, --concurrency, --rate, --ptr.
void add_dns_options(CLI::App& cmd, DnsFlags& flags);
// Declare --https, --allow-private, --ca-file, --https-concurrency, --https-timeout,
// --https-connect-timeout, --connect-to.
void add_https_options(CLI::App& cmd, HttpsFlags& flags);

// The databases to open: --geoip, else RESIDENCY_GEOIP, else the installed data, else the source
// tree's geoip/data/. With Need::required, finding none is an error saying how to get data.
enum class Need { required, optional };
core::Result<std::vector<std::filesystem::path>> locate_geoip(const GeoipFlags& flags, Need need, Context& ctx);
// Parse --as-of (empty: nullopt).
core::Result<std::optional<core::Date>> parse_as_of(const std::string& text);
// True when reports on stdout may use colour: --color always; or --color auto (the default), stdout
// a terminal and NO_COLOR unset or empty (https://no-color.org).
bool stdout_colour(const Context& ctx);
// With SARIF among `formats` (or a --sarif-root `flag`), and none set yet (a JSON report read back
// keeps its own): set the result's %SRCROOT% — the --sarif-root folder, else the git work tree
// holding the current folder, else the current folder — and the current folder. A --sarif-root
// that is not a folder is a usage error.
core::Result<void> set_source_root(core::AuditResult& result, const std::vector<std::string>& formats,
                                   const std::string& flag = "");
// Build DNS options from the flags (durations with units, servers IP[:PORT]).
core::Result<probe::DnsOptions> dns_options(const DnsFlags& flags);
// Build HTTPS probe options from the flags (durations, a readable --ca-file, --connect-to rules).
core::Result<probe::HttpsOptions> https_options(const HttpsFlags& flags);

}  // namespace app
