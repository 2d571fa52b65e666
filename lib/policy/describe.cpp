// Predicates in words: each leaf becomes a sentence about its fact ("no value of
// controlled_by.laws is in @non-eu-laws = [us-cloud-act, …]"), combinators become indented
// "all of" / "any of" / "not" blocks.
#include "policy/describe.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace policy {

namespace {

std::string operand_with_members(const Predicate& p, const RuleSet& rules, core::Date as_of) {
  const std::string text = operand_text(p);
  const bool has_set = std::any_of(p.values.begin(), p.values.end(), [](const auto& v) { return v.starts_with("@"); });
  if (!has_set) return text;
  return fmt::format("{} = [{}]", text, fmt::join(rules.expand(p.values, as_of), ", "));
}

std::string describe_leaf(const Predicate& p, const RuleSet& rules, core::Date as_of) {
  switch (p.op) {
    case Op::in: return fmt::format("every value of {} is in {}", p.fact, operand_with_members(p, rules, as_of));
    case Op::not_in: return fmt::format("no value of {} is in {}", p.fact, operand_with_members(p, rules, as_of));
    case Op::equals: return fmt::format("{} is exactly '{}'", p.fact, p.value);
    case Op::contains: return fmt::format("{} includes '{}'", p.fact, p.value);
    case Op::matches: return fmt::format("every value of {} matches /{}/", p.fact, p.value);
    case Op::exists: return fmt::format("{} is {}established", p.fact, p.exists ? "" : "not ");
    case Op::before:
    case Op::after:
      return fmt::format("every value of {} is {} {}", p.fact, to_string(p.op),
                         p.value == "@as_of" ? as_of.to_string() + " (--as-of)" : p.value);
  }
  return {};
}

}  // namespace

std::string describe_predicate(const Predicate& p, const RuleSet& rules, core::Date as_of, int indent) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  if (p.kind == PredicateKind::leaf) return pad + describe_leaf(p, rules, as_of) + "\n";
  std::string out = pad + (p.kind == PredicateKind::all ? "all of:" : p.kind == PredicateKind::any ? "any of:" : "not:") + "\n";
  for (const auto& c : p.children) out += describe_predicate(c, rules, as_of, indent + 2);
  return out;
}

}  // namespace policy
