// `residency geoip info DB…` and `residency geoip lookup IP…`: thin CLI over lib/geo.
// info prints each database's metadata and recognised schema; lookup locates the databases
// (--geoip, RESIDENCY_GEOIP, installed data, source tree), opens them all, and prints every
// database's answer for every address with its provenance (file, type, build date), as text
// (one line per database) or JSON (each record's fields exactly as stored).
#include "app_context.hpp"

#include "core/date.hpp"
#include "core/ip.hpp"
#include "core/json_text.hpp"
#include "geo/locate.hpp"
#include "geo/mmdb_reader.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>

namespace app {

namespace {

using Json = nlohmann::ordered_json;

struct InfoOptions {
  std::vector<std::string> paths;
  std::string format = "text";
};

struct LookupOptions {
  std::vector<std::string> ips;
  std::vector<std::string> geoip;
  std::string format = "text";
};

std::string dump(const Json& json) { return core::dump_json(json); }

std::string ip_versions(int ip_version) { return ip_version == 6 ? "IPv4, IPv6" : "IPv4"; }

Json provenance_json(const geo::DatabaseInfo& info) {
  return Json{{"path", info.path},
              {"database_type", info.database_type},
              {"schema", geo::to_string(info.schema)},
              {"build_date", core::format_utc(static_cast<long long>(info.build_epoch))}};
}

Json info_json(const geo::DatabaseInfo& info) {
  Json j = provenance_json(info);
  j["schema_basis"] = geo::to_string(info.schema_basis);
  j["build_epoch"] = info.build_epoch;
  j["node_count"] = info.node_count;
  j["record_size"] = info.record_size;
  j["ip_version"] = info.ip_version;
  j["ip_versions"] = info.ip_version == 6 ? Json::array({"IPv4", "IPv6"}) : Json::array({"IPv4"});
  j["description"] = info.description;
  j["kind"] = std::string(geo::to_string(info.kind));
  j["languages"] = info.languages;
  return j;
}

void print_info_text(const geo::DatabaseInfo& info) {
  print_line(info.path);
  print_line("  type:         " + info.database_type);
  print_line(
      fmt::format("  schema:       {} (from {})", geo::to_string(info.schema), geo::to_string(info.schema_basis)));
  print_line("  build date:   " + core::format_utc(static_cast<long long>(info.build_epoch)));
  print_line(fmt::format("  node count:   {}", info.node_count));
  print_line(fmt::format("  record size:  {} bits", info.record_size));
  print_line(fmt::format("  IP versions:  {}", ip_versions(info.ip_version)));
  if (!info.description.empty()) print_line("  description:  " + info.description);
  print_line(fmt::format("  kind:         {}", geo::to_string(info.kind)));
  if (!info.languages.empty()) print_line(fmt::format("  languages:    {}", fmt::join(info.languages, " ")));
}

void run_info(const InfoOptions& opts, Context& ctx) {
  geo::LocateInput input;
  input.explicit_paths.assign(opts.paths.begin(), opts.paths.end());
  auto located = geo::locate_databases(input);
  if (!located) return ctx.fail(located.error());
  Json all = Json::array();
  for (const auto& path : located->files) {
    auto db = geo::Database::open(path);
    if (!db) {
      ctx.fail(db.error());
      continue;
    }
    if (opts.format == "json") all.push_back(info_json(db->info()));
    else print_info_text(db->info());
  }
  if (opts.format == "json") std::cout << dump(Json{{"databases", all}}) << '\n';
}

// The normalised fields of a record, for the one-line text form.
std::string describe(const geo::GeoRecord& rec) {
  std::vector<std::string> parts;
  if (rec.country) parts.push_back("country " + *rec.country);
  if (rec.registered_country) parts.push_back("registered country " + *rec.registered_country);
  if (rec.asn) parts.push_back(rec.as_org ? fmt::format("AS{} \"{}\"", *rec.asn, *rec.as_org) : fmt::format("AS{}", *rec.asn));
  else if (rec.as_org) parts.push_back(fmt::format("AS org \"{}\"", *rec.as_org));
  if (rec.is_anycast) parts.push_back(*rec.is_anycast ? "anycast" : "not anycast");
  if (rec.provider) parts.push_back("provider " + *rec.provider);
  if (rec.region) parts.push_back("region " + *rec.region);
  if (rec.service) parts.push_back("service " + *rec.service);
  if (parts.empty()) parts.push_back("fields " + rec.raw_json);
  return fmt::format("{}", fmt::join(parts, ", "));
}

void print_answer_text(const std::string& ip, const geo::SourcedAnswer& answer) {
  const geo::DatabaseInfo& info = *answer.source;
  const std::string source = fmt::format("{} ({}, built {})", std::filesystem::path(info.path).filename().string(),
                                         info.database_type, core::format_utc(static_cast<long long>(info.build_epoch)).substr(0, 10));
  const auto& rec = *answer.result;
  if (!rec) {
    print_line(fmt::format("{}  {}: not found", ip, source));
    return;
  }
  print_line(fmt::format("{}  {}: {}; network {}", ip, source, describe(*rec), core::format_prefix(rec->network)));
}

Json answer_json(const geo::SourcedAnswer& answer) {
  Json j{{"database", provenance_json(*answer.source)}, {"found", answer.result->has_value()}};
  if (const auto& rec = *answer.result) {
    j["network"] = core::format_prefix(rec->network);
    j["record"] = Json::parse(rec->raw_json, nullptr, false);
  }
  return j;
}

core::Error no_database_error(const geo::Located& located) {
  return core::Error{core::ErrorCode::config,
                     fmt::format("no GeoIP database found (no --geoip, RESIDENCY_GEOIP unset, and no *.mmdb in {}); "
                                 "run scripts/fetch-geoip.sh to fetch the default data, or pass --geoip PATH",
                                 fmt::join(located.looked_in, " or ")),
                     ""};
}

// Parse every address first, so a typo fails before any database is opened.
std::optional<std::vector<core::IpAddress>> parse_ips(const std::vector<std::string>& texts, Context& ctx) {
  std::vector<core::IpAddress> ips;
  bool ok = true;
  for (const auto& text : texts) {
    auto ip = core::parse_ip(text);
    if (ip) ips.push_back(*ip);
    else ok = false, ctx.fail(core::Error{core::ErrorCode::usage, fmt::format("not an IP address: '{}'", text), ""});
  }
  if (!ok) return std::nullopt;
  return ips;
}

core::Result<geo::DatabaseSet> open_databases(const LookupOptions& opts, Context& ctx) {
  geo::LocateInput input;
  input.explicit_paths.assign(opts.geoip.begin(), opts.geoip.end());
  if (const char* env = std::getenv("RESIDENCY_GEOIP")) input.env_value = env;
  input.default_folders = {installed_data_dir() / "geoip", source_data_dir() / "geoip" / "data"};
  auto located = geo::locate_databases(input);
  if (!located) return std::unexpected(located.error());
  if (located->files.empty()) return std::unexpected(no_database_error(*located));
  ctx.diag.info("using {} GeoIP database(s) from {}", located->files.size(), located->origin);
  return geo::DatabaseSet::open(located->files);
}

void run_lookup(const LookupOptions& opts, Context& ctx) {
  const auto ips = parse_ips(opts.ips, ctx);
  if (!ips) return;
  auto set = open_databases(opts, ctx);
  if (!set) return ctx.fail(set.error());
  Json lookups = Json::array();
  for (std::size_t i = 0; i < ips->size(); ++i) {
    const std::string ip = core::format_ip((*ips)[i]);
    Json answers = Json::array();
    for (const auto& answer : set->lookup_all((*ips)[i])) {
      if (!answer.result) {
        ctx.fail(answer.result.error());
        continue;
      }
      if (opts.format == "json") answers.push_back(answer_json(answer));
      else print_answer_text(ip, answer);
    }
    lookups.push_back(Json{{"ip", ip}, {"answers", answers}});
  }
  if (opts.format == "json") std::cout << dump(Json{{"lookups", lookups}}) << '\n';
}

}  // namespace

void add_geoip_commands(CLI::App& geoip, Context& ctx) {
  auto info_opts = std::make_shared<InfoOptions>();
  auto* info = geoip.add_subcommand("info", "Show a database's type, schema, build date and tree figures");
  info->add_option("DB", info_opts->paths, "Database files or folders (every *.mmdb)")->required();
  info->add_option("--format", info_opts->format, "Output format: text or json")->check(CLI::IsMember({"text", "json"}));
  info->callback([info_opts, &ctx] { run_info(*info_opts, ctx); });

  auto lookup_opts = std::make_shared<LookupOptions>();
  auto* lookup = geoip.add_subcommand("lookup", "Look addresses up in every GeoIP database, with provenance");
  lookup->add_option("IP", lookup_opts->ips, "IPv4 or IPv6 addresses")->required();
  lookup->add_option("--geoip", lookup_opts->geoip,
                     "Database file or folder (repeatable; default: $RESIDENCY_GEOIP, then the installed data)")
      ->allow_extra_args(false);  // one path per --geoip, so addresses after it stay addresses
  lookup->add_option("--format", lookup_opts->format, "Output format: text or json")->check(CLI::IsMember({"text", "json"}));
  lookup->callback([lookup_opts, &ctx] { run_lookup(*lookup_opts, ctx); });
}

}  // namespace app
