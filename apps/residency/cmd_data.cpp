// `residency data update` and `residency data status`: thin CLI over lib/update. update picks the
// data folder in use (--geoip DIR, $RESIDENCY_GEOIP, the installed data, else geoip/data/ of the
// source tree) and the sources file, runs update::run_update and prints one line per source
// (stdout), warnings on stderr, progress on a TTY. status prints every data source behind the
// databases in use with its date and age on the as-of date, as text or JSON.
#include "app_context.hpp"
#include "common_options.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "geo/data_age.hpp"
#include "update/status.hpp"
#include "update/update.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <tuple>

namespace app {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

struct UpdateFlags {
  std::string geoip, sources, ca_file;
  std::vector<std::string> only, kinds, mirrors, urls;
  std::string connect_timeout = "10s", timeout = "5m", stall_timeout = "30s";
  int retries = 2;
  bool dry_run = false, force = false;
};

struct StatusFlags {
  GeoipFlags geoip;
  std::string as_of, format = "text";
  int max_age = geo::k_default_max_data_age_days;
  bool fail_on_stale = false;
};

constexpr const char* k_update_footer =
    "Exit codes: 0 updated or already up to date (sources a mirror lacks are skipped with a warning);\n"
    "2 a source was refused (a guard fired, it does not parse, or its integrity differs from the pin),\n"
    "its official URL answered an HTTP error such as 404, or a usage/configuration error; 3 a source\n"
    "could not be downloaded (timeout, unreachable, TLS, HTTP 429/5xx). Unless the exit code is 0,\n"
    "nothing is written: the installed databases stay as they are.";

// The data folder to update: --geoip, else $RESIDENCY_GEOIP, else the installed data, else the
// source tree's geoip/data/.
core::Result<fs::path> data_folder(const UpdateFlags& f) {
  std::string chosen = f.geoip;
  if (chosen.empty()) {
    if (const char* env = std::getenv("RESIDENCY_GEOIP"); env != nullptr && *env != '\0') chosen = env;
  }
  if (!chosen.empty()) {
    std::error_code ec;
    if (fs::exists(chosen, ec) && !fs::is_directory(chosen, ec)) {
      return core::fail(core::ErrorCode::usage,
                        fmt::format("'{}' is a file; data update needs the data folder", chosen));
    }
    return fs::path(chosen);
  }
  std::error_code ec;
  if (fs::is_directory(installed_data_dir() / "geoip", ec)) return installed_data_dir() / "geoip";
  return source_data_dir() / "geoip" / "data";
}

fs::path sources_file(const UpdateFlags& f) {
  if (!f.sources.empty()) return f.sources;
  std::error_code ec;
  const fs::path tree = source_data_dir() / "geoip" / "sources.yaml";
  if (fs::exists(tree, ec)) return tree;
  return installed_data_dir() / "sources.yaml";
}

core::Result<int> duration(const std::string& text, const char* option) {
  auto ms = core::parse_duration_ms(text);
  if (!ms || *ms <= 0) {
    return core::fail(core::ErrorCode::usage,
                      fmt::format("{} '{}': expected a duration with a unit, e.g. 10s or 5m", option, text));
  }
  return static_cast<int>(*ms);
}

std::string now_utc() {
  return core::format_utc(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

core::Result<update::UpdateOptions> update_options(const UpdateFlags& f) {
  update::UpdateOptions o;
  auto dir = data_folder(f);
  if (!dir) return std::unexpected(dir.error());
  o.data_dir = *dir;
  o.sources_file = sources_file(f);
  o.only = f.only;
  o.kinds = f.kinds;
  o.mirrors = f.mirrors;
  for (const auto& u : f.urls) {
    const auto eq = u.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == u.size()) {
      return core::fail(core::ErrorCode::usage, fmt::format("--url '{}': expected ID=URL, e.g. azure=https://…", u));
    }
    o.urls[u.substr(0, eq)] = u.substr(eq + 1);
  }
  o.dry_run = f.dry_run;
  o.force = f.force;
  o.fetch.ca_file = f.ca_file;
  o.fetch.retries = f.retries;
  for (auto [text, option, target] : {std::tuple{&f.connect_timeout, "--connect-timeout", &o.fetch.connect_timeout_ms},
                                      std::tuple{&f.timeout, "--timeout", &o.fetch.timeout_ms},
                                      std::tuple{&f.stall_timeout, "--stall-timeout", &o.fetch.stall_timeout_ms}}) {
    auto ms = duration(*text, option);
    if (!ms) return std::unexpected(ms.error());
    *target = *ms;
  }
  o.now = now_utc();
  return o;
}

// Byte progress of the current download on a TTY (after 1 s, at most 10 redraws a second).
struct ByteProgress {
  bool enabled = false;
  std::string id;
  std::chrono::steady_clock::time_point start, last;
  bool drawn = false;

  void begin(const std::string& source) {
    clear();
    id = source;
    start = std::chrono::steady_clock::now();
  }
  void update(std::uint64_t received, std::uint64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (!enabled || now - start < std::chrono::seconds(1) || now - last < std::chrono::milliseconds(100)) return;
    last = now;
    const std::string of = total > 0 ? fmt::format(" of {:.1f}", static_cast<double>(total) / 1048576.0) : "";
    const std::string line = fmt::format("\r  {}: {:.1f}{} MiB   ", id, static_cast<double>(received) / 1048576.0, of);
    std::fwrite(line.data(), 1, line.size(), stderr);
    drawn = true;
  }
  void clear() {
    if (drawn) std::fputs("\r\033[K", stderr);
    drawn = false;
  }
};

void run_data_update(const UpdateFlags& f, Context& ctx) {
  auto o = update_options(f);
  if (!o) return ctx.fail(o.error());
  auto progress = std::make_shared<ByteProgress>();
  progress->enabled = ctx.diag.is_tty() && !ctx.quiet;
  o->on_source = [progress](const std::string& id) { progress->begin(id); };
  o->fetch.progress = [progress](std::uint64_t received, std::uint64_t total) { progress->update(received, total); };
  ctx.diag.info("data update: folder {}, sources {}", o->data_dir.string(), o->sources_file.string());
  auto report = update::run_update(*o, ctx.diag);
  progress->clear();
  if (!report) return ctx.fail(report.error());
  for (const auto& s : report->sources) {
    std::cout << fmt::format("{}: {}: {}\n", s.id, update::to_string(s.state), s.message);
  }
  for (const auto& w : report->warnings) ctx.diag.warning("{}", w);
  const char* verb = o->dry_run ? "would write" : "wrote";
  for (const auto& file : report->written) std::cout << fmt::format("{} {}\n", verb, (o->data_dir / file).string());
  if (report->exit_code == 0 && report->written.empty()) {
    std::cout << fmt::format("{}: nothing to write\n", o->data_dir.string());
  } else if (report->exit_code != 0) {
    std::cout << std::flush;  // the per-source lines first, then why nothing was written
    ctx.diag.error("data update: nothing written; the databases in {} are unchanged", o->data_dir.string());
  }
  ctx.exit_code = report->exit_code;
}

Json source_json(const update::StatusRow& row) {
  const auto& s = row.source;
  Json j{{"name", s.name},
         {"kind", s.kind},
         {"url", s.url},
         {"date", s.date ? Json(s.date->to_string()) : Json(nullptr)},
         {"age_days", s.age_days ? Json(*s.age_days) : Json(nullptr)},
         {"sha256", s.sha256},
         {"database", s.database},
         {"serial", s.serial},
         {"stale", s.stale}};
  j["fetched_at"] = row.fetched_at;
  j["fetched_from"] = row.fetched_from;
  return j;
}

void print_status(const update::StatusReport& r, const std::string& format) {
  if (format == "json") {
    Json doc{{"as_of", r.as_of.to_string()}, {"max_data_age_days", r.max_age_days}, {"databases", Json::array()}};
    for (const auto& db : r.databases) {
      Json d{{"file", db.file}, {"type", db.type}, {"built", db.built}, {"data_sources", Json::array()}};
      for (const auto& s : db.sources) d["data_sources"].push_back(source_json(s));
      doc["databases"].push_back(std::move(d));
    }
    doc["stale"] = r.stale;
    std::cout << core::dump_json(doc) << '\n';
    return;
  }
  std::cout << fmt::format("data sources as of {} (--max-data-age {})\n", r.as_of.to_string(), r.max_age_days);
  for (const auto& db : r.databases) {
    std::cout << fmt::format("{}  {}, built {}\n", db.file, db.type, db.built);
    for (const auto& row : db.sources) {
      const auto& s = row.source;
      std::string line = fmt::format(
          "  {:<44} {}", s.name,
          s.date ? fmt::format("{}  {:>4} days{}", s.date->to_string(), *s.age_days, s.stale ? "  STALE" : "")
                 : "undated (the feed carries no date)");
      if (!s.serial.empty()) line += fmt::format("  serial {}", s.serial);
      if (!row.fetched_at.empty()) line += fmt::format("  fetched {} from {}", row.fetched_at, row.fetched_from);
      std::cout << line << '\n';
    }
  }
}

void run_data_status(const StatusFlags& f, Context& ctx) {
  if (f.format != "text" && f.format != "json") {
    return ctx.fail({core::ErrorCode::usage, fmt::format("--format '{}': expected text or json", f.format), ""});
  }
  auto as_of = parse_as_of(f.as_of);
  if (!as_of) return ctx.fail(as_of.error());
  auto files = locate_geoip(f.geoip, Need::required, ctx);
  if (!files) return ctx.fail(files.error());
  auto report = update::data_status(*files, as_of->value_or(core::today_utc()), f.max_age);
  if (!report) return ctx.fail(report.error());
  print_status(*report, f.format);
  for (const auto& w : report->warnings) ctx.diag.warning("{}", w);
  if (report->stale && f.fail_on_stale) ctx.exit_code = k_exit_incomplete;
}

}  // namespace

void add_data_commands(CLI::App& data, Context& ctx) {
  auto u = std::make_shared<UpdateFlags>();
  auto* up = data.add_subcommand("update", "Download the data sources, check them, rebuild the databases");
  up->add_option("--geoip", u->geoip,
                 "The data folder to update (default: $RESIDENCY_GEOIP, the installed data, then geoip/data/)");
  up->add_option("--sources", u->sources, "The sources file (default: geoip/sources.yaml, or the installed one)");
  up->add_option("--source", u->only, "Update only this source id (repeatable, or comma-separated)")->delimiter(',');
  up->add_option("--kind", u->kinds, "Update only sources of this kind: provider-feed, registry, geolocation, asn")
      ->delimiter(',');
  up->add_option("--mirror", u->mirrors,
                 "A folder or base URL holding the upstream file names (repeatable: tried in order)");
  up->add_option("--url", u->urls, "ID=URL: fetch this source from URL instead of its official URL (repeatable)");
  up->add_option("--ca-file", u->ca_file, "Trust the CA certificates in this PEM file (TLS verification stays on)");
  up->add_option("--connect-timeout", u->connect_timeout, "Connect timeout, with a unit")->capture_default_str();
  up->add_option("--timeout", u->timeout, "Whole-download timeout per attempt, with a unit")->capture_default_str();
  up->add_option("--stall-timeout", u->stall_timeout, "Give up when no byte arrives for this long")
      ->capture_default_str();
  up->add_option("--retries", u->retries, "Retries after a timeout, an unreachable host, HTTP 429 or 5xx")
      ->capture_default_str()
      ->check(CLI::Range(0, 10));
  up->add_flag("--dry-run", u->dry_run, "Fetch and check, but write nothing");
  up->add_flag("--force", u->force,
               "Accept a feed a sanity guard refused (shrink, wide prefix, older, size), with a warning");
  up->footer(k_update_footer);
  up->callback([u, &ctx] { run_data_update(*u, ctx); });

  auto s = std::make_shared<StatusFlags>();
  auto* st = data.add_subcommand("status", "Print each data source with its date and age");
  add_geoip_option(*st, s->geoip);
  add_as_of_option(*st, s->as_of);
  st->add_option("--max-data-age", s->max_age, "Warn about data sources older than this many days")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  st->add_flag("--fail-on-stale-data", s->fail_on_stale, "Exit 3 when a data source is older than --max-data-age");
  st->add_option("--format", s->format, "text or json")->capture_default_str();
  st->footer(
      "Exit codes:\n"
      "  0  the data sources were listed (stale ones are warned about)\n"
      "  2  usage error, or a database that cannot be read\n"
      "  3  with --fail-on-stale-data: a data source is older than --max-data-age\n");
  st->callback([s, &ctx] { run_data_status(*s, ctx); });
}

}  // namespace app
