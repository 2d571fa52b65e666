// Requirement evaluation: the predicate's three-valued result becomes a verdict (true → pass,
// false → fail, unknown → unknown), and tag selectors decide which targets a requirement covers.
#include "policy/evaluate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace policy {

namespace {

// Why `fact` cannot be used for `requirement` (declared where observation is required, or less
// confident than the requirement asks), or an empty string.
std::string unusable(const Requirement& requirement, const core::Fact& fact) {
  if (fact.status != core::FactStatus::known) return {};
  if (fact.declared() && !requirement.accept_declared) {
    return fmt::format("declared in the manifest, not observed; {} does not accept declared facts", requirement.id);
  }
  if (!requirement.min_confidence.empty() && core::confidence_rank(fact.confidence) > 0 &&
      core::confidence_rank(fact.confidence) < core::confidence_rank(requirement.min_confidence)) {
    return fmt::format("its confidence is {}, below the {} confidence {} asks for", fact.confidence,
                       requirement.min_confidence, requirement.id);
  }
  return {};
}

}  // namespace

RequirementResult evaluate(const RuleSet& rules, const Requirement& requirement, const core::Facts& facts,
                           core::Date as_of) {
  RequirementResult r;
  // Facts the requirement may not rely on become unknown with the reason, in a copy.
  std::optional<core::Facts> filtered;
  for (const auto& path : facts_read(requirement.check)) {
    const core::Fact* f = facts.find(path);
    if (f == nullptr) continue;
    const std::string why = unusable(requirement, *f);
    if (why.empty()) continue;
    if (!filtered) filtered = facts;
    core::Fact copy = *f;
    copy.status = core::FactStatus::unknown;
    copy.detail = why;
    filtered->set(path, std::move(copy));
  }
  r.explanation = evaluate_predicate(requirement.check, rules, filtered ? *filtered : facts, as_of);
  switch (r.explanation.value) {
    case Tri::yes:
      r.verdict = core::Verdict::pass;
      break;
    case Tri::no:
      r.verdict = core::Verdict::fail;
      break;
    case Tri::unknown:
      r.verdict = core::Verdict::unknown;
      break;
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
