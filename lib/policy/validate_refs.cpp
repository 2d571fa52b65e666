// The final pass of validation, once every pack of every layer is loaded: dangling references
// (countries, laws, providers, sets, regions, certified offers), values checked against the
// domain of the fact they test (a set used there is checked member by member), requirement ids
// unique across policies, and notes on certifications that are history at --as-of.
#include "policy/builder.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>

namespace policy {

namespace {

std::string hint_for(std::string_view word, const std::vector<std::string>& candidates) {
  auto c = core::closest(word, candidates);
  return c ? fmt::format(" (did you mean '{}'?)", *c) : "";
}

template <typename Map>
std::vector<std::string> keys_of(const Map& m) {
  std::vector<std::string> out;
  for (const auto& [k, v] : m) out.push_back(k);
  return out;
}

std::string upper(std::string s) {
  for (char& c : s) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  return s;
}

const std::vector<std::string>& enum_domain(std::string_view fact) {
  static const std::vector<std::string> none;
  static const std::vector<std::string> status{"known", "inconclusive", "indeterminate", "unknown"};
  static const std::vector<std::string> dns{"ok", "nxdomain", "nodata", "servfail", "timeout", "refused", "loop"};
  static const std::vector<std::string> kinds{"host", "url", "ip", "mail-domain", "cloud-resource"};
  if (fact == "served_from.status") return status;
  if (fact == "dns.status") return dns;
  if (fact == "target.kind") return kinds;
  return none;
}

}  // namespace

void Builder::add_problem_at(const Ref& ref, std::string message) {
  add_problem(core::Level::error, ref.loc, std::move(message));
}

// Return an error message when `value` is not in the domain of `fact`, or an empty string.
std::string Builder::domain_problem(std::string_view fact, const std::string& value) const {
  const RuleSet& r = m_rules;
  if (fact == "served_from.countries" || fact == "controlled_by.countries") {
    if (r.countries.count(value) == 0) {
      // EU texts write EL and UK; ISO 3166-1 says GR and GB. Case is the other common slip.
      const std::string u = upper(value);
      std::string hint = u == "UK" ? "GB" : u == "EL" ? "GR" : u;
      if (r.countries.count(hint) == 0) hint.clear();
      return fmt::format(
          "unknown country code '{}'; expected an ISO 3166-1 alpha-2 code listed in jurisdictions.yaml{}", value,
          hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint));
    }
  } else if (fact == "controlled_by.laws") {
    if (r.laws.count(value) == 0)
      return fmt::format("unknown law '{}'; expected a law id from laws.yaml{}", value,
                         hint_for(value, keys_of(r.laws)));
  } else if (fact == "controlled_by.providers" || fact == "tls.terminated_by") {
    if (r.providers.count(value) == 0) {
      return fmt::format("unknown provider '{}'; expected a provider id from providers/*.yaml{}", value,
                         hint_for(value, keys_of(r.providers)));
    }
  } else if (fact == "served_from.regions") {
    return region_problem(value);
  } else if (fact == "certifications") {
    return offer_problem(value);
  } else if (const auto& domain = enum_domain(fact); !domain.empty()) {
    if (std::find(domain.begin(), domain.end(), value) == domain.end()) {
      return fmt::format("'{}' is not a value of {}; expected one of {}{}", value, fact, fmt::join(domain, ", "),
                         hint_for(value, domain));
    }
  }
  return {};
}

std::string Builder::region_problem(const std::string& value) const {
  const auto colon = value.find(':');
  if (colon == std::string::npos)
    return fmt::format("malformed region '{}'; expected provider:region, e.g. azure:francecentral", value);
  const std::string provider = value.substr(0, colon);
  auto it = m_rules.providers.find(provider);
  if (it == m_rules.providers.end()) {
    return fmt::format("unknown provider '{}' in region '{}'; expected a provider id{}", provider, value,
                       hint_for(provider, keys_of(m_rules.providers)));
  }
  const std::string code = value.substr(colon + 1);
  if (it->second.find_region(code) == nullptr) {
    return fmt::format("unknown region '{}' of provider '{}'; expected a region listed in providers/{}.yaml{}", code,
                       provider, provider, hint_for(code, keys_of(it->second.regions)));
  }
  return {};
}

std::string Builder::offer_problem(const std::string& value) const {
  std::vector<std::string> offers;
  for (const auto& [id, p] : m_rules.providers) {
    for (const auto& c : p.certifications) offers.push_back(c.key());
  }
  if (std::find(offers.begin(), offers.end(), value) != offers.end()) return {};
  return fmt::format("unknown certification '{}'; expected scheme:offer of a certification in providers/*.yaml{}",
                     value, hint_for(value, offers));
}

void Builder::check_reference(const Ref& ref) {
  const RuleSet& r = m_rules;
  std::string problem;
  switch (ref.kind) {
    case Ref::Kind::country:
      problem = domain_problem("served_from.countries", ref.value);
      break;
    case Ref::Kind::law:
      problem = domain_problem("controlled_by.laws", ref.value);
      break;
    case Ref::Kind::provider:
      problem = domain_problem("controlled_by.providers", ref.value);
      break;
    case Ref::Kind::region:
      problem = region_problem(ref.value);
      break;
    case Ref::Kind::offer:
      problem = offer_problem(ref.value);
      break;
    case Ref::Kind::set:
      if (r.sets.count(ref.value) == 0 && ref.value != "adequacy" && ref.value != "adequacy-partial") {
        std::vector<std::string> names{"@adequacy", "@adequacy-partial"};
        for (const auto& [id, set] : r.sets) names.push_back("@" + id);
        problem = fmt::format("unknown set '@{}'; expected a set defined in jurisdictions.yaml or a policy's 'sets'{}",
                              ref.value, hint_for("@" + ref.value, names));
      }
      break;
    case Ref::Kind::fact_value:
      check_fact_value(ref);
      return;
  }
  if (!problem.empty()) add_problem_at(ref, std::move(problem));
}

void Builder::check_fact_value(const Ref& ref) {
  if (!ref.value.starts_with("@")) {
    if (auto problem = domain_problem(ref.fact, ref.value); !problem.empty()) add_problem_at(ref, std::move(problem));
    return;
  }
  const std::string name = ref.value.substr(1);
  if (m_rules.sets.count(name) == 0) return;  // reported as an unknown set
  std::vector<std::string> missing;
  for (const auto& member : m_rules.expand({ref.value}, m_as_of.value_or(core::Date{}), &missing)) {
    auto problem = domain_problem(ref.fact, member);
    if (problem.empty() || !m_checked_members.insert(name + "\n" + member + "\n" + ref.fact).second) continue;
    add_problem_at(ref, fmt::format("set '@{}' (defined at {}) used with {}: {}", name,
                                    m_rules.sets.at(name).loc.to_string(), ref.fact, problem));
  }
}

void Builder::check_requirement_ids() {
  std::map<std::string, SourceLocation> seen;
  for (const auto& [pid, p] : m_rules.policies) {
    for (const auto& req : p.requirements) {
      if (req.id.empty()) continue;
      auto [it, fresh] = seen.emplace(req.id, req.loc);
      if (!fresh) {
        add_problem(
            core::Level::error, req.loc,
            fmt::format("duplicate requirement id '{}' (first defined at {}); expected ids unique across all policies",
                        req.id, it->second.to_string()));
      }
    }
  }
}

void Builder::check_certification_dates() {
  if (!m_as_of) return;
  for (const auto& [id, p] : m_rules.providers) {
    for (const auto& c : p.certifications) {
      const CertJudgement j = c.judge(*m_as_of);
      if (j.state == CertState::expired && !(c.until && c.until->latest < c.from.earliest)) {
        add_problem(
            core::Level::note, c.loc,
            fmt::format(
                "certification '{}' of provider '{}' {}, before --as-of {}; it is history and does not count on "
                "that date",
                c.key(), id, j.why, m_as_of->to_string()));
      } else if (j.state == CertState::unconfirmed) {
        add_problem(
            core::Level::warning, c.loc,
            fmt::format("certification '{}' of provider '{}' {}; it does not count on --as-of {} until the record is "
                        "re-checked",
                        c.key(), id, j.why, m_as_of->to_string()));
      }
    }
  }
}

// A set that contains itself, directly or through others, is an error that names the cycle.
void Builder::check_set_cycles() {
  std::map<std::string, int> state;  // 0 unvisited, 1 on the path, 2 done
  std::vector<std::string> path;
  std::set<std::string> reported;
  std::function<void(const std::string&)> visit = [&](const std::string& id) {
    auto it = m_rules.sets.find(id);
    if (it == m_rules.sets.end() || state[id] == 2) return;
    state[id] = 1;
    path.push_back(id);
    for (const auto& m : it->second.members) {
      if (!m.starts_with("@")) continue;
      const std::string next = m.substr(1);
      if (state[next] == 1) {
        auto from = std::find(path.begin(), path.end(), next);
        std::vector<std::string> cycle(from, path.end());
        cycle.push_back(next);
        std::string text;
        for (const auto& c : cycle) text += (text.empty() ? "@" : " → @") + c;
        if (reported.insert(next).second) {
          add_problem(
              core::Level::error, m_rules.sets.at(next).loc,
              fmt::format("set '@{}' contains itself ({}); expected sets that do not name themselves", next, text));
        }
        continue;
      }
      visit(next);
    }
    path.pop_back();
    state[id] = 2;
  };
  for (const auto& [id, set] : m_rules.sets) visit(id);
}

void Builder::check_law_reviews() {
  if (!m_as_of) return;
  for (const auto& [id, law] : m_rules.laws) {
    if (law.review_by && *law.review_by < *m_as_of) {
      add_problem(core::Level::warning, law.loc,
                  fmt::format("law '{}' was to be re-checked by {} ({}); expected the law's status to be confirmed and "
                              "'review_by' moved on",
                              id, law.review_by->to_string(), law.status_note));
    }
  }
}

void Builder::finish() {
  for (const auto& ref : m_refs) {
    if (!ref.owner.empty()) {
      auto it = m_claims.find(ref.owner);
      if (it != m_claims.end() && it->second.layer != ref.layer) continue;  // the entry was replaced
    }
    check_reference(ref);
  }
  check_requirement_ids();
  check_set_cycles();
  check_certification_dates();
  check_law_reviews();
  std::stable_sort(m_problems.begin(), m_problems.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.loc.file, a.loc.line, a.loc.column) < std::tie(b.loc.file, b.loc.line, b.loc.column);
  });
}

}  // namespace policy
