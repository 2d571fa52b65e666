// Requirement evaluation: the predicate's three-valued result becomes a verdict (true → pass,
// false → fail, unknown → unknown), and tag selectors decide which targets a requirement covers.
#include "policy/evaluate.hpp"

#include <algorithm>

namespace policy {

RequirementResult evaluate(const RuleSet& rules, const Requirement& requirement, const core::Facts& facts,
                           core::Date as_of) {
  RequirementResult r;
  r.explanation = evaluate_predicate(requirement.check, rules, facts, as_of);
  switch (r.explanation.value) {
    case Tri::yes: r.verdict = core::Verdict::pass; break;
    case Tri::no: r.verdict = core::Verdict::fail; break;
    case Tri::unknown: r.verdict = core::Verdict::unknown; break;
  }
  return r;
}

bool applies(const Requirement& requirement, const std::map<std::string, std::string>& tags) {
  for (const auto& [tag, accepted] : requirement.applies_to) {
    auto it = tags.find(tag);
    if (it == tags.end()) return false;
    if (std::find(accepted.begin(), accepted.end(), it->second) == accepted.end()) return false;
  }
  return true;
}

core::Verdict counted_verdict(const Requirement& requirement, core::Verdict verdict) {
  if (verdict != core::Verdict::unknown) return verdict;
  return requirement.on_unknown == OnUnknown::fail ? core::Verdict::fail : core::Verdict::pass;
}

}  // namespace policy
