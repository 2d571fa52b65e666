// The procurement comparison, as a list of steps: load the rules, check the policy and provider
// ids, list the offers (each certified offer of a provider; a provider with none is one row), list
// each offer's EEA regions (restricted to the regions its certificates name when they all name
// some), judge the offer in every such region through audit::observe_target and policy::evaluate —
// exactly what `audit` does for a declared cloud resource — keep the region where it passes most,
// and phrase each cell from the facts. Nothing here decides a verdict that evaluate did not.
#include "audit/compare.hpp"

#include "audit/observe.hpp"
#include "core/text.hpp"
#include "policy/evaluate.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

namespace audit {

namespace {

using core::ComparisonCell;
using core::ComparisonOffer;

// The tags a target must carry for the policy's requirements to select it: the first value of
// each applies_to key (a requirement asking another value of the same key shows as not applying).
std::map<std::string, std::string> policy_tags(const policy::Policy& p) {
  std::map<std::string, std::string> tags;
  for (const auto& req : p.requirements) {
    for (const auto& [key, values] : req.applies_to) {
      if (!values.empty()) tags.emplace(key, values.front());
    }
  }
  return tags;
}

std::vector<std::string> offers_of(const policy::Provider& p) {
  auto offers = p.offers();
  if (offers.empty()) return {""};
  return offers;
}

// The provider's EEA regions for `offer`: where every certificate of the offer names regions,
// only those (the offer exists there and nowhere else the sources say).
std::vector<std::string> eea_regions(const std::set<std::string>& eea, const policy::Provider& p,
                                     const std::string& offer) {
  std::set<std::string> named;
  bool all_named = false;
  for (const auto& c : p.certifications) {
    if (c.offer != offer) continue;
    if (c.regions.empty()) {
      all_named = false;
      named.clear();
      break;
    }
    all_named = true;
    named.insert(c.regions.begin(), c.regions.end());
  }
  std::vector<std::string> out;
  for (const auto& [code, region] : p.regions) {
    if (!region.members.empty() || !eea.contains(region.country)) continue;
    if (all_named && !named.contains(code)) continue;
    out.push_back(code);
  }
  return out;
}

std::string scheme_name(std::string_view scheme) { return std::string(policy::scheme_name(scheme)); }

// A law as people name it: the title's parenthetical when it is the law's short name ("CLOUD
// Act"), else the title before any parenthesis.
std::string law_name(const policy::RuleSet& rules, const std::string& id) {
  auto it = rules.laws.find(id);
  if (it == rules.laws.end()) return id;
  const std::string& title = it->second.title;
  const auto open = title.rfind(" (");
  if (open == std::string::npos || !title.ends_with(")")) return title;
  const std::string inner = title.substr(open + 2, title.size() - open - 3);
  const bool has_letter = std::any_of(inner.begin(), inner.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  const bool acronym = std::all_of(inner.begin(), inner.end(),
                                   [](char c) { return (c >= 'A' && c <= 'Z') || c == ' ' || (c >= '0' && c <= '9'); });
  const bool short_name = has_letter && (inner.ends_with(" Act") || inner.ends_with(" Law") || acronym);
  return short_name ? inner : title.substr(0, open);
}

struct Link {
  std::string entity, role, country;
};

// The control chain the attribution used, from its evidence, operator first.
std::vector<Link> chain_of(const core::TargetReport& t) {
  std::vector<Link> out;
  for (const auto& s : t.evidence) {
    if (s.kind == "entity") {
      std::string role =
          s.method.view().starts_with("control chain: ") ? std::string(s.method.view().substr(15)) : "operator";
      if (std::none_of(out.begin(), out.end(), [&](const Link& l) { return l.entity == s.value; }))
        out.push_back({s.value, role, ""});
    } else if (s.kind == "control_country") {
      for (auto& l : out) {
        if (l.entity == s.subject) l.country = s.value;
      }
    }
  }
  return out;
}

std::string link_text(const Link& l) { return fmt::format("{} {} ({})", l.role, l.entity, l.country); }

const core::Fact* known_fact(const core::TargetReport& t, std::string_view path) {
  const core::Fact* f = t.facts.find(path);
  return f != nullptr && f->status == core::FactStatus::known ? f : nullptr;
}

std::string fact_detail(const core::TargetReport& t, std::string_view path) {
  const core::Fact* f = t.facts.find(path);
  if (f == nullptr) return fmt::format("{} is not established", path);
  return f->detail.empty() ? fmt::format("{} is {}", path, core::to_string(f->status)) : f->detail.str();
}

class Phraser {
 public:
  Phraser(const policy::RuleSet& rules, const policy::Provider& p, const std::string& offer, core::Date as_of)
      : m_rules(rules), m_provider(p), m_offer(offer), m_as_of(as_of) {}

  std::string reason(const policy::LeafResult& leaf, core::Verdict v, const core::TargetReport& t) const {
    if (leaf.fact == "controlled_by.laws") return laws(v, t);
    if (leaf.fact == "controlled_by.countries" || leaf.fact == "controlled_by.entities") return control(t);
    if (leaf.fact == "certifications.schemes" || leaf.fact == "certifications") return certification(leaf, v, t);
    if (leaf.fact.starts_with("served_from.")) return location(leaf, v, t);
    if (leaf.fact == "tls.terminated_by") return tls(leaf, v, t);
    return leaf.detail.empty() ? fmt::format("{} {} {}", leaf.fact, policy::to_string(leaf.op), leaf.expected)
                               : leaf.detail;
  }

 private:
  std::string laws(core::Verdict v, const core::TargetReport& t) const {
    const core::Fact* f = known_fact(t, "controlled_by.laws");
    if (f == nullptr) return fact_detail(t, "controlled_by.laws");
    const auto links = chain_of(t);
    if (f->values.empty()) {
      std::vector<std::string> parts;
      for (const auto& l : links) parts.push_back(link_text(l));
      return fmt::format("{}: no law with extraterritorial reach", fmt::join(parts, ", "));
    }
    // The topmost link whose country triggers one of the laws.
    const Link* trigger = nullptr;
    for (const auto& l : links) {
      for (const auto& id : f->values) {
        auto it = m_rules.laws.find(id);
        if (it != m_rules.laws.end() &&
            std::find(it->second.control_countries.begin(), it->second.control_countries.end(), l.country) !=
                it->second.control_countries.end()) {
          trigger = &l;
        }
      }
    }
    std::vector<std::string> names;
    for (const auto& id : f->values) names.push_back(law_name(m_rules, id));
    std::sort(names.begin(), names.end());
    const std::string who = trigger != nullptr ? link_text(*trigger) : m_provider.name;
    if (v == core::Verdict::pass)
      return fmt::format("{}: only {}, which this requirement allows", who, fmt::join(names, ", "));
    return fmt::format("{}: {}", who, fmt::join(names, ", "));
  }

  std::string control(const core::TargetReport& t) const {
    if (known_fact(t, "controlled_by.countries") == nullptr) return fact_detail(t, "controlled_by.countries");
    std::vector<std::string> parts;
    for (const auto& l : chain_of(t)) parts.push_back(link_text(l));
    return fmt::format("{}", fmt::join(parts, ", "));
  }

  // The offer's certificates of `scheme` that are not valid on the date, as a short note.
  // The latest record of `scheme` for the offer, when none is valid on the date: why, in a few
  // words ("SecNumCloud expired on 2026-11-30"); older records are history the JSON keeps.
  std::string history(const std::string& scheme) const {
    const policy::Certification* latest = nullptr;
    for (const auto& c : m_provider.certifications) {
      if (c.offer != m_offer || c.scheme != scheme || c.valid_on(m_as_of)) continue;
      if (latest == nullptr || latest->from < c.from) latest = &c;
    }
    return latest == nullptr ? "" : fmt::format(" ({} {})", scheme_name(scheme), latest->judge(m_as_of).why);
  }

  std::string certification(const policy::LeafResult& leaf, core::Verdict v, const core::TargetReport& t) const {
    const std::string scheme =
        leaf.fact == "certifications" ? leaf.expected.substr(0, leaf.expected.find(':')) : leaf.expected;
    if (v == core::Verdict::unknown) return fact_detail(t, leaf.fact);
    if (v == core::Verdict::pass) {
      for (const auto& c : m_provider.certifications) {
        if (c.offer != m_offer || c.scheme != scheme || !c.valid_on(m_as_of)) continue;
        return fmt::format("{} {}{}, {}", scheme_name(scheme), to_string(c.status),
                           c.reference.empty() ? "" : " (" + c.reference + ")",
                           c.until ? "until " + c.until->text : "no end date published");
      }
      return fmt::format("{} holds", leaf.expected);
    }
    if (m_offer.empty()) return fmt::format("{} has no certified offer in the rule data", m_provider.name);
    return fmt::format("no {} certificate valid on {} for offer {}{}", scheme_name(scheme), m_as_of.to_string(),
                       m_offer, history(scheme));
  }

  std::string region_label(const core::TargetReport& t) const {
    const policy::Region* r = m_provider.find_region(t.target.region);
    if (r == nullptr) return t.target.region;
    std::string place = r->city.empty() ? r->country : fmt::format("{}, {}", r->city, r->country);
    return place.empty() ? r->code : fmt::format("{} ({})", r->code, place);
  }

  std::string location(const policy::LeafResult& leaf, core::Verdict v, const core::TargetReport& t) const {
    if (t.target.region.empty()) return fmt::format("{} has no EEA region in the rule data", m_provider.name);
    if (v == core::Verdict::unknown) return fact_detail(t, leaf.fact);
    const std::string set = leaf.expected.starts_with("@") ? leaf.expected.substr(1) : leaf.expected;
    if (v == core::Verdict::pass) {
      return leaf.fact == "served_from.status" ? fmt::format("location known: {}", region_label(t))
                                               : fmt::format("served from {}", region_label(t));
    }
    return fmt::format("served from {}, not in {}", region_label(t), set);
  }

  std::string tls(const policy::LeafResult& leaf, core::Verdict v, const core::TargetReport& t) const {
    if (v == core::Verdict::unknown) return fact_detail(t, "tls.terminated_by");
    if (v == core::Verdict::pass) return fmt::format("TLS terminates at {} itself", m_provider.name);
    std::string set = leaf.expected.starts_with("@") ? leaf.expected.substr(1) : leaf.expected;
    if (auto it = m_rules.sets.find(set); it != m_rules.sets.end() && !it->second.title.empty()) set = it->second.title;
    return fmt::format("TLS terminates at {} itself, one of: {}", m_provider.name, set);
  }

  const policy::RuleSet& m_rules;
  const policy::Provider& m_provider;
  const std::string& m_offer;
  core::Date m_as_of;
};

// The leaf that decided a result: the first false one of a fail, the first unknown one of an
// unknown, else the first true one.
const policy::LeafResult* deciding_leaf(const policy::RequirementResult& r) {
  const policy::Tri want = r.verdict == core::Verdict::fail      ? policy::Tri::no
                           : r.verdict == core::Verdict::unknown ? policy::Tri::unknown
                                                                 : policy::Tri::yes;
  for (const auto& leaf : r.explanation.leaves) {
    if (leaf.value == want) return &leaf;
  }
  return r.explanation.leaves.empty() ? nullptr : &r.explanation.leaves.front();
}

struct Judged {
  core::TargetReport report;
  std::vector<ComparisonCell> cells;
  core::Counts counts;
};

class Comparer {
 public:
  Comparer(const policy::RuleSet& rules, const policy::Policy& policy, core::Date as_of)
      : m_rules(rules), m_policy(policy), m_as_of(as_of), m_tags(policy_tags(policy)) {
    if (auto eea = rules.resolve_set("EEA", as_of)) m_eea.insert(eea->begin(), eea->end());
  }

  const std::map<std::string, std::string>& tags() const { return m_tags; }
  bool has_eea() const { return !m_eea.empty(); }

  ComparisonOffer offer(const policy::Provider& p, const std::string& offer) {
    ComparisonOffer out;
    out.provider = p.id;
    out.provider_name = p.name;
    out.offer = offer;
    out.eea_regions = eea_regions(m_eea, p, offer);
    std::optional<Judged> best;
    std::string best_region;
    const std::vector<std::string> candidates =
        out.eea_regions.empty() ? std::vector<std::string>{""} : out.eea_regions;
    const std::set<std::string> named = certified_regions(p, offer);
    for (const auto& region : candidates) {
      Judged j = judge(p, offer, region);
      // Most passes, then fewest fails; on a tie, a region the offer's valid certificates name.
      const bool tie = best && j.counts.pass == best->counts.pass && j.counts.fail == best->counts.fail;
      if (!best || better(j.counts, best->counts) || (tie && named.contains(region) && !named.contains(best_region))) {
        best = std::move(j);
        best_region = region;
      }
    }
    out.region = best_region;
    out.region_label = label(p, best_region);
    out.cells = std::move(best->cells);
    out.counts = best->counts;
    out.evidence = std::move(best->report.evidence);
    out.certifications = certifications(p, offer);
    return out;
  }

 private:
  static bool better(const core::Counts& a, const core::Counts& b) {
    return a.pass != b.pass ? a.pass > b.pass : a.fail < b.fail;
  }

  // The regions the offer's certificates valid on the date name.
  std::set<std::string> certified_regions(const policy::Provider& p, const std::string& offer) const {
    std::set<std::string> out;
    for (const auto& c : p.certifications) {
      if (c.offer == offer && c.valid_on(m_as_of)) out.insert(c.regions.begin(), c.regions.end());
    }
    return out;
  }

  std::string label(const policy::Provider& p, const std::string& region) const {
    const policy::Region* r = region.empty() ? nullptr : p.find_region(region);
    if (r == nullptr) return region;
    return r->city.empty() ? fmt::format("{} ({})", r->code, r->country)
                           : fmt::format("{} ({}, {})", r->code, r->city, r->country);
  }

  Judged judge(const policy::Provider& p, const std::string& offer, const std::string& region) {
    core::Target t;
    t.id = offer.empty() ? p.id : fmt::format("{}/{}", p.id, offer);
    t.kind = core::TargetKind::cloud_resource;
    t.provider = p.id;
    t.region = region;
    t.service = "offer";
    t.tags = m_tags;
    if (!offer.empty()) t.tags["offer"] = offer;
    std::vector<std::string> warnings;
    Judged j{observe_target(t, m_dns, m_geoip, m_rules, m_as_of, warnings), {}, {}};
    // The offer is compared as hosted by its own provider: TLS terminates there.
    j.report.facts.set_known("tls.terminated_by", {p.id},
                             {"declared", "compare: TLS terminates at the offer's own provider", ""});
    j.report.evidence.push_back(
        {"tls", t.id, p.id, "declared: TLS terminates at the offer's own provider", "high", "compare"});
    const Phraser phrase(m_rules, p, offer, m_as_of);
    for (const auto& req : m_policy.requirements) {
      ComparisonCell cell;
      cell.requirement_id = req.id;
      if (!policy::applies(req, t.tags)) {
        cell.applies = false;
        cell.reason = "does not apply to the tags this comparison uses";
        j.cells.push_back(std::move(cell));
        continue;
      }
      const auto r = policy::evaluate(m_rules, req, j.report.facts, m_as_of);
      cell.verdict = r.verdict;
      const policy::LeafResult* leaf = deciding_leaf(r);
      cell.reason = leaf != nullptr ? phrase.reason(*leaf, r.verdict, j.report) : "the check has no test";
      (r.verdict == core::Verdict::pass   ? j.counts.pass
       : r.verdict == core::Verdict::fail ? j.counts.fail
                                          : j.counts.unknown)++;
      j.cells.push_back(std::move(cell));
    }
    return j;
  }

  std::vector<core::ComparisonCertification> certifications(const policy::Provider& p, const std::string& offer) const {
    std::vector<core::ComparisonCertification> out;
    for (const auto& c : p.certifications) {
      if (c.offer != offer) continue;
      const policy::CertJudgement j = c.judge(m_as_of);
      out.push_back({c.key(), c.scheme, c.title, std::string(policy::to_string(c.status)), c.from.text,
                     c.until ? c.until->text : "", c.reference, c.regions, std::string(policy::to_string(j.state)),
                     j.state == policy::CertState::valid, j.why});
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return std::tie(b.valid, a.key, a.from) < std::tie(a.valid, b.key, b.from);
    });
    return out;
  }

  const policy::RuleSet& m_rules;
  const policy::Policy& m_policy;
  core::Date m_as_of;
  std::map<std::string, std::string> m_tags;
  std::set<std::string> m_eea;
  Recording m_dns;
  geo::DatabaseSet m_geoip;
};

core::Result<void> check_ids(const CompareOptions& opt, const policy::RuleSet& rules) {
  std::vector<std::string> policies, providers;
  for (const auto& [id, p] : rules.policies) policies.push_back(id);
  for (const auto& [id, p] : rules.providers) providers.push_back(id);
  if (!rules.policies.contains(opt.policy)) {
    auto hint = core::closest(opt.policy, policies);
    return core::fail(core::ErrorCode::usage,
                      fmt::format("unknown policy '{}'{}; expected one of: {}", opt.policy,
                                  hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", fmt::join(policies, ", ")),
                      "--policy");
  }
  for (const auto& id : opt.providers) {
    if (rules.providers.contains(id)) continue;
    auto hint = core::closest(id, providers);
    return core::fail(
        core::ErrorCode::usage,
        fmt::format("unknown provider '{}'{}; expected provider ids such as {}", id,
                    hint ? fmt::format(" (did you mean '{}'?)", *hint) : "",
                    fmt::join(providers.begin(), providers.begin() + std::min<std::size_t>(6, providers.size()), ", ")),
        "--providers");
  }
  return {};
}

core::RequirementInfo info_of(const policy::Requirement& req) {
  core::RequirementInfo info{req.id,        req.policy,      req.title, req.severity,
                             req.rationale, req.remediation, {},        std::string(policy::to_string(req.on_unknown))};
  for (const auto& ref : req.references) info.references.push_back({ref.citation, ref.url});
  return info;
}

}  // namespace

core::Result<core::ComparisonResult> compare(const CompareOptions& opt, core::Diag& diag) {
  const core::Date as_of = opt.as_of ? *opt.as_of : core::today_utc();
  policy::LoadOptions rule_opts = opt.rules;
  rule_opts.as_of = as_of;
  auto rules = policy::load_rules(rule_opts, diag);
  if (!rules) return std::unexpected(rules.error());
  if (auto ok = check_ids(opt, *rules); !ok) return std::unexpected(ok.error());
  const policy::Policy& pol = rules->policies.at(opt.policy);

  core::ComparisonResult result;
  result.tool_version = opt.tool_version;
  result.as_of = as_of;
  result.policy_id = pol.id;
  result.policy_title = pol.title;
  for (const auto& req : pol.requirements) result.requirements.push_back(info_of(req));
  for (const auto& f : rules->files) result.sources.push_back({"rules", f, ""});
  Comparer comparer(*rules, pol, as_of);
  result.tags = comparer.tags();
  if (!comparer.has_eea()) result.warnings.push_back("the rule data defines no @EEA set: no offer has an EEA region");
  const std::set<std::string> wanted(opt.providers.begin(), opt.providers.end());
  for (const auto& [id, provider] : rules->providers) {
    if (!wanted.empty() && !wanted.contains(id)) continue;
    for (const auto& offer : offers_of(provider)) result.offers.push_back(comparer.offer(provider, offer));
  }
  std::stable_sort(result.offers.begin(), result.offers.end(), [](const auto& a, const auto& b) {
    return std::tie(b.counts.pass, a.counts.fail, a.counts.unknown, a.provider, a.offer) <
           std::tie(a.counts.pass, b.counts.fail, b.counts.unknown, b.provider, b.offer);
  });
  return result;
}

}  // namespace audit
