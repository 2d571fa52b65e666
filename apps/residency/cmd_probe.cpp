// `residency probe NAME|IP|URL…`: resolve where each endpoint sits and who controls it, and
// print the evidence chain (names → addresses → networks → provider → legal entities → laws).
// It shares the observe step with `audit`, so what it prints is what an audit would judge.
#include "app_context.hpp"
#include "audit/observe.hpp"
#include "audit/observe_https.hpp"
#include "common_options.hpp"
#include "core/json_text.hpp"
#include "core/url.hpp"
#include "geo/mmdb_reader.hpp"
#include "inventory/target_value.hpp"
#include "policy/load.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <memory>

namespace app {

namespace {

using Json = nlohmann::ordered_json;

struct ProbeFlags {
  std::vector<std::string> targets;
  std::vector<std::string> rules;
  GeoipFlags geoip;
  DnsFlags dns;
  HttpsFlags https;
  std::string as_of;
  std::string format = "text";
};

std::vector<std::string> values(const core::Facts& facts, std::string_view path) {
  const core::Fact* f = facts.find(path);
  return f != nullptr ? f->values : std::vector<std::string>{};
}

std::string fact_text(const core::Facts& facts, std::string_view path) {
  const core::Fact* f = facts.find(path);
  if (f == nullptr) return "(not observed)";
  std::string v = f->values.empty() ? "none" : fmt::format("{}", fmt::join(f->values, ", "));
  if (f->status != core::FactStatus::known) {
    return fmt::format("{} ({}{})", f->values.empty() ? "?" : v, core::to_string(f->status),
                       f->detail.empty() ? "" : ": " + f->detail.str());
  }
  return v;
}

// The one-line chain: name → CNAMEs → addresses → providers → entities → laws.
std::string chain_line(const core::TargetReport& t, const policy::RuleSet& rules) {
  std::vector<std::string> parts{t.target.value};
  for (const auto& c : values(t.facts, "dns.cname_chain")) parts.push_back("CNAME " + c);
  std::vector<std::string> addrs;
  for (const auto& step : t.evidence) {
    if (step.kind != "address") continue;
    // Annotate each address with what the databases said of it: ASN, country and how.
    std::vector<std::string> notes;
    for (const auto& s : t.evidence) {
      if (s.subject != step.value) continue;
      if (s.kind == "asn") notes.push_back(s.value);
      if (s.kind == "region") notes.push_back(s.value);
      if (s.kind == "country")
        notes.push_back(
            fmt::format("{} by {}", s.value, s.method.view().starts_with("region") ? "region" : "registry"));
    }
    addrs.push_back(notes.empty() ? step.value : fmt::format("{} ({})", step.value, fmt::join(notes, ", ")));
  }
  if (!addrs.empty()) parts.push_back(fmt::format("{}", fmt::join(addrs, ", ")));
  for (const auto& p : values(t.facts, "controlled_by.providers")) {
    auto it = rules.providers.find(p);
    parts.push_back(it != rules.providers.end() ? it->second.name : p);
  }
  const auto entities = values(t.facts, "controlled_by.entities");
  const auto countries = values(t.facts, "controlled_by.countries");
  if (!entities.empty()) parts.push_back(fmt::format("{} ({})", fmt::join(entities, ", "), fmt::join(countries, ", ")));
  std::vector<std::string> laws;
  for (const auto& l : values(t.facts, "controlled_by.laws")) {
    auto it = rules.laws.find(l);
    laws.push_back(it != rules.laws.end() ? it->second.title : l);
  }
  const core::Fact* lf = t.facts.find("controlled_by.laws");
  if (lf != nullptr && lf->status == core::FactStatus::known) parts.push_back(laws.empty() ? "no extraterritorial law found" : fmt::format("{}", fmt::join(laws, ", ")));
  return fmt::format("{}", fmt::join(parts, " → "));
}

void print_text(const core::TargetReport& t, const policy::RuleSet& rules) {
  print_line(t.target.value);
  print_line("  " + chain_line(t, rules));
  for (const char* path : {"dns.status", "served_from.countries", "served_from.regions", "served_from.status",
                           "controlled_by.providers", "controlled_by.entities", "controlled_by.countries",
                           "controlled_by.laws", "certifications", "tls.terminated_by", "tls.issuer.organisation",
                           "tls.issuer.country", "tls.version", "tls.verification", "http.server",
                           "http.edge_headers"}) {
    if (t.facts.find(path) != nullptr) print_line(fmt::format("  {:<24} {}", path, fact_text(t.facts, path)));
  }
  print_line("  evidence:");
  for (const auto& s : t.evidence) {
    print_line(fmt::format("    {:<15} {} → {}  [{}{}]", s.kind, s.subject, s.value, s.method,
                           s.confidence.empty() ? "" : ", " + s.confidence.str()));
  }
}

Json to_json(const core::TargetReport& t) {
  Json facts = Json::object();
  for (const auto& [path, f] : t.facts.all()) {
    Json prov = Json::array();
    for (const auto& p : f.provenance)
      prov.push_back({{"source", p->source}, {"detail", p->detail}, {"time", p->time}});
    facts[path] = {{"values", f.values}, {"status", core::to_string(f.status)}, {"detail", f.detail}, {"provenance", prov}};
  }
  Json ev = Json::array();
  for (const auto& s : t.evidence) {
    ev.push_back({{"kind", s.kind}, {"subject", s.subject}, {"value", s.value}, {"method", s.method},
                  {"confidence", s.confidence}, {"source", s.source}});
  }
  return {{"id", t.target.id}, {"kind", core::to_string(t.target.kind)}, {"value", t.target.value}, {"facts", facts}, {"evidence", ev}};
}

void run_probe(const ProbeFlags& f, Context& ctx) {
  std::vector<core::Target> targets;
  for (const auto& text : f.targets) {
    core::Target t;
    if (auto ok = inventory::set_target_value(t, inventory::infer_kind(text), text); !ok) return ctx.fail(ok.error());
    if (t.credentials_dropped) ctx.diag.warning("{}", core::credentials_dropped_warning("", t.value));
    targets.push_back(std::move(t));
  }
  auto as_of = parse_as_of(f.as_of);
  if (!as_of) return ctx.fail(as_of.error());
  const core::Date date = as_of->value_or(core::today_utc());
  policy::LoadOptions ro;
  ro.dirs.assign(f.rules.begin(), f.rules.end());
  ro.as_of = date;
  auto rules = policy::load_rules(ro, ctx.diag);
  if (!rules) return ctx.fail(rules.error());
  auto paths = locate_geoip(f.geoip, Need::optional, ctx);
  if (!paths) return ctx.fail(paths.error());
  auto geoip = geo::DatabaseSet::open(*paths);
  if (!geoip) return ctx.fail(geoip.error());
  auto dns = dns_options(f.dns);
  if (!dns) return ctx.fail(dns.error());
  auto https = https_options(f.https);
  if (!https) return ctx.fail(https.error());
  auto results = audit::resolve_targets(targets, *dns, {}, f.dns.ptr ? audit::PtrLookup::yes : audit::PtrLookup::no);
  if (!results) return ctx.fail(results.error());
  audit::Recording rec;
  rec.dns = std::move(*results);
  const auto scope = f.https.all_hosts ? audit::HttpsScope::all_hosts : audit::HttpsScope::declared;
  if (auto ok = audit::probe_https_targets(targets, scope, *https, *dns, rec); !ok) return ctx.fail(ok.error());
  std::vector<std::string> warnings;
  Json out = Json::array();
  std::vector<std::string> unresolved;
  for (const auto& t : targets) {
    auto report = audit::observe_target(t, rec, *geoip, *rules, date, warnings);
    if (const auto* status = report.facts.find("dns.status");
        status != nullptr && (status->values.empty() || status->values.front() != "ok")) {
      unresolved.push_back(
          fmt::format("{} ({})", t.value, status->values.empty() ? "unknown" : status->values.front()));
    }
    if (f.format == "json") out.push_back(to_json(report));
    else print_text(report, *rules);
  }
  for (const auto& w : warnings) ctx.diag.warning("{}", w);
  // A name that did not resolve leaves the probe incomplete: exit 3, as an audit's unknowns do.
  for (const auto& u : unresolved) ctx.diag.warning("could not resolve {}", u);
  if (!unresolved.empty()) ctx.exit_code = k_exit_incomplete;
  if (f.format == "json") std::cout << core::dump_json(Json{{"as_of", date.to_string()}, {"targets", out}}) << '\n';
}

}  // namespace

void add_probe_command(CLI::App& cli, Context& ctx) {
  auto f = std::make_shared<ProbeFlags>();
  auto* cmd = cli.add_subcommand("probe", "Show where endpoints sit and who controls them, with the evidence chain");
  cmd->add_option("TARGET", f->targets, "Host names, IP addresses or URLs")->required();
  add_rules_option(*cmd, f->rules);
  add_geoip_option(*cmd, f->geoip);
  add_dns_options(*cmd, f->dns);
  add_https_options(*cmd, f->https);
  add_as_of_option(*cmd, f->as_of);
  cmd->add_option("--format", f->format, "Output format: text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([f, &ctx] { run_probe(*f, ctx); });
}

}  // namespace app
