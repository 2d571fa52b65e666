// The two axes of the reports' picture. A list fact decides its axis when it is known and not
// empty: every country inside the set places the target inside it, one country outside places
// it outside. A partial list (some addresses not located) decides only the second way: one
// country outside is enough to be outside, but the missing part might be anywhere. Everything
// else is unknown, with the fact's own reason as the note.
#include "audit/placement.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace audit {

namespace {

using core::Placement;

std::vector<std::string> members(const policy::RuleSet& rules, std::string_view preferred, std::string_view fallback,
                                 core::Date as_of) {
  if (auto set = rules.resolve_set(preferred, as_of)) return *set;
  return rules.resolve_set(fallback, as_of).value_or(std::vector<std::string>{});
}

std::vector<std::string> members(const policy::RuleSet& rules, std::string_view name, core::Date as_of) {
  return rules.resolve_set(name, as_of).value_or(std::vector<std::string>{});
}

bool all_in(const std::vector<std::string>& values, const std::vector<std::string>& set) {
  return std::all_of(values.begin(), values.end(),
                     [&](const std::string& v) { return std::find(set.begin(), set.end(), v) != set.end(); });
}

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// The note of a fact that does not decide: its detail, else its status.
std::string why_unknown(const core::Fact* fact, std::string_view path) {
  if (fact == nullptr) return fmt::format("{} was not observed", path);
  if (!fact->detail.empty()) return fact->detail.str();
  if (fact->status == core::FactStatus::known) return fmt::format("{} is empty", path);
  return fmt::format("{} is {}", path, core::to_string(fact->status));
}

// Whether the fact can be judged: known with values, or partial (only "outside" can follow).
struct Judgeable {
  const core::Fact* fact = nullptr;
  bool complete = false;
  bool partial = false;
};

Judgeable judgeable(const core::Facts& facts, std::string_view path) {
  Judgeable j{facts.find(path)};
  if (j.fact == nullptr || j.fact->values.empty()) return j;
  j.complete = j.fact->status == core::FactStatus::known;
  j.partial = !j.complete && j.fact->partial;
  return j;
}

void place_served(const policy::RuleSet& rules, const core::Facts& facts, core::Date as_of, Placement& p) {
  const Judgeable j = judgeable(facts, "served_from.countries");
  if (!j.complete && !j.partial) {
    p.served_note = why_unknown(j.fact, "served_from.countries");
    return;
  }
  const auto countries = sorted_unique(j.fact->values);
  const auto eea = members(rules, "EEA-TERRITORY", "EEA", as_of);
  if (eea.empty()) {
    p.served_note = "the rule packs define no @EEA set";
    return;
  }
  auto adequate = eea;
  const auto decisions = members(rules, "adequacy", as_of);
  adequate.insert(adequate.end(), decisions.begin(), decisions.end());
  p.served_note = fmt::format("{}", fmt::join(countries, ", "));
  if (!all_in(countries, adequate)) {
    p.served = Placement::Served::elsewhere;
  } else if (!j.complete) {
    p.served_note += " (some addresses not located)";
  } else {
    p.served = all_in(countries, eea) ? Placement::Served::eea : Placement::Served::adequate;
  }
}

void place_control(const policy::RuleSet& rules, const core::Facts& facts, core::Date as_of, Placement& p) {
  const Judgeable j = judgeable(facts, "controlled_by.countries");
  if (!j.complete && !j.partial) {
    p.control_note = why_unknown(j.fact, "controlled_by.countries");
    return;
  }
  const auto countries = sorted_unique(j.fact->values);
  const auto eu = members(rules, "EU", as_of);
  if (eu.empty()) {
    p.control_note = "the rule packs define no @EU set";
    return;
  }
  p.control_note = fmt::format("{}", fmt::join(countries, ", "));
  if (!all_in(countries, eu)) {
    p.control = Placement::Control::non_eu;
  } else if (!j.complete) {
    p.control_note += " (some operators not identified)";
  } else {
    p.control = Placement::Control::eu;
  }
}

}  // namespace

core::Placement place(const policy::RuleSet& rules, const core::Facts& facts, core::Date as_of) {
  Placement p;
  place_served(rules, facts, as_of, p);
  place_control(rules, facts, as_of, p);
  return p;
}

}  // namespace audit
