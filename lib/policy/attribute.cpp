// Attribution: joins one target's observations with the rule data. Provider matches come from
// the declared resource, provider ranges, CNAME and PTR suffixes (longest suffix wins) and ASNs
// (ignored for an address already matched by a range); controlled_by.* is the union over every
// provider matched. A region with its own operator (operated_by) replaces the provider's control
// chain for that region. served_from.countries takes, per address, the country of a known
// provider region before the GeoIP country; anycast makes it indeterminate. Certifications are
// those of the DECLARED offer valid on the audit date: a qualification belongs to an offer.
#include "policy/attribute.hpp"

#include "core/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace policy {

namespace {

constexpr std::string_view k_methods[] = {"declared", "ip-range", "cname-suffix", "mx-suffix", "ptr-suffix", "asn"};

int rank(std::string_view method) {
  for (int i = 0; i < 5; ++i) {
    if (k_methods[i] == method) return i;
  }
  return 5;
}

std::string cite(const SourceLocation& loc, const Sourcing& s) {
  return s.as_of ? fmt::format("{} (as of {})", loc.file, s.as_of->to_string()) : loc.file;
}

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

struct RegionHit {
  std::string provider;
  const Region* region = nullptr;  // nullptr when the rule data does not know the region
  std::string raw;
  std::string address;  // empty for a declared region
};

class Attributor {
 public:
  Attributor(const RuleSet& rules, const Observations& obs, core::Date as_of) : m_rules(rules), m_obs(obs), m_as_of(as_of) {}

  Attribution run() {
    match_declared();
    match_ranges();
    match_names(cname_names(), "cname-suffix", "high");
    match_names(m_obs.mx_hosts, "mx-suffix", "high");
    match_names(m_obs.ptr_names, "ptr-suffix", "medium");
    match_asns();
    std::stable_sort(m_out.matches.begin(), m_out.matches.end(),
                     [](const auto& a, const auto& b) { return rank(a.method) < rank(b.method); });
    for (const auto& m : m_out.matches) add_unique(m_providers, m.provider);
    providers_facts();
    regions_fact();
    countries_facts();
    certification_facts();
    if (m_obs.tls_terminated_by) m_out.facts.set_known("tls.terminated_by", *m_obs.tls_terminated_by, {"tls", "", m_obs.observed_at});
    return std::move(m_out);
  }

 private:
  core::Provenance rules_provenance() const { return {"rules", fmt::format("{}", fmt::join(m_sources, ", ")), ""}; }

  void step(std::string kind, std::string subject, std::string value, std::string method, std::string confidence,
            std::string source) {
    m_out.evidence.push_back({std::move(kind), std::move(subject), std::move(value), std::move(method), std::move(confidence),
                              std::move(source)});
  }

  void add_match(const std::string& provider, std::string method, std::string confidence, const std::string& subject,
                 const std::string& value) {
    for (const auto& m : m_out.matches) {
      if (m.provider == provider && m.method == method && m.subject == subject) return;
    }
    const Provider* p = find_provider(provider);
    step("provider", subject, provider, fmt::format("{} ({})", method, value), confidence,
         p != nullptr ? cite(p->loc, p->network_sourcing) : "");
    m_out.matches.push_back({provider, std::move(method), std::move(confidence), subject, value});
  }

  const Provider* find_provider(const std::string& id) const {
    auto it = m_rules.providers.find(id);
    return it == m_rules.providers.end() ? nullptr : &it->second;
  }

  void add_region(const std::string& provider, const std::string& raw, const std::string& address) {
    const Provider* p = find_provider(provider);
    const Region* r = p != nullptr ? p->find_region(raw) : nullptr;
    m_regions.push_back({provider, r, raw, address});
    const std::string value = fmt::format("{}:{}", provider, r != nullptr ? r->code : raw);
    const std::string how = r == nullptr          ? "region not in the rule data"
                            : r->code == raw      ? "region code"
                                                  : fmt::format("feed alias '{}' of {}", raw, r->code);
    step("region", address.empty() ? m_obs.subject : address, value, how, r != nullptr ? "high" : "low",
         p != nullptr ? cite(p->loc, p->region_sourcing) : "");
  }

  void match_declared() {
    if (m_obs.declared_provider.empty()) return;
    add_match(m_obs.declared_provider, "declared", "high", m_obs.subject, "inventory");
    if (!m_obs.declared_region.empty()) add_region(m_obs.declared_provider, m_obs.declared_region, "");
  }

  void match_ranges() {
    for (const auto& r : m_obs.ranges) {
      add_match(r.provider, "ip-range", "high", r.address,
                r.service.empty() ? r.source : fmt::format("{} service {}", r.source, r.service));
      if (!r.region.empty()) add_region(r.provider, r.region, r.address);
    }
  }

  std::vector<std::string> cname_names() const {
    std::vector<std::string> names{m_obs.subject};
    names.insert(names.end(), m_obs.cname_chain.begin(), m_obs.cname_chain.end());
    for (std::size_t i = 1; i < names.size(); ++i) {
      m_cname_steps.push_back({"cname", names[i - 1], names[i], "dns CNAME", "high", "dns"});
    }
    return names;
  }

  void match_names(const std::vector<std::string>& names, std::string_view method, std::string_view confidence) {
    m_out.evidence.insert(m_out.evidence.end(), m_cname_steps.begin(), m_cname_steps.end());
    m_cname_steps.clear();
    for (const auto& name : names) {
      const std::string* best_suffix = nullptr;
      const Provider* best = nullptr;
      for (const auto& [id, p] : m_rules.providers) {
        const auto& suffixes = method == "ptr-suffix" ? p.ptr_suffixes : p.hostname_suffixes;
        for (const auto& s : suffixes) {
          if (core::has_domain_suffix(name, s) && (best_suffix == nullptr || s.size() > best_suffix->size())) {
            best_suffix = &s;
            best = &p;
          }
        }
      }
      if (best != nullptr) add_match(best->id, std::string(method), std::string(confidence), name, "suffix " + *best_suffix);
    }
  }

  void match_asns() {
    for (const auto& a : m_obs.asns) {
      const bool ranged = std::any_of(m_obs.ranges.begin(), m_obs.ranges.end(), [&](const auto& r) { return r.address == a.address; });
      if (ranged) continue;  // a provider range is stronger evidence for the same address
      step("asn", a.address, fmt::format("AS{}", a.asn), a.source.empty() ? "geoip asn" : a.source, "high", a.source);
      for (const auto& [id, p] : m_rules.providers) {
        if (std::find(p.asns.begin(), p.asns.end(), a.asn) != p.asns.end()) {
          add_match(id, "asn", "medium", a.address, fmt::format("AS{}", a.asn));
        }
      }
    }
  }

  // The control chain that applies to `p`: the regions' own operators where every attributed
  // region of p has one, else the provider's chain (plus any regional operators).
  std::vector<ControlLink> chain_of(const Provider& p) const {
    std::vector<ControlLink> regional;
    bool plain = false;
    for (const auto& hit : m_regions) {
      if (hit.provider != p.id) continue;
      if (hit.region != nullptr && hit.region->operated_by) regional.push_back(*hit.region->operated_by);
      else plain = true;
    }
    if (regional.empty() || plain) regional.insert(regional.begin(), p.chain.begin(), p.chain.end());
    return regional;
  }

  void providers_facts() {
    if (m_providers.empty()) {
      for (auto path : {"controlled_by.providers", "controlled_by.entities", "controlled_by.countries", "controlled_by.laws"}) {
        m_out.facts.set_status(path, core::FactStatus::unknown,
                               "no provider attributed (no declared provider, range, CNAME, PTR or ASN match)");
      }
      return;
    }
    std::vector<std::string> entities, countries, missing;
    for (const auto& id : m_providers) {
      const Provider* p = find_provider(id);
      if (p == nullptr) {
        missing.push_back(id);
        continue;
      }
      add_unique(m_sources, p->loc.file);
      for (const auto& link : chain_of(*p)) {
        const std::string src = cite(p->loc, p->control_sourcing);
        step("entity", id, link.entity, link.role.empty() ? "control chain" : "control chain: " + link.role, "high", src);
        step("control_country", link.entity, link.country, "country of control", "high", src);
        add_unique(entities, link.entity);
        add_unique(countries, link.country);
      }
    }
    m_out.facts.set_known("controlled_by.providers", m_providers, {"rules", "attribution", m_obs.observed_at});
    if (!missing.empty()) {
      const std::string why = fmt::format("provider {} not in the rule data", fmt::join(missing, ", "));
      for (auto path : {"controlled_by.entities", "controlled_by.countries", "controlled_by.laws"}) {
        m_out.facts.set_status(path, core::FactStatus::unknown, why);
      }
      return;
    }
    m_out.facts.set_known("controlled_by.entities", entities, rules_provenance());
    m_out.facts.set_known("controlled_by.countries", countries, rules_provenance());
    laws_fact(countries);
  }

  void laws_fact(const std::vector<std::string>& countries) {
    std::vector<std::string> laws;
    for (const auto& [id, law] : m_rules.laws) {
      for (const auto& c : law.control_countries) {
        if (std::find(countries.begin(), countries.end(), c) == countries.end()) continue;
        step("law", c, id, fmt::format("{} reaches operators controlled from {}", law.citation, c), "high",
             cite(law.loc, law.sourcing));
        add_unique(m_sources, law.loc.file);
        add_unique(laws, id);
        break;
      }
    }
    m_out.facts.set_known("controlled_by.laws", laws, rules_provenance());
  }

  void regions_fact() {
    std::vector<std::string> values;
    for (const auto& hit : m_regions) add_unique(values, hit.provider + ":" + (hit.region != nullptr ? hit.region->code : hit.raw));
    if (values.empty()) {
      m_out.facts.set_status("served_from.regions", core::FactStatus::unknown, "no provider region declared or found in provider ranges");
    } else {
      m_out.facts.set_known("served_from.regions", values, rules_provenance());
    }
  }

  // The country of `address`: a provider region it is in, else GeoIP, else a declared region.
  std::optional<std::string> country_of(const std::string& address, core::FactStatus& status, std::string& why) {
    for (const auto& hit : m_regions) {
      if (hit.address == address && hit.region != nullptr) {
        step("country", address, hit.region->country, fmt::format("region {}:{}", hit.provider, hit.region->code), "high", "rules");
        return hit.region->country;
      }
    }
    for (const auto& g : m_obs.geo) {
      if (g.address != address) continue;
      if (g.status == core::FactStatus::known && !g.country.empty()) {
        step("country", address, g.country, "geoip country", "medium", g.source);
        return g.country;
      }
      if (g.status == core::FactStatus::inconclusive) {
        // Databases disagree: keep every answer, as evidence and as candidate values.
        status = core::FactStatus::inconclusive;
        step("country", address, g.country, "geoip country (databases disagree)", "low", g.source);
        add_unique(m_disputed, g.country);
      }
    }
    for (const auto& hit : m_regions) {  // no GeoIP answer: fall back on a declared region
      if (hit.address.empty() && hit.region != nullptr) {
        step("country", address, hit.region->country, fmt::format("declared region {}:{}", hit.provider, hit.region->code),
             "medium", "inventory");
        return hit.region->country;
      }
    }
    why = fmt::format("no country for {}", address);
    return std::nullopt;
  }

  std::vector<std::string> all_addresses() const {
    std::vector<std::string> out = m_obs.addresses;
    for (const auto& r : m_obs.ranges) add_unique(out, r.address);
    for (const auto& g : m_obs.geo) add_unique(out, g.address);
    return out;
  }

  bool anycast() const {
    if (m_obs.anycast) return true;
    for (const auto& m : m_out.matches) {
      const Provider* p = find_provider(m.provider);
      if (p != nullptr && p->anycast && m.method != "declared") return true;
    }
    return false;
  }

  void countries_facts() {
    std::vector<std::string> countries;
    core::FactStatus status = core::FactStatus::known;
    std::string why;
    const auto addresses = all_addresses();
    for (const auto& a : addresses) {
      if (auto c = country_of(a, status, why)) add_unique(countries, *c);
      else if (status == core::FactStatus::known) status = core::FactStatus::unknown;
    }
    if (addresses.empty()) {
      for (const auto& hit : m_regions) {
        if (hit.region != nullptr) add_unique(countries, hit.region->country);
      }
      if (countries.empty()) {
        status = core::FactStatus::unknown;
        why = "no address and no known declared region";
      }
    }
    if (status == core::FactStatus::inconclusive) {
      for (const auto& c : m_disputed) add_unique(countries, c);
      if (why.empty() || why.starts_with("no country")) why = "GeoIP databases disagree on the country";
    }
    if (anycast()) {
      status = core::FactStatus::indeterminate;
      why = "anycast addresses have no single location";
    }
    if (status == core::FactStatus::known) {
      m_out.facts.set_known("served_from.countries", countries, {"geo", "regions before GeoIP", m_obs.observed_at});
    } else {
      core::Fact f{countries, status, why, {{"geo", "regions before GeoIP", m_obs.observed_at}}};
      m_out.facts.set("served_from.countries", std::move(f));
    }
    m_out.facts.set_known("served_from.status", {std::string(core::to_string(status))}, {"geo", "", m_obs.observed_at});
  }

  void certification_facts();

  const RuleSet& m_rules;
  const Observations& m_obs;
  core::Date m_as_of;
  Attribution m_out;
  std::vector<std::string> m_providers;
  std::vector<RegionHit> m_regions;
  std::vector<std::string> m_disputed;  // countries given by disagreeing GeoIP databases
  std::vector<std::string> m_sources;
  mutable core::Evidence m_cname_steps;
};

// Certifications of the declared offer valid on the audit date (a known, complete list), or
// unknown when the provider has valid certified offers but the target does not say which it uses.
void Attributor::certification_facts() {
  if (m_providers.empty()) {
    m_out.facts.set_status("certifications", core::FactStatus::unknown, "no provider attributed");
    m_out.facts.set_status("certifications.schemes", core::FactStatus::unknown, "no provider attributed");
    return;
  }
  std::vector<std::string> valid_offers, certs, schemes;
  for (const auto& id : m_providers) {
    const Provider* p = find_provider(id);
    for (const auto& c : p != nullptr ? p->certifications : std::vector<Certification>{}) {
      if (!c.valid_on(m_as_of)) continue;
      add_unique(valid_offers, c.key());
      if (c.offer != m_obs.declared_offer) continue;
      step("certification", c.offer, c.key(),
           fmt::format("{} {} from {}{}", to_string(c.status), c.reference, c.from.to_string(),
                       c.until ? " until " + c.until->to_string() : ""),
           "high", cite(c.loc, c.sourcing));
      add_unique(certs, c.key());
      add_unique(schemes, c.scheme);
    }
  }
  if (m_obs.declared_offer.empty() && !valid_offers.empty()) {
    const std::string why = fmt::format("provider {} has qualified offers [{}] but the target's offer is not declared",
                                        fmt::join(m_providers, ", "), fmt::join(valid_offers, ", "));
    m_out.facts.set_status("certifications", core::FactStatus::unknown, why);
    m_out.facts.set_status("certifications.schemes", core::FactStatus::unknown, why);
    return;
  }
  m_out.facts.set_known("certifications", certs, rules_provenance());
  m_out.facts.set_known("certifications.schemes", schemes, rules_provenance());
}

}  // namespace

Observations declared_observations(const core::Target& target) {
  Observations obs;
  obs.subject = target.value.empty() ? target.id : target.value;
  auto tag = [&](const char* key) {
    auto it = target.tags.find(key);
    return it == target.tags.end() ? std::string() : it->second;
  };
  obs.declared_provider = target.provider.empty() ? tag("provider") : target.provider;
  obs.declared_region = target.region.empty() ? tag("region") : target.region;
  obs.declared_offer = tag("offer");
  return obs;
}

Attribution attribute(const RuleSet& rules, const Observations& obs, core::Date as_of) {
  return Attributor(rules, obs, as_of).run();
}

}  // namespace policy
