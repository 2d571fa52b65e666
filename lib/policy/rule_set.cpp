// Queries on the loaded rule data: region aliases, certification validity, and set expansion,
// including the sets derived from adequacy decisions at the audit date (@adequacy,
// @adequacy-partial). Nested sets ("@EEA" contains "@EU") are each expanded once per query.
#include "policy/rule_set.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace policy {

namespace {

// Expand `values` into `out`; every named set is expanded at most once per call (`seen`), so a
// set that names itself, or a set named many times, costs one pass (rules validate reports cycles).
void expand_into(const RuleSet& rules, const std::vector<std::string>& values, core::Date as_of,
                 std::vector<std::string>& seen, std::vector<std::string>& out, std::vector<std::string>* missing) {
  for (const auto& v : values) {
    if (!v.starts_with("@")) {
      if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
      continue;
    }
    if (std::find(seen.begin(), seen.end(), v) != seen.end()) continue;
    seen.push_back(v);
    const std::string_view name = std::string_view(v).substr(1);
    if (name == "adequacy" || name == "adequacy-partial") {
      auto derived = rules.resolve_set(v, as_of);
      for (auto& m : *derived) {
        if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
      }
      continue;
    }
    auto it = rules.sets.find(std::string(name));
    if (it == rules.sets.end()) {
      if (missing != nullptr) missing->push_back(v);
      continue;
    }
    expand_into(rules, it->second.members, as_of, seen, out, missing);
  }
}

}  // namespace

std::string_view to_string(CertStatus status) {
  switch (status) {
    case CertStatus::qualified:
      return "qualified";
    case CertStatus::certified:
      return "certified";
    case CertStatus::attested:
      return "attested";
    case CertStatus::in_progress:
      return "in-progress";
    case CertStatus::withdrawn:
      return "withdrawn";
  }
  return "?";
}

std::string_view to_string(OnUnknown value) {
  switch (value) {
    case OnUnknown::fail:
      return "fail";
    case OnUnknown::warn:
      return "warn";
    case OnUnknown::pass:
      return "pass";
  }
  return "fail";
}

std::string_view to_string(CertState state) {
  switch (state) {
    case CertState::valid:
      return "valid";
    case CertState::not_yet:
      return "not-yet";
    case CertState::expired:
      return "expired";
    case CertState::uncertain:
      return "uncertain";
    case CertState::unconfirmed:
      return "unconfirmed";
    case CertState::in_progress:
      return "in-progress";
    case CertState::withdrawn:
      return "withdrawn";
  }
  return "?";
}

std::string_view scheme_name(std::string_view scheme) {
  if (scheme == "secnumcloud") return "SecNumCloud";
  if (scheme == "hds") return "HDS";
  if (scheme == "c5") return "C5";
  if (scheme == "eucs") return "EUCS";
  if (scheme == "iso27001") return "ISO/IEC 27001";
  return scheme;
}

std::string_view scheme_noun(std::string_view scheme) {
  if (scheme == "secnumcloud") return "qualification";
  if (scheme == "c5") return "attestation";
  return "certificate";
}

CertJudgement Certification::judge(core::Date date) const {
  const std::string granted = status == CertStatus::qualified  ? "qualified"
                              : status == CertStatus::attested ? "attested"
                                                               : "certified";
  if (status == CertStatus::in_progress) {
    const std::string goal = scheme == "secnumcloud" ? "qualified" : scheme == "c5" ? "attested" : "certified";
    return {CertState::in_progress, fmt::format("in progress since {}, not {}", from.text, goal)};
  }
  if (status == CertStatus::withdrawn) return {CertState::withdrawn, fmt::format("withdrawn ({})", from.text)};
  if (date < from.earliest) return {CertState::not_yet, fmt::format("{} only from {}", granted, from.text)};
  if (until && date > until->latest) return {CertState::expired, fmt::format("expired on {}", until->text)};
  if (date < from.latest) {
    return {CertState::uncertain, fmt::format("{} in {}, on a day the sources do not give", granted, from.text)};
  }
  if (until && date > until->earliest) {
    return {CertState::uncertain, fmt::format("ends in {}, on a day the sources do not give", until->text)};
  }
  if (!until && recheck && date > *recheck) {
    return {CertState::unconfirmed,
            fmt::format("has no published end date and was to be re-checked by {}; not confirmed since",
                        recheck->to_string())};
  }
  if (until) return {CertState::valid, fmt::format("{} from {} until {}", granted, from.text, until->text)};
  return {CertState::valid, fmt::format("{} from {} (no end date published{})", granted, from.text,
                                        recheck ? "; re-check by " + recheck->to_string() : "")};
}

const Region* Provider::find_region(std::string_view code_or_alias) const {
  if (auto it = regions.find(std::string(code_or_alias)); it != regions.end()) return &it->second;
  for (const auto& [code, region] : regions) {
    if (std::find(region.aliases.begin(), region.aliases.end(), code_or_alias) != region.aliases.end()) return &region;
  }
  return nullptr;
}

const Subsidiary* Provider::subsidiary_in(std::string_view country) const {
  for (const auto& s : subsidiaries) {
    if (std::find(s.address_countries.begin(), s.address_countries.end(), country) != s.address_countries.end())
      return &s;
  }
  return nullptr;
}

std::vector<std::string> Provider::offers() const {
  std::vector<std::string> out;
  for (const auto& c : certifications) out.push_back(c.offer);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

const Requirement* RuleSet::find_requirement(std::string_view id) const {
  for (const auto& [pid, policy] : policies) {
    for (const auto& r : policy.requirements) {
      if (r.id == id) return &r;
    }
  }
  return nullptr;
}

std::optional<std::vector<std::string>> RuleSet::resolve_set(std::string_view name, core::Date as_of) const {
  if (name.starts_with("@")) name.remove_prefix(1);
  if (const auto* members = frozen_set(name, as_of)) return *members;
  if (name == "adequacy" || name == "adequacy-partial") {
    std::vector<std::string> out;
    for (const auto& [id, decision] : adequacy) {
      const bool scope_ok = name == "adequacy-partial" || decision.scope == AdequacyScope::full;
      if (scope_ok && decision.stands(as_of) && std::find(out.begin(), out.end(), decision.country) == out.end()) {
        out.push_back(decision.country);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  if (sets.find(std::string(name)) == sets.end()) return std::nullopt;
  return expand({"@" + std::string(name)}, as_of);
}

std::vector<std::string> RuleSet::expand(const std::vector<std::string>& values, core::Date as_of,
                                         std::vector<std::string>* missing) const {
  if (values.size() == 1 && values.front().starts_with("@")) {
    if (const auto* members = frozen_set(values.front(), as_of)) return *members;
  }
  std::vector<std::string> out, seen;
  expand_into(*this, values, as_of, seen, out, missing);
  return out;
}

void RuleSet::freeze_sets(core::Date as_of) {
  frozen_as_of.reset();
  frozen.clear();
  std::map<std::string, std::vector<std::string>, std::less<>> table;
  for (const std::string name : {"adequacy", "adequacy-partial"}) table[name] = *resolve_set(name, as_of);
  for (const auto& [id, set] : sets) {
    if (auto members = resolve_set(id, as_of)) table[id] = std::move(*members);
  }
  frozen = std::move(table);
  frozen_as_of = as_of;
}

const std::vector<std::string>* RuleSet::frozen_set(std::string_view name, core::Date as_of) const {
  if (frozen_as_of != as_of) return nullptr;
  if (name.starts_with("@")) name.remove_prefix(1);
  auto it = frozen.find(name);
  return it == frozen.end() ? nullptr : &it->second;
}

}  // namespace policy
