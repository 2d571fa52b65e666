// Attribution: joins one target's observations with the rule data, address by address.
//   1. Provider matches come from the declared resource, provider ranges, CNAME, MX and PTR
//      suffixes (longest suffix wins) and ASNs (ignored for an address a range matches). Each
//      match covers the addresses it speaks for; an address no match covers leaves control
//      unknown, never a shorter "complete" list.
//   2. Each address of a provider gets its operating company: the operator of its region (a
//      region's own operator or a subsidiary), else — where the provider runs subsidiaries
//      abroad — the subsidiary of the country its address sits in (an inference, said so), else
//      the provider's own entity. controlled_by.* is the union of the chains.
//   3. served_from.countries takes, per address, the country of a provider region before the
//      GeoIP country (whose kind — geolocation or registry — sets its confidence); special-use
//      addresses have none; anycast makes it indeterminate.
//   4. Certifications are those of the DECLARED offer, judged on the audit date, and only for
//      the regions they cover (a certificate with no region list covers the regions run by the
//      provider's own entity).
// A target whose name was not observed, or whose answers are partial, gets unknown facts with
// the reason: declared tags are intent, never a substitute for a failed observation.
#include "policy/attribute.hpp"

#include "core/ip.hpp"
#include "core/special_ip.hpp"
#include "core/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

namespace policy {

namespace {

constexpr std::string_view k_methods[] = {"declared", "ip-range", "cname-suffix", "mx-suffix", "ptr-suffix", "asn"};

int rank(std::string_view method) {
  for (int i = 0; i < 6; ++i) {
    if (k_methods[i] == method) return i;
  }
  return 6;
}

std::string cite(const SourceLocation& loc, const Sourcing& s) {
  return s.as_of ? fmt::format("{} (as of {})", loc.file, s.as_of->to_string()) : loc.file;
}

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

const std::vector<std::string> k_location_facts = {"served_from.countries", "served_from.regions",
                                                   "served_from.status"};
const std::vector<std::string> k_control_facts = {"controlled_by.providers", "controlled_by.entities",
                                                  "controlled_by.countries", "controlled_by.laws"};
const std::vector<std::string> k_certification_facts = {"certifications", "certifications.schemes"};

struct RegionHit {
  std::string provider;
  const Region* region = nullptr;  // nullptr when the rule data does not know the region
  std::string raw;
  std::string address;  // empty for a declared region
};

// Where one address is served from.
struct Place {
  std::string country;  // empty when not known
  core::FactStatus status = core::FactStatus::unknown;
  std::string confidence;
  std::string why;  // when not known
};

// The company that runs a provider's addresses (or declared region) for this target.
struct OperatorHit {
  std::vector<ControlLink> chain;  // operator first
  bool own = true;                 // the provider's own entity
  std::string confidence;
};

// Rank of a certification state when one offer has several records for a scheme (history).
int state_rank(std::string_view state) {
  constexpr std::string_view order[] = {"valid",   "uncertain",    "unconfirmed", "in-progress",
                                        "not-yet", "out-of-scope", "expired",     "withdrawn"};
  for (int i = 0; i < 8; ++i) {
    if (order[i] == state) return i;
  }
  return 8;
}

// True when the rule data says which country the region is in (a region may be known to exist
// without a sourced location; it then gives no country).
bool located(const RegionHit& hit) { return hit.region != nullptr && !hit.region->country.empty(); }

class Attributor {
 public:
  Attributor(const RuleSet& rules, const Observations& obs, core::Date as_of)
      : m_rules(rules), m_obs(obs), m_as_of(as_of) {}

  Attribution run() {
    if (!m_obs.unobserved.empty()) {
      unobserved();
      return std::move(m_out);
    }
    classify_addresses();
    match_declared();
    match_ranges();
    match_names(cname_names(), "cname-suffix", "high");
    match_names(m_obs.mx_hosts, "mx-suffix", "high");
    match_ptrs();
    match_asns();
    std::stable_sort(m_out.matches.begin(), m_out.matches.end(),
                     [](const auto& a, const auto& b) { return rank(a.method) < rank(b.method); });
    for (const auto& m : m_out.matches) add_unique(m_providers, m.provider);
    place_addresses();
    countries_facts();
    regions_fact();
    providers_facts();
    certification_facts();
    tls_fact();
    return std::move(m_out);
  }

 private:
  core::Provenance rules_provenance() const { return {"rules", fmt::format("{}", fmt::join(m_sources, ", ")), ""}; }
  bool declared_basis() const { return m_obs.basis == Basis::declared; }

  void step(std::string kind, std::string subject, std::string value, std::string method, std::string confidence,
            std::string source) {
    m_out.evidence.push_back({std::move(kind), std::move(subject), std::move(value), std::move(method),
                              std::move(confidence), std::move(source)});
  }

  void set_unknown(const std::vector<std::string>& paths, const std::string& why) {
    for (const auto& path : paths) m_out.facts.set_status(path, core::FactStatus::unknown, why);
  }

  const Provider* find_provider(const std::string& id) const {
    auto it = m_rules.providers.find(id);
    return it == m_rules.providers.end() ? nullptr : &it->second;
  }

  // --- a name that was not observed -------------------------------------------------------

  void unobserved() {
    const std::string why =
        fmt::format("{} was not observed ({}); declared tags are intent, not evidence of where it is served",
                    m_obs.subject, m_obs.unobserved);
    declared_intent_step();
    set_unknown(k_location_facts, why);
    set_unknown(k_control_facts, why);
    set_unknown(k_certification_facts, why);
  }

  void declared_intent_step() {
    std::vector<std::string> parts;
    if (!m_obs.declared_provider.empty()) parts.push_back("provider " + m_obs.declared_provider);
    if (!m_obs.declared_region.empty()) parts.push_back("region " + m_obs.declared_region);
    if (!m_obs.declared_offer.empty()) parts.push_back("offer " + m_obs.declared_offer);
    if (parts.empty()) return;
    step("declared", m_obs.subject, fmt::format("{}", fmt::join(parts, ", ")),
         "declared in the manifest (intent, not observed)", "", "inventory");
  }

  // --- addresses ---------------------------------------------------------------------------

  // Special-use addresses (private, documentation, …) have no location and no provider range.
  void classify_addresses() {
    for (const auto& a : all_addresses()) {
      auto ip = core::parse_ip(a);
      if (!ip) continue;
      if (auto use = core::special_use(*ip)) {
        m_special[a] = core::describe(*use);
        step("address", a, "special-use", fmt::format("{} resolves to {}: {}", m_obs.subject, a, core::describe(*use)),
             "high", std::string(use->reference));
      }
    }
  }

  std::vector<std::string> all_addresses() const {
    std::vector<std::string> out = m_obs.addresses;
    for (const auto& r : m_obs.ranges) add_unique(out, r.address);
    for (const auto& g : m_obs.geo) add_unique(out, g.address);
    return out;
  }

  bool special(const std::string& address) const { return m_special.contains(address); }

  // The addresses a name match on `name` speaks for.
  std::vector<std::string> reached_through(const std::string& name) const {
    if (m_obs.address_names.empty()) return all_addresses();
    std::vector<std::string> out;
    for (const auto& [address, names] : m_obs.address_names) {
      if (std::find(names.begin(), names.end(), name) != names.end()) out.push_back(address);
    }
    return out;
  }

  // --- provider matches --------------------------------------------------------------------

  void add_match(const std::string& provider, std::string method, std::string confidence, const std::string& subject,
                 const std::string& value, const std::vector<std::string>& covers) {
    for (const auto& a : covers) m_cover[a].insert(provider);
    for (const auto& m : m_out.matches) {
      if (m.provider == provider && m.method == method && m.subject == subject) return;
    }
    const Provider* p = find_provider(provider);
    step("provider", subject, provider, fmt::format("{} ({})", method, value), confidence,
         p != nullptr ? cite(p->loc, p->network_sourcing) : "");
    m_out.matches.push_back({provider, std::move(method), std::move(confidence), subject, value});
  }

  void add_region(const std::string& provider, const std::string& raw, const std::string& address) {
    const Provider* p = find_provider(provider);
    const Region* r = p != nullptr ? p->find_region(raw) : nullptr;
    m_regions.push_back({provider, r, raw, address});
    const std::string value = fmt::format("{}:{}", provider, r != nullptr ? r->code : raw);
    std::string how = r == nullptr     ? "region not in the rule data"
                      : r->code == raw ? "region code"
                                       : fmt::format("feed alias '{}' of {}", raw, r->code);
    if (address.empty()) how = (declared_basis() ? "declared " : "declared in the manifest (intent): ") + how;
    step("region", address.empty() ? m_obs.subject : address, value, how, r != nullptr ? "high" : "low",
         p != nullptr ? cite(p->loc, p->region_sourcing) : "");
  }

  void match_declared() {
    if (m_obs.declared_provider.empty()) return;
    // A declaration speaks for the target only when the target is itself a declaration.
    add_match(m_obs.declared_provider, "declared", "high", m_obs.subject,
              declared_basis() ? "inventory" : "inventory, intent",
              declared_basis() ? all_addresses() : std::vector<std::string>{});
    if (!m_obs.declared_region.empty()) add_region(m_obs.declared_provider, m_obs.declared_region, "");
  }

  void match_ranges() {
    for (const auto& r : m_obs.ranges) {
      if (special(r.address)) continue;
      add_match(r.provider, "ip-range", "high", r.address,
                r.service.empty() ? r.source : fmt::format("{} service {}", r.source, r.service), {r.address});
      if (!r.region.empty()) add_region(r.provider, r.region, r.address);
    }
  }

  std::vector<std::string> cname_names() {
    std::vector<std::string> names{m_obs.subject};
    names.insert(names.end(), m_obs.cname_chain.begin(), m_obs.cname_chain.end());
    for (std::size_t i = 1; i < names.size(); ++i) step("cname", names[i - 1], names[i], "dns CNAME", "high", "dns");
    return names;
  }

  // The provider whose suffix (of `method`'s kind) is the longest one `name` ends with.
  std::pair<const Provider*, const std::string*> best_suffix(const std::string& name, std::string_view method) const {
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
    return {best, best_suffix};
  }

  void match_names(const std::vector<std::string>& names, std::string_view method, std::string_view confidence) {
    for (const auto& name : names) {
      auto [best, suffix] = best_suffix(name, method);
      if (best != nullptr) {
        add_match(best->id, std::string(method), std::string(confidence), name, "suffix " + *suffix,
                  reached_through(name));
      }
    }
  }

  void match_ptrs() {
    for (const auto& ptr : m_obs.ptr_names) {
      auto [best, suffix] = best_suffix(ptr.name, "ptr-suffix");
      if (best != nullptr) add_match(best->id, "ptr-suffix", "medium", ptr.name, "suffix " + *suffix, {ptr.address});
    }
  }

  void match_asns() {
    for (const auto& a : m_obs.asns) {
      if (special(a.address)) continue;
      const bool ranged =
          std::any_of(m_obs.ranges.begin(), m_obs.ranges.end(), [&](const auto& r) { return r.address == a.address; });
      if (ranged) continue;  // a provider range is stronger evidence for the same address
      step("asn", a.address, fmt::format("AS{}", a.asn), a.source.empty() ? "geoip asn" : a.source, "high", a.source);
      for (const auto& [id, p] : m_rules.providers) {
        if (std::find(p.asns.begin(), p.asns.end(), a.asn) != p.asns.end()) {
          add_match(id, "asn", "medium", a.address, fmt::format("AS{}", a.asn), {a.address});
        }
      }
    }
  }

  // --- where each address is served from ---------------------------------------------------

  // A database that does not say what it holds is taken as the weakest kind, a registry.
  static std::string confidence_of_kind(std::string_view kind) {
    if (kind == "provider-feed") return "high";
    if (kind == "geolocation") return "medium";
    return "low";
  }

  static std::string method_of_kind(std::string_view kind) {
    if (kind == "registry") return "registry country (WHOIS registrant's country, not a geolocation)";
    if (kind == "provider-feed") return "provider feed country";
    if (kind == "geolocation") return "geolocation country";
    return "country of a database that does not say what it holds (taken as a registry country)";
  }

  void place_addresses() {
    for (const auto& a : all_addresses()) m_places[a] = place_of(a);
  }

  Place place_of(const std::string& address) {
    if (auto it = m_special.find(address); it != m_special.end()) {
      return {"", core::FactStatus::unknown, "", it->second};
    }
    for (const auto& hit : m_regions) {
      if (hit.address == address && located(hit)) {
        step("country", address, hit.region->country, fmt::format("region {}:{}", hit.provider, hit.region->code),
             "high", "rules");
        return {hit.region->country, core::FactStatus::known, "high", ""};
      }
    }
    Place disputed{"", core::FactStatus::inconclusive, "low", "GeoIP databases disagree on the country"};
    bool is_disputed = false;
    for (const auto& g : m_obs.geo) {
      if (g.address != address) continue;
      if (g.status == core::FactStatus::known && !g.country.empty()) {
        const std::string confidence = confidence_of_kind(g.kind);
        step("country", address, g.country, method_of_kind(g.kind), confidence, g.source);
        return {g.country, core::FactStatus::known, confidence, ""};
      }
      if (g.status == core::FactStatus::inconclusive) {
        // Databases disagree: keep every answer, as evidence and as candidate values.
        is_disputed = true;
        step("country", address, g.country, method_of_kind(g.kind) + " (databases disagree)", "low", g.source);
        add_unique(m_disputed, g.country);
      }
    }
    if (is_disputed) return disputed;
    return {"", core::FactStatus::unknown, "", fmt::format("no country for {}", address)};
  }

  bool anycast() const {
    if (m_obs.anycast) return true;
    for (const auto& m : m_out.matches) {
      const Provider* p = find_provider(m.provider);
      if (p != nullptr && p->anycast && m.method != "declared") return true;
    }
    return false;
  }

  // "the addresses are anycast (an edge network of Amazon Web Services): no single location".
  std::string anycast_reason() const {
    std::vector<std::string> names;
    for (const auto& m : m_out.matches) {
      const Provider* p = find_provider(m.provider);
      if (p != nullptr && m.method != "declared" && m.method != "asn") add_unique(names, p->name);
    }
    return names.empty()
               ? "the addresses are anycast: they have no single location"
               : fmt::format("the addresses are anycast (an edge network of {}): they have no single location",
                             fmt::join(names, ", "));
  }

  std::string incomplete_reason() const {
    return fmt::format("the DNS answers are incomplete ({}): facts built from part of the answers are not complete",
                       fmt::join(m_obs.incomplete, "; "));
  }

  void countries_facts() {
    std::vector<std::string> countries;
    core::FactStatus status = core::FactStatus::known;
    std::string why;
    std::string confidence = "high";
    const auto addresses = all_addresses();
    for (const auto& a : addresses) {
      const Place& place = m_places[a];
      if (place.status == core::FactStatus::known) {
        add_unique(countries, place.country);
        confidence = std::string(core::lower_confidence(confidence, place.confidence));
      } else if (place.status == core::FactStatus::inconclusive) {
        if (status == core::FactStatus::known) status = core::FactStatus::inconclusive;
        if (why.empty()) why = place.why;
      } else {
        status = core::FactStatus::unknown;
        if (why.empty() || m_special.contains(a)) why = place.why;
      }
    }
    if (addresses.empty()) {
      for (const auto& hit : m_regions) {
        if (located(hit) && hit.address.empty() && declared_basis()) add_unique(countries, hit.region->country);
      }
      if (countries.empty()) {
        status = core::FactStatus::unknown;
        why = declared_basis() ? "the declared resource names no region the rule data knows" : "no address";
        for (const auto& hit : m_regions) {
          if (hit.region != nullptr && hit.region->country.empty() && hit.address.empty() && declared_basis()) {
            why = fmt::format("region {}:{} has no sourced location in the rule data", hit.provider, hit.region->code);
          }
        }
      }
    }
    if (status == core::FactStatus::inconclusive) {
      for (const auto& c : m_disputed) add_unique(countries, c);
    }
    if (!m_obs.incomplete.empty()) {
      status = core::FactStatus::unknown;
      why = incomplete_reason();
    }
    if (anycast() && m_obs.incomplete.empty() && m_special.empty()) {
      status = core::FactStatus::indeterminate;
      why = anycast_reason();
    }
    const core::Provenance prov{"geo", "regions before GeoIP", m_obs.observed_at};
    core::Fact f{status == core::FactStatus::known ? countries : std::vector<std::string>{},
                 status,
                 status == core::FactStatus::known ? "" : why,
                 {core::intern(prov)},
                 {},
                 confidence};
    if (status != core::FactStatus::known) f.values = countries;
    f.partial = status == core::FactStatus::unknown && !countries.empty();  // the countries seen so far
    m_out.facts.set("served_from.countries", std::move(f));
    m_out.facts.set_known("served_from.status", {std::string(core::to_string(status))}, {"geo", "", m_obs.observed_at});
  }

  void regions_fact() {
    if (!m_obs.incomplete.empty()) {
      m_out.facts.set_status("served_from.regions", core::FactStatus::unknown, incomplete_reason());
      return;
    }
    auto code_of = [](const RegionHit& hit) {
      return hit.provider + ":" + (hit.region != nullptr ? hit.region->code : hit.raw);
    };
    const RegionHit* declared = nullptr;
    for (const auto& hit : m_regions) {
      if (hit.address.empty()) declared = &hit;
    }
    std::vector<std::string> values;
    bool used_declared = false;
    std::string missing;
    const auto addresses = all_addresses();
    for (const auto& a : addresses) {
      bool found = false;
      for (const auto& hit : m_regions) {
        if (hit.address == a) {
          add_unique(values, code_of(hit));
          found = true;
        }
      }
      if (!found && declared != nullptr && !special(a)) {
        add_unique(values, code_of(*declared));
        used_declared = true;
        found = true;
      }
      if (!found && missing.empty()) missing = a;
    }
    if (addresses.empty() && declared != nullptr && declared_basis()) add_unique(values, code_of(*declared));
    if (!missing.empty() || values.empty()) {
      m_out.facts.set_status("served_from.regions", core::FactStatus::unknown,
                             missing.empty() ? "no provider region declared or found in provider ranges"
                                             : fmt::format("no provider region for {}", missing));
      return;
    }
    core::Provenance prov =
        used_declared ? core::Provenance{"declared", "manifest region (intent)", ""} : rules_provenance();
    m_out.facts.set_known("served_from.regions", values, prov);
  }

  // --- who controls it ---------------------------------------------------------------------

  // The region hit of provider `p` for `address` (or the declared region for an address with
  // none of its own), or nullptr.
  const RegionHit* region_for(const Provider& p, const std::string& address) const {
    const RegionHit* declared = nullptr;
    for (const auto& hit : m_regions) {
      if (hit.provider != p.id) continue;
      if (hit.address == address && !address.empty()) return &hit;
      if (hit.address.empty()) declared = &hit;
    }
    return declared;
  }

  bool runs_through_others(const Provider& p) const {
    if (!p.subsidiaries.empty()) return true;
    return std::any_of(p.regions.begin(), p.regions.end(),
                       [](const auto& kv) { return kv.second.operated_by.has_value(); });
  }

  OperatorHit own(const Provider& p, std::string confidence = "high") const {
    return {p.chain, true, std::move(confidence)};
  }

  OperatorHit region_operator(const Provider& p, const Region& r) const {
    if (!r.operated_by) return own(p);
    std::vector<ControlLink> chain{*r.operated_by};
    if (r.operated_by->role == "subsidiary") {  // a subsidiary keeps its parents
      for (std::size_t i = 1; i < p.chain.size(); ++i) chain.push_back(p.chain[i]);
    }
    return {chain, false, "high"};
  }

  std::string others_of(const Provider& p) const {
    std::vector<std::string> names;
    for (const auto& s : p.subsidiaries) add_unique(names, s.entity);
    for (const auto& [code, r] : p.regions) {
      if (r.operated_by) add_unique(names, r.operated_by->entity);
    }
    return fmt::format("{}", fmt::join(names, ", "));
  }

  // The operator of `p` for one address; nullopt (with `why`) when it cannot be told.
  std::optional<OperatorHit> operator_for(const Provider& p, const std::string& address, std::string& why) {
    const RegionHit* hit = region_for(p, address);
    if (hit != nullptr && hit->region != nullptr) return region_operator(p, *hit->region);
    // A region the rule data does not list is not one of the regions it names an operator for;
    // only a provider with subsidiaries abroad needs the address's country to tell who runs it.
    if (p.subsidiaries.empty()) return own(p);
    if (hit != nullptr && address.empty()) {
      why = fmt::format("region '{}' of {} is not in the rule data, and {} runs subsidiaries abroad ({})", hit->raw,
                        p.id, p.name, others_of(p));
      return std::nullopt;
    }
    auto found = m_places.find(address);
    const Place* place = found == m_places.end() ? nullptr : &found->second;
    if (place == nullptr || place->status != core::FactStatus::known) {
      why = fmt::format(
          "{} runs subsidiaries abroad ({}); without the region or the country of {} the operating company "
          "cannot be told",
          p.name, others_of(p), address.empty() ? m_obs.subject : address);
      return std::nullopt;
    }
    if (const Subsidiary* s = p.subsidiary_in(place->country)) {
      std::vector<ControlLink> chain{{s->entity, s->country, "subsidiary"}};
      for (std::size_t i = 1; i < p.chain.size(); ++i) chain.push_back(p.chain[i]);
      step("entity", address, s->entity,
           fmt::format("inferred: the address sits in {}, where {} operates through {} (no region observed)",
                       place->country, p.name, s->entity),
           "medium", cite(s->loc, p.subsidiary_sourcing));
      return OperatorHit{chain, false, "medium"};
    }
    step("entity", address, p.chain.empty() ? p.id : p.chain.front().entity,
         fmt::format("inferred: the address sits in {}, where {} runs no subsidiary (no region observed)",
                     place->country, p.name),
         "medium", cite(p.loc, p.subsidiary_sourcing));
    return own(p, "medium");
  }

  // The addresses provider `id` speaks for.
  std::vector<std::string> addresses_of(const std::string& id) const {
    std::vector<std::string> out;
    for (const auto& [address, providers] : m_cover) {
      if (providers.contains(id)) out.push_back(address);
    }
    return out;
  }

  // Fill m_operators[provider]; returns false (with `why`) when an operator cannot be told.
  bool find_operators(const Provider& p, std::string& why) {
    auto& ops = m_operators[p.id];
    std::vector<std::string> addresses = addresses_of(p.id);
    if (addresses.empty()) addresses.push_back("");  // the declared region, or the provider itself
    bool ok = true;
    for (const auto& a : addresses) {
      if (a.empty() && region_for(p, a) == nullptr && runs_through_others(p)) {
        why = fmt::format("{} runs regions through other companies ({}); the target's region is not known", p.name,
                          others_of(p));
        return false;
      }
      auto op = operator_for(p, a, why);
      if (!op) {
        ok = false;
        continue;
      }
      const bool seen = std::any_of(ops.begin(), ops.end(), [&](const OperatorHit& o) {
        return !o.chain.empty() && !op->chain.empty() && o.chain.front().entity == op->chain.front().entity;
      });
      if (!seen) ops.push_back(*op);
    }
    return ok;
  }

  std::string unattributed_address() const {
    for (const auto& a : all_addresses()) {
      if (!m_cover.contains(a)) return a;
    }
    return {};
  }

  void providers_facts() {
    if (m_providers.empty()) {
      set_unknown(k_control_facts, "no provider attributed (no declared provider, range, CNAME, PTR or ASN match)");
      return;
    }
    // Why the list of controllers may be short: partial answers, or an address nobody claims.
    std::string partial_why;
    if (!m_obs.incomplete.empty()) {
      partial_why = incomplete_reason();
    } else if (const std::string a = unattributed_address(); !a.empty()) {
      partial_why = fmt::format(
          "{} is not attributed to any provider (no range, ASN, PTR or name match){}: the list of controllers may be "
          "incomplete",
          a, special(a) ? " — " + m_special.at(a) : "");
    }
    set_listed("controlled_by.providers", m_providers, "", partial_why, {"rules", "attribution", m_obs.observed_at});
    std::vector<std::string> missing;
    for (const auto& id : m_providers) {
      if (find_provider(id) == nullptr) missing.push_back(id);
    }
    if (!missing.empty()) {
      set_unknown({"controlled_by.entities", "controlled_by.countries", "controlled_by.laws"},
                  fmt::format("provider {} not in the rule data", fmt::join(missing, ", ")));
      return;
    }
    std::vector<std::string> entities, countries;
    std::string confidence = "high";
    for (const auto& m : m_out.matches) confidence = std::string(core::lower_confidence(confidence, m.confidence));
    for (const auto& id : m_providers) {
      const Provider& p = *find_provider(id);
      add_unique(m_sources, p.loc.file);
      std::string why;
      if (!find_operators(p, why)) {
        // The operators found so far still count; the list is partial.
        if (m_control_unknown.empty()) m_control_unknown = why;
        if (partial_why.empty()) partial_why = why;
      }
      const std::string src = cite(p.loc, p.control_sourcing);
      for (const auto& op : m_operators[id]) {
        confidence = std::string(core::lower_confidence(confidence, op.confidence));
        for (const auto& link : op.chain) {
          step("entity", id, link.entity, link.role.empty() ? "control chain" : "control chain: " + link.role,
               op.confidence, src);
          step("control_country", link.entity, link.country, "country of control", op.confidence, src);
          add_unique(entities, link.entity);
          add_unique(countries, link.country);
        }
      }
    }
    set_listed("controlled_by.entities", entities, confidence, partial_why, rules_provenance());
    set_listed("controlled_by.countries", countries, confidence, partial_why, rules_provenance());
    laws_fact(countries, confidence, partial_why);
  }

  // A known list, or — with `partial_why` — the observed part of an unknown one.
  void set_listed(const std::string& path, std::vector<std::string> values, const std::string& confidence,
                  const std::string& partial_why, core::Provenance prov) {
    core::Fact f{std::move(values), core::FactStatus::known, "", {core::intern(prov)}, {}, confidence};
    if (!partial_why.empty()) {
      f.status = core::FactStatus::unknown;
      f.detail = partial_why;
      f.partial = !f.values.empty();
    }
    m_out.facts.set(path, std::move(f));
  }

  void laws_fact(const std::vector<std::string>& countries, const std::string& confidence,
                 const std::string& partial_why) {
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
    set_listed("controlled_by.laws", laws, confidence, partial_why, rules_provenance());
  }

  // --- certifications of the declared offer -------------------------------------------------

  // Whether certification `c` of provider `p` covers this target's regions and operators.
  // Returns "" when it does, else the state ("out-of-scope" or "uncertain") with `why`.
  std::string scope_of(const Provider& p, const Certification& c, std::string& why) const {
    std::vector<std::string> regions;
    for (const auto& hit : m_regions) {
      if (hit.provider == p.id) add_unique(regions, hit.region != nullptr ? hit.region->code : hit.raw);
    }
    if (!c.regions.empty()) {
      const std::string covered = fmt::format("{}", fmt::join(c.regions, ", "));
      if (regions.empty()) {
        why = fmt::format("covers only {}, and the target's region is not known", covered);
        return "uncertain";
      }
      for (const auto& r : regions) {
        if (std::find(c.regions.begin(), c.regions.end(), r) == c.regions.end()) {
          why = fmt::format("covers only {}, not {}", covered, r);
          return "out-of-scope";
        }
      }
      return "";
    }
    if (!m_control_unknown.empty()) {
      why = fmt::format("is held by {}, and {}", p.chain.empty() ? p.id : p.chain.front().entity, m_control_unknown);
      return "uncertain";
    }
    auto it = m_operators.find(p.id);
    if (it == m_operators.end()) return "";
    for (const auto& op : it->second) {
      if (!op.own && !op.chain.empty()) {
        why = fmt::format("is held by {}; the target is run by {}", p.chain.empty() ? p.id : p.chain.front().entity,
                          op.chain.front().entity);
        return "out-of-scope";
      }
    }
    return "";
  }

  core::CertificationStatus judge_record(const Provider& p, const Certification& c) const {
    core::CertificationStatus s{p.id,
                                c.scheme,
                                c.offer,
                                c.title,
                                c.reference,
                                "",
                                "",
                                c.from.text,
                                c.until ? c.until->text : "",
                                cite(c.loc, c.sourcing)};
    const CertJudgement j = c.judge(m_as_of);
    s.state = std::string(to_string(j.state));
    s.why = j.why;
    if (j.state == CertState::valid) {
      std::string why;
      const std::string scope = scope_of(p, c, why);
      if (!scope.empty()) {
        s.state = scope;
        s.why = why;
      }
    }
    return s;
  }

  void certification_facts() {
    if (m_providers.empty()) {
      set_unknown(k_certification_facts, "no provider attributed");
      return;
    }
    std::vector<std::string> valid_offers;
    std::map<std::string, core::CertificationStatus> best;  // scheme → best record of the declared offer
    for (const auto& id : m_providers) {
      const Provider* p = find_provider(id);
      if (p == nullptr) continue;
      for (const auto& c : p->certifications) {
        if (c.valid_on(m_as_of)) add_unique(valid_offers, c.key());
        if (c.offer != m_obs.declared_offer || m_obs.declared_offer.empty()) continue;
        core::CertificationStatus s = judge_record(*p, c);
        auto it = best.find(c.scheme);
        if (it == best.end() || state_rank(s.state) < state_rank(it->second.state)) best[c.scheme] = s;
      }
    }
    if (m_obs.declared_offer.empty()) {
      if (valid_offers.empty()) {
        m_out.facts.set_known("certifications", {}, rules_provenance());
        m_out.facts.set_known("certifications.schemes", {}, rules_provenance());
        return;
      }
      set_unknown(
          k_certification_facts,
          fmt::format("provider {} has certified offers ({}), but the target does not say which offer it runs on "
                      "(its `offer` tag)",
                      fmt::join(m_providers, ", "), fmt::join(valid_offers, ", ")));
      return;
    }
    core::Fact certs{{}, core::FactStatus::known, "", {core::intern(rules_provenance())}, {}, "high"};
    core::Fact schemes = certs;
    std::vector<std::string> doubts;
    for (const auto& [scheme, s] : best) {
      const std::string key = scheme + ":" + s.offer;
      step("certification", s.offer, key,
           fmt::format("{} {} of {}: {}", scheme_name(scheme), scheme_noun(scheme), s.offer, s.why), "high", s.source);
      if (s.state == "valid") {
        certs.values.push_back(key);
        schemes.values.push_back(scheme);
      } else if (s.state == "uncertain" || s.state == "unconfirmed") {
        certs.possible.push_back(key);
        schemes.possible.push_back(scheme);
        doubts.push_back(fmt::format("{} {} of {} {}", scheme_name(scheme), scheme_noun(scheme), s.offer, s.why));
      }
      m_out.certifications.push_back(s);
    }
    if (!doubts.empty()) certs.detail = schemes.detail = fmt::format("{}", fmt::join(doubts, "; "));
    m_out.facts.set("certifications", std::move(certs));
    m_out.facts.set("certifications.schemes", std::move(schemes));
  }

  // --- TLS --------------------------------------------------------------------------------

  void tls_fact() {
    if (m_obs.tls_terminated_by) {
      m_out.facts.set_known("tls.terminated_by", *m_obs.tls_terminated_by, {"tls", "", m_obs.observed_at});
      return;
    }
    if (!m_obs.declared_tls) return;
    std::vector<std::string> values;
    for (const auto& v : *m_obs.declared_tls) {
      if (v != "origin") {
        add_unique(values, v);
        continue;
      }
      const core::Fact* providers = m_out.facts.find("controlled_by.providers");
      if (providers != nullptr && providers->status == core::FactStatus::known) {
        for (const auto& p : providers->values) add_unique(values, p);
      } else if (!m_providers.empty()) {
        m_out.facts.set_status("tls.terminated_by", core::FactStatus::unknown,
                               "declared to terminate at the origin, whose operator is not known",
                               {"declared", "manifest", ""});
        return;
      }
    }
    for (const auto& v : *m_obs.declared_tls) {
      step("tls", m_obs.subject, v, "declared in the manifest (tls_terminated_by), not observed", "", "inventory");
    }
    m_out.facts.set_known("tls.terminated_by", values, {"declared", "manifest tls_terminated_by", ""});
  }

  const RuleSet& m_rules;
  const Observations& m_obs;
  core::Date m_as_of;
  Attribution m_out;
  std::vector<std::string> m_providers;
  std::vector<RegionHit> m_regions;
  std::map<std::string, std::string> m_special;                 // address → why it has no location
  std::map<std::string, std::set<std::string>> m_cover;         // address → providers that speak for it
  std::map<std::string, Place> m_places;                        // address → where it is served from
  std::map<std::string, std::vector<OperatorHit>> m_operators;  // provider → operating companies
  std::string m_control_unknown;                                // why an operator could not be told
  std::vector<std::string> m_disputed;                          // countries given by disagreeing GeoIP databases
  std::vector<std::string> m_sources;
};

}  // namespace

Observations declared_observations(const core::Target& target) {
  Observations obs;
  obs.subject = target.value.empty() ? target.id : target.value;
  obs.basis = target.kind == core::TargetKind::cloud_resource ? Basis::declared : Basis::observed;
  auto tag = [&](const char* key) {
    auto it = target.tags.find(key);
    return it == target.tags.end() ? std::string() : it->second;
  };
  obs.declared_provider = target.provider.empty() ? tag("provider") : target.provider;
  obs.declared_region = target.region.empty() ? tag("region") : target.region;
  obs.declared_offer = tag("offer");
  if (!target.tls_terminated_by.empty()) obs.declared_tls = target.tls_terminated_by;
  return obs;
}

Attribution attribute(const RuleSet& rules, const Observations& obs, core::Date as_of) {
  return Attributor(rules, obs, as_of).run();
}

}  // namespace policy
