// The shared options: declarations with one help text each, and their parsing into library
// options (durations with units, resolver addresses, GeoIP locations).
#include "common_options.hpp"

#include "core/text.hpp"
#include "geo/locate.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <tuple>

namespace app {

void add_geoip_option(CLI::App& cmd, GeoipFlags& flags) {
  cmd.add_option("--geoip", flags.paths,
                 "GeoIP database file or folder of *.mmdb (repeatable; default: $RESIDENCY_GEOIP, the installed "
                 "data, then geoip/data/)");
}

void add_rules_option(CLI::App& cmd, std::vector<std::string>& dirs) {
  cmd.add_option("--rules", dirs, "Folder of extra rule packs (repeatable; later folders override by id)");
}

void add_as_of_option(CLI::App& cmd, std::string& as_of) {
  cmd.add_option("--as-of", as_of, "Judge certifications and adequacy on this date (YYYY-MM-DD; default: today)");
}

void add_dns_options(CLI::App& cmd, DnsFlags& flags) {
  cmd.add_option("--resolver", flags.resolvers,
                 "DNS resolver IP[:PORT] (repeatable: a SERVFAIL or timeout is asked again of the next; default: "
                 "/etc/resolv.conf)");
  cmd.add_option("--timeout", flags.timeout, "DNS timeout per try, with a unit (500ms, 2s)")->capture_default_str();
  cmd.add_option("--retries", flags.retries, "DNS retries after the first try")->capture_default_str()->check(CLI::Range(0, 10));
  cmd.add_option("--concurrency", flags.concurrency, "DNS queries in flight")->capture_default_str()->check(CLI::Range(1, 65536));
  cmd.add_option("--rate", flags.rate, "DNS queries per second (0: unlimited)")->capture_default_str()->check(CLI::Range(0.0, 1e9));
  cmd.add_flag("--ptr", flags.ptr, "Ask PTR for every address (also done when a policy reads dns.ptr)");
}

void add_https_options(CLI::App& cmd, HttpsFlags& flags) {
  cmd.add_flag("--https", flags.all_hosts,
               "Probe https://HOST/ for every host target too (url targets and `https: true` hosts always are)");
  cmd.add_flag("--allow-private", flags.allow_private,
               "Let the HTTPS probe connect to loopback, private, link-local and other special-use addresses "
               "(refused by default, also when a name resolves to one)");
  cmd.add_option("--ca-file", flags.ca_file, "Trust the CA certificates in this PEM file instead of the system store");
  cmd.add_option("--https-concurrency", flags.concurrency, "HTTPS connections in flight")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  cmd.add_option("--https-timeout", flags.timeout, "Time limit of one HTTPS probe of one address, with a unit")
      ->capture_default_str();
  cmd.add_option("--https-connect-timeout", flags.connect_timeout,
                 "Time limit of the TCP connection and TLS handshake, with a unit")
      ->capture_default_str();
  cmd.add_option("--connect-to", flags.connect_to,
                 "IP:PORT:IP2:PORT2 (IPv6 in brackets): connect to IP2:PORT2 when the probe would connect to "
                 "IP:PORT; the recorded and attributed address stays IP (repeatable; for tests and tunnels)");
}

core::Result<std::vector<std::filesystem::path>> locate_geoip(const GeoipFlags& flags, Need need, Context& ctx) {
  geo::LocateInput input;
  input.explicit_paths.assign(flags.paths.begin(), flags.paths.end());
  if (const char* env = std::getenv("RESIDENCY_GEOIP"); env != nullptr && *env != '\0') input.env_value = env;
  input.default_folders = {installed_data_dir() / "geoip", source_data_dir() / "geoip" / "data"};
  auto located = geo::locate_databases(input);
  if (!located) return std::unexpected(located.error());
  if (located->files.empty()) {
    const std::string msg = fmt::format(
        "no GeoIP database found (no --geoip, RESIDENCY_GEOIP unset, and no *.mmdb in {}); run "
        "scripts/fetch-geoip.sh to fetch the default data, or pass --geoip PATH",
        fmt::join(located->looked_in, " or "));
    if (need == Need::required) return core::fail(core::ErrorCode::config, msg);
    ctx.diag.warning("{}; locations will be unknown", msg);
    return located->files;
  }
  ctx.diag.info("using {} GeoIP database(s) from {}", located->files.size(), located->origin);
  return located->files;
}

core::Result<std::optional<core::Date>> parse_as_of(const std::string& text) {
  if (text.empty()) return std::optional<core::Date>{};
  auto d = core::parse_date(text);
  if (!d) return core::fail(core::ErrorCode::usage, "--as-of: " + d.error().message);
  return std::optional<core::Date>{*d};
}

core::Result<probe::DnsOptions> dns_options(const DnsFlags& flags) {
  probe::DnsOptions o;
  for (const auto& r : flags.resolvers) {
    auto s = probe::parse_server(r);
    if (!s) return core::fail(core::ErrorCode::usage, fmt::format("--resolver '{}': {}", r, s.error().message));
    o.servers.push_back(*s);
  }
  auto ms = core::parse_duration_ms(flags.timeout);
  if (!ms || *ms <= 0) {
    return core::fail(core::ErrorCode::usage, fmt::format("--timeout '{}': expected a duration with a unit, e.g. 500ms or 2s", flags.timeout));
  }
  o.timeout_ms = static_cast<int>(*ms);
  o.retries = flags.retries;
  o.concurrency = flags.concurrency;
  o.rate_qps = flags.rate;
  return o;
}

// The folder SARIF locations are relative to: --sarif-root, else the git work tree holding the
// current folder, else the current folder. A --sarif-root that is not a folder is a usage error.
namespace {

core::Result<std::filesystem::path> sarif_root(const std::string& flag) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!flag.empty()) {
    if (!fs::is_directory(flag, ec)) {
      return core::fail(core::ErrorCode::usage, "--sarif-root: expected an existing folder", flag);
    }
    return fs::absolute(flag, ec).lexically_normal();
  }
  std::string top;
  if (FILE* pipe = ::popen("git rev-parse --show-toplevel 2>/dev/null", "r")) {
    char buf[4096];
    while (std::fgets(buf, sizeof buf, pipe) != nullptr) top += buf;
    if (::pclose(pipe) != 0) top.clear();
  }
  while (!top.empty() && (top.back() == '\n' || top.back() == '\r')) top.pop_back();
  if (!top.empty() && fs::is_directory(top, ec)) return fs::path(top);
  return fs::current_path(ec);
}

}  // namespace

core::Result<void> set_source_root(core::AuditResult& result, const std::vector<std::string>& formats,
                                   const std::string& flag) {
  if (!result.source_root.empty()) return {};
  if (flag.empty() && std::find(formats.begin(), formats.end(), "sarif") == formats.end()) return {};
  auto root = sarif_root(flag);
  if (!root) return std::unexpected(root.error());
  std::error_code ec;
  result.source_root = root->string();
  result.working_dir = std::filesystem::current_path(ec).string();
  return {};
}

bool stdout_colour(const Context& ctx) {
  if (ctx.colour == "always") return true;
  if (ctx.colour != "auto") return false;
  const char* no_colour = std::getenv("NO_COLOR");
  return ::isatty(STDOUT_FILENO) == 1 && (no_colour == nullptr || *no_colour == '\0');
}

core::Result<probe::HttpsOptions> https_options(const HttpsFlags& flags) {
  probe::HttpsOptions o;
  o.allow_private = flags.allow_private ? probe::AllowPrivate::yes : probe::AllowPrivate::no;
  o.concurrency = flags.concurrency;
  for (const auto& [name, text, out] :
       {std::tuple{"--https-timeout", flags.timeout, &o.timeout_ms},
        std::tuple{"--https-connect-timeout", flags.connect_timeout, &o.connect_timeout_ms}}) {
    auto ms = core::parse_duration_ms(text);
    if (!ms || *ms <= 0 || *ms > 600000) {
      return core::fail(
          core::ErrorCode::usage,
          fmt::format("{} '{}': expected a duration with a unit up to 10m, e.g. 500ms or 5s", name, text));
    }
    *out = static_cast<int>(*ms);
  }
  if (!flags.ca_file.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(flags.ca_file, ec)) {
      return core::fail(core::ErrorCode::usage, fmt::format("--ca-file '{}': no such file; expected a PEM file of CA "
                                                            "certificates",
                                                            flags.ca_file));
    }
    o.ca_file = flags.ca_file;
  }
  for (const auto& c : flags.connect_to) {
    auto rule = probe::parse_connect_to(c);
    if (!rule) {
      return core::fail(core::ErrorCode::usage,
                        fmt::format("--connect-to '{}': {}; expected IP:PORT:IP2:PORT2", c, rule.error().message));
    }
    o.connect_to.push_back(*rule);
  }
  o.user_agent = "residency/" RESIDENCY_VERSION;
  return o;
}

}  // namespace app
