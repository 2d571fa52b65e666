// Observe one target: take its DNS answers (live or recorded; MX hosts for mail domains), look
// every address up in every GeoIP database, turn the answers into policy::Observations, and let
// the rule data attribute them (provider → entity → control country → laws, certifications).
// GeoIP answers are sorted by kind: provider-range records give provider and region; country
// databases give a country (two that disagree make the address inconclusive, both answers kept);
// ASN databases give the ASN; an anycast flag makes the location indeterminate.
#include "audit/observe.hpp"

#include "audit/observe_https.hpp"
#include "core/special_ip.hpp"
#include "core/text.hpp"
#include "policy/attribute.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace audit {

namespace {

template <typename T>
void add_unique(std::vector<T>& v, const T& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

std::string provenance_of(const geo::DatabaseInfo& info) {
  return fmt::format("{} ({}, built {})", std::filesystem::path(info.path).filename().string(), info.database_type,
                     core::format_utc(static_cast<long long>(info.build_epoch)));
}

bool is_country_schema(geo::Schema s) {
  switch (s) {
    case geo::Schema::geoip2_country:
    case geo::Schema::geoip2_city:
    case geo::Schema::dbip_country:
    case geo::Schema::ipinfo_lite:
    case geo::Schema::ip_location_db_country:
    case geo::Schema::unknown:
      return true;
    default:
      return false;
  }
}

// Country answers of the country databases for one address, with their sources.
struct CountryAnswer {
  std::string country;
  std::string source;
  std::string kind;
};

// Add what every database says about `address` to `obs`. `answers` is scratch space the caller
// reuses for all its addresses (lookup_all_into keeps the records' storage).
void look_up(const std::string& address, const geo::DatabaseSet& geoip, policy::Observations& obs,
             std::vector<std::string>& warnings, std::vector<geo::SourcedAnswer>& answers) {
  auto ip = core::parse_ip(address);
  if (!ip || core::special_use(*ip)) return;  // a special-use address has no location (attribution says why)
  std::vector<CountryAnswer> countries;
  std::optional<CountryAnswer> feed_country;  // a provider's own feed names the country
  geoip.lookup_all_into(*ip, answers, geo::RawEntry::skip);
  for (const auto& answer : answers) {
    if (!answer.result) {
      warnings.push_back(
          fmt::format("{}: lookup of {} failed: {}", answer.source->path, address, answer.result.error().message));
      continue;
    }
    if (!*answer.result) continue;
    const std::string source = provenance_of(*answer.source);  // only for a database that answered
    const geo::GeoRecord& rec = **answer.result;
    if (rec.is_anycast.value_or(false)) obs.anycast = true;
    if (rec.provider) {
      // A feed's global scope (AWS "GLOBAL" edge services such as CloudFront, GCP "global") is an
      // edge network: the address has no single location.
      if (rec.region && core::to_lower(*rec.region) == "global") obs.anycast = true;
      obs.ranges.push_back({address, *rec.provider, rec.region.value_or(""), rec.service.value_or(""), source});
      if (rec.country) feed_country = CountryAnswer{*rec.country, source, "provider-feed"};
    }
    if (rec.asn && std::none_of(obs.asns.begin(), obs.asns.end(), [&](const policy::AsnObservation& a) {
          return a.address == address && a.asn == *rec.asn;
        })) {
      obs.asns.push_back({address, *rec.asn, source});
    }
    if (!rec.provider && is_country_schema(answer.source->schema)) {
      if (auto c = rec.country ? rec.country : rec.registered_country) {
        countries.push_back({*c, source, std::string(geo::to_string(answer.source->kind))});
      }
    }
  }
  if (feed_country) {
    obs.geo.push_back(
        {address, feed_country->country, core::FactStatus::known, feed_country->source, feed_country->kind});
    return;
  }
  std::set<std::string> distinct;
  for (const auto& c : countries) distinct.insert(c.country);
  const auto status = distinct.size() > 1 ? core::FactStatus::inconclusive : core::FactStatus::known;
  for (const auto& c : countries) obs.geo.push_back({address, c.country, status, c.source, c.kind});
}

void set_dns_facts(const probe::DnsResult& r, core::Facts& facts) {
  const core::Provenance prov{"dns", r.resolver, r.time};
  facts.set_known("dns.status", {std::string(probe::to_string(r.status))}, prov);
  std::vector<std::string> addresses;
  for (const auto& a : r.addresses) addresses.push_back(core::format_ip(a.ip));
  if (r.status == probe::DnsStatus::ok) {
    facts.set_known("dns.addresses", addresses, prov);
    facts.set_known("dns.cname_chain", r.cname_chain, prov);
  } else {
    facts.set_status("dns.addresses", core::FactStatus::unknown,
                     fmt::format("dns {}: {}", probe::to_string(r.status), r.detail), prov);
  }
  if (r.ns_status) {
    if (*r.ns_status == probe::DnsStatus::ok)
      facts.set_known("dns.ns", r.ns, prov);
    else
      facts.set_status("dns.ns", core::FactStatus::unknown, fmt::format("dns {}", probe::to_string(*r.ns_status)),
                       prov);
  }
  if (r.mx_status) {
    std::vector<std::string> mx;
    for (const auto& m : r.mx) mx.push_back(m.host);
    if (*r.mx_status == probe::DnsStatus::ok)
      facts.set_known("dns.mx", mx, prov);
    else
      facts.set_status("dns.mx", core::FactStatus::unknown, fmt::format("dns {}", probe::to_string(*r.mx_status)),
                       prov);
  }
}

// Add a resolved name's addresses and PTR names to the observations, the names on the way to
// each address, and its CNAME chain to `chain_names` (the target's own chain, or the names on a
// mail domain's MX path).
void add_dns(const probe::DnsResult& r, policy::Observations& obs, core::Evidence& evidence,
             std::vector<std::string>& chain_names) {
  const std::string last = r.cname_chain.empty() ? r.name : r.cname_chain.back();
  for (const auto& n : r.cname_chain) add_unique(chain_names, n);
  for (const auto& a : r.addresses) {
    const std::string ip = core::format_ip(a.ip);
    add_unique(obs.addresses, ip);
    auto& names = obs.address_names[ip];
    add_unique(names, r.name);
    for (const auto& n : r.cname_chain) add_unique(names, n);
    evidence.push_back(
        {"address", last, ip, a.ip.family == core::IpFamily::v4 ? "dns A" : "dns AAAA", "high", r.resolver});
    for (const auto& p : a.ptr) obs.ptr_names.push_back({ip, p});
  }
  if (obs.observed_at.empty() || r.time < obs.observed_at) obs.observed_at = r.time;
}

// Add an MX host's answer: its CNAME chain (as evidence and as names on the mail path), then its
// addresses. The chain is kept apart from the domain's own CNAME chain, which it is not.
void add_mx_host(const probe::DnsResult& r, policy::Observations& obs, core::Evidence& evidence) {
  std::string from = r.name;
  for (const auto& n : r.cname_chain) {
    evidence.push_back({"cname", from, n, "dns CNAME", "high", r.resolver});
    from = n;
  }
  add_dns(r, obs, evidence, obs.mx_hosts);
}

std::string dns_failure(const probe::DnsResult& r, std::string_view what) {
  return fmt::format("dns {} {}{}", what, probe::to_string(r.status), r.detail.empty() ? "" : ": " + r.detail);
}

// A host or URL: its own answer. A failed lookup leaves the name unobserved; a partial one
// (a family failed) leaves the addresses incomplete.
void observe_name(const probe::DnsResult& r, policy::Observations& obs, core::Evidence& evidence) {
  if (r.status != probe::DnsStatus::ok || r.addresses.empty()) {
    obs.unobserved = r.status == probe::DnsStatus::ok ? "dns: no address" : dns_failure(r, "lookup");
    return;
  }
  std::string why;
  if (probe::partial_answer(r, why)) obs.incomplete.push_back(why);
  add_dns(r, obs, evidence, obs.cname_chain);
}

// A mail domain is served from its MX hosts: the MX answer must be there, and so must every MX
// host's addresses; one host that failed makes the picture incomplete.
void observe_mail(const probe::DnsResult& r, const Recording& dns, policy::Observations& obs,
                  core::Evidence& evidence) {
  if (!r.mx_status || *r.mx_status != probe::DnsStatus::ok || r.mx.empty()) {
    obs.unobserved = r.mx_status ? fmt::format("dns MX {}", probe::to_string(*r.mx_status)) : "MX not asked";
    return;
  }
  for (const auto& m : r.mx) {
    evidence.push_back({"mx", r.name, m.host, fmt::format("dns MX {}", m.preference), "high", r.resolver});
    if (m.host.empty() || m.host == ".") {
      obs.unobserved = "null MX: the domain accepts no mail";
      return;
    }
    add_unique(obs.mx_hosts, m.host);
    const probe::DnsResult* mr = dns.find(m.host);
    if (mr == nullptr) {
      obs.incomplete.push_back(fmt::format("MX host {} not resolved (absent from the recorded facts)", m.host));
      continue;
    }
    if (mr->status != probe::DnsStatus::ok || mr->addresses.empty()) {
      obs.incomplete.push_back(fmt::format(
          "MX host {}: {}", m.host, mr->status == probe::DnsStatus::ok ? "no address" : dns_failure(*mr, "lookup")));
      continue;
    }
    std::string why;
    if (probe::partial_answer(*mr, why)) obs.incomplete.push_back(why);
    add_mx_host(*mr, obs, evidence);
  }
  if (obs.observed_at.empty() || r.time < obs.observed_at) obs.observed_at = r.time;
}

void set_target_facts(const core::Target& t, core::Facts& facts) {
  const core::Provenance prov{"inventory", t.declared_at.to_string(), ""};
  facts.set_known("target.id", {t.id}, prov);
  facts.set_known("target.kind", {std::string(core::to_string(t.kind))}, prov);
  for (const auto& [k, v] : t.tags) facts.set_known("target.tags." + k, {v}, prov);
}

// dns.ptr (when PTR was asked for every address) and network.asns, from what DNS and the ASN
// databases said about the target's addresses.
void set_address_facts(const policy::Observations& obs, bool ptr_asked, const std::string& time, core::Facts& facts) {
  if (ptr_asked) {
    std::vector<std::string> names;
    for (const auto& p : obs.ptr_names) add_unique(names, p.name);
    if (names.empty()) {
      facts.set_status("dns.ptr", core::FactStatus::unknown, "no PTR name for the addresses", {"dns", "PTR", time});
    } else {
      facts.set_known("dns.ptr", names, {"dns", "PTR", time});
    }
  }
  std::vector<std::string> asns;
  for (const auto& a : obs.asns) add_unique(asns, std::to_string(a.asn));
  const core::Provenance prov{"geo", "asn databases", time};
  if (!asns.empty()) {
    facts.set_known("network.asns", asns, prov);
  } else {
    facts.set_status("network.asns", core::FactStatus::unknown,
                     obs.addresses.empty() ? "no address" : "no ASN database answered for the addresses", prov);
  }
}

// Whoever operates the addresses a name resolves to terminates its TLS: a CDN in front of the
// host must receive the traffic, so it shows in the resolution (CNAME into its suffix, or its
// address ranges). Without an HTTPS probe this is an inference from DNS, said so in the fact.
void infer_tls_terminators(const core::Target& target, const probe::DnsResult* r,
                           const policy::Attribution& attribution, core::TargetReport& report) {
  if (target.kind != core::TargetKind::host && target.kind != core::TargetKind::url) return;
  if (r == nullptr || r->status != probe::DnsStatus::ok || r->addresses.empty()) return;
  const core::Fact* existing = report.facts.find("tls.terminated_by");
  if (existing != nullptr && !existing->declared()) return;  // observed, not inferred
  const core::Provenance prov{"dns", "inferred: the operator of the resolved addresses terminates TLS (no HTTPS probe)",
                              r->time};
  std::vector<std::string> providers;
  for (const auto& m : attribution.matches) {
    if (m.method != "declared") add_unique(providers, m.provider);
  }
  const core::Fact* providers_fact = report.facts.find("controlled_by.providers");
  if (providers_fact != nullptr && providers_fact->status != core::FactStatus::known && !attribution.matches.empty()) {
    // Some addresses are not attributed (or the answers are partial): the list may be short.
    core::Fact f{providers, core::FactStatus::unknown, providers_fact->detail, {core::intern(prov)}};
    f.partial = !providers.empty();
    report.facts.set("tls.terminated_by", std::move(f));
    return;
  }
  if (providers.empty()) {
    report.facts.set_status("tls.terminated_by", core::FactStatus::unknown,
                            "no provider operates the resolved addresses", prov);
    return;
  }
  report.facts.set_known("tls.terminated_by", providers, prov);
  for (const auto& p : providers) {
    report.evidence.push_back(
        {"tls", target.host, p, "inferred from DNS: operator of the resolved addresses", "medium", "dns"});
  }
}

}  // namespace

std::string dns_name(const core::Target& target) {
  if (target.host.empty() || core::parse_ip(target.host)) return {};
  return target.host;
}

std::vector<probe::DnsRequest> dns_requests(const std::vector<core::Target>& targets, PtrLookup ptr) {
  std::map<std::string, probe::DnsRequest> by_name;
  for (const auto& t : targets) {
    const std::string name = dns_name(t);
    if (name.empty()) continue;
    auto& req = by_name[name];
    req.name = name;
    req.want_ptr = ptr == PtrLookup::yes;
    if (t.kind == core::TargetKind::mail_domain) req.want_mx = true;
  }
  std::vector<probe::DnsRequest> out;
  for (auto& [name, req] : by_name) out.push_back(std::move(req));
  return out;
}

std::vector<probe::DnsRequest> mx_host_requests(const std::vector<probe::DnsResult>& results, PtrLookup ptr) {
  std::set<std::string> asked, wanted;
  for (const auto& r : results) asked.insert(r.name);
  for (const auto& r : results) {
    for (const auto& m : r.mx) {
      if (!m.host.empty() && m.host != "." && !asked.contains(m.host)) wanted.insert(m.host);
    }
  }
  std::vector<probe::DnsRequest> out;
  for (const auto& name : wanted) out.push_back({name, false, true, ptr == PtrLookup::yes});
  return out;
}

core::Result<std::vector<probe::DnsResult>> resolve_targets(const std::vector<core::Target>& targets,
                                                            const probe::DnsOptions& options,
                                                            const probe::DnsProgress& progress, PtrLookup ptr) {
  auto first = probe::resolve_all(options, dns_requests(targets, ptr), progress);
  if (!first) return first;
  auto mx = mx_host_requests(*first, ptr);
  if (!mx.empty()) {
    auto second = probe::resolve_all(options, mx, progress);
    if (!second) return second;
    first->insert(first->end(), std::make_move_iterator(second->begin()), std::make_move_iterator(second->end()));
  }
  std::sort(first->begin(), first->end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return first;
}

core::TargetReport observe_target(core::Target declared, const Recording& dns, const geo::DatabaseSet& geoip,
                                  const policy::RuleSet& rules, core::Date as_of, std::vector<std::string>& warnings) {
  core::TargetReport report{std::move(declared), {}, {}, {}};
  const core::Target& target = report.target;
  policy::Observations obs = policy::declared_observations(target);
  core::Evidence dns_evidence;
  const probe::DnsResult* result = nullptr;
  if (auto ip = core::parse_ip(target.host)) obs.addresses.push_back(core::format_ip(*ip));
  if (const std::string name = dns_name(target); !name.empty()) {
    result = dns.find(name);
    if (result == nullptr) {
      report.facts.set_status("dns.status", core::FactStatus::unknown, "not probed (absent from the recorded facts)");
      obs.unobserved = "not probed: absent from the recorded facts";
    } else {
      set_dns_facts(*result, report.facts);
      if (target.kind == core::TargetKind::mail_domain)
        observe_mail(*result, dns, obs, dns_evidence);
      else
        observe_name(*result, obs, dns_evidence);
    }
  }
  std::vector<geo::SourcedAnswer> answers;
  for (const auto& a : obs.addresses) look_up(a, geoip, obs, warnings, answers);
  set_address_facts(obs, result != nullptr && result->ptr_asked, obs.observed_at, report.facts);
  policy::Attribution attribution = policy::attribute(rules, obs, as_of);
  report.facts.set_all(std::move(attribution.facts));  // observe_https reads only its matches
  set_target_facts(target, report.facts);
  report.evidence = std::move(dns_evidence);
  report.evidence.insert(report.evidence.end(), std::make_move_iterator(attribution.evidence.begin()),
                         std::make_move_iterator(attribution.evidence.end()));
  report.certifications = std::move(attribution.certifications);
  observe_https(target, dns, geoip, rules, as_of, attribution, warnings, report);  // observed, when probed
  infer_tls_terminators(target, obs.unobserved.empty() ? result : nullptr, attribution, report);  // else inferred
  return report;
}

policy::Attribution attribute_host(const std::string& name, const Recording& dns, const geo::DatabaseSet& geoip,
                                   const policy::RuleSet& rules, core::Date as_of, std::vector<std::string>& warnings) {
  policy::Observations obs;
  obs.subject = name;
  core::Evidence unused;
  if (auto ip = core::parse_ip(name)) {
    obs.addresses.push_back(core::format_ip(*ip));
  } else if (const auto* r = dns.find(name)) {
    add_dns(*r, obs, unused, obs.cname_chain);
  }
  std::vector<geo::SourcedAnswer> answers;
  for (const auto& a : obs.addresses) look_up(a, geoip, obs, warnings, answers);
  return policy::attribute(rules, obs, as_of);
}

std::vector<core::DataSource> geoip_sources(const geo::DatabaseSet& geoip) {
  std::vector<core::DataSource> out;
  for (const auto& db : geoip.databases()) {
    const auto& info = db.info();
    out.push_back({"geoip", std::filesystem::path(info.path).filename().string(),
                   fmt::format("{} ({}), built {}", info.database_type, geo::to_string(info.schema),
                               core::format_utc(static_cast<long long>(info.build_epoch)))});
  }
  return out;
}

}  // namespace audit
