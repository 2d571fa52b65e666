// Three-valued evaluation of predicates (docs/rules.md "Predicates"). A leaf reads one fact: a
// missing fact, a fact whose status is not known, or an empty list makes it unknown (except
// `exists`, which is always decided, and the complete lists of empty_means_none, whose empty list
// is a proven "none"). all/any/not combine with Kleene logic. Every leaf is evaluated, even after
// the outcome is settled, so the explanation lists all of them.
#include "policy/predicate.hpp"

#include "policy/rule_set.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <re2/re2.h>

#include <algorithm>
#include <set>

namespace policy {

namespace {

struct OpName {
  Op op;
  std::string_view name;
};
constexpr OpName k_ops[] = {
    {Op::in, "in"},           {Op::not_in, "not_in"}, {Op::equals, "equals"}, {Op::contains, "contains"},
    {Op::matches, "matches"}, {Op::exists, "exists"}, {Op::before, "before"}, {Op::after, "after"}};

std::string quoted_list(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "'" : ", '") + v + "'";
  return out;
}

// Decide the list operators once the fact is known to hold `values`.
Tri decide_membership(const Predicate& p, const std::vector<std::string>& values, const std::vector<std::string>& set,
                      std::string& detail) {
  std::vector<std::string> inside, outside;
  for (const auto& v : values) {
    (std::find(set.begin(), set.end(), v) != set.end() ? inside : outside).push_back(v);
  }
  const std::string operand = operand_text(p);
  if (p.op == Op::in) {
    detail = outside.empty() ? fmt::format("every value is in {}", operand)
                             : fmt::format("{} not in {}", quoted_list(outside), operand);
    return outside.empty() ? Tri::yes : Tri::no;
  }
  detail = inside.empty() ? fmt::format("no value is in {}", operand)
                          : fmt::format("{} in {}", quoted_list(inside), operand);
  return inside.empty() ? Tri::yes : Tri::no;
}

Tri decide_dates(const Predicate& p, const std::vector<std::string>& values, core::Date as_of, std::string& detail) {
  core::Date limit = as_of;
  if (p.value != "@as_of") {
    auto parsed = core::parse_date(p.value);
    if (!parsed) {
      detail = parsed.error().message;
      return Tri::unknown;
    }
    limit = *parsed;
  }
  for (const auto& v : values) {
    auto d = core::parse_date(v);
    if (!d) {
      detail = fmt::format("value '{}' is not a date", v);
      return Tri::unknown;
    }
    const bool ok = p.op == Op::before ? *d < limit : *d > limit;
    if (!ok) {
      detail = fmt::format("'{}' is not {} {}", v, to_string(p.op), limit.to_string());
      return Tri::no;
    }
  }
  detail = fmt::format("every value is {} {}", to_string(p.op), limit.to_string());
  return Tri::yes;
}

Tri decide_known(const Predicate& p, const std::vector<std::string>& values, const RuleSet& rules, core::Date as_of,
                 std::string& detail) {
  switch (p.op) {
    case Op::in:
    case Op::not_in: {
      if (p.values.size() == 1 && p.values.front().starts_with("@")) {
        if (const auto* members = rules.frozen_set(p.values.front(), as_of))
          return decide_membership(p, values, *members, detail);
      }
      std::vector<std::string> missing;
      const auto set = rules.expand(p.values, as_of, &missing);
      if (!missing.empty()) {
        detail = fmt::format("unknown set {}", quoted_list(missing));
        return Tri::unknown;
      }
      return decide_membership(p, values, set, detail);
    }
    case Op::equals: {
      const bool ok = values.size() == 1 && values[0] == p.value;
      detail = ok ? fmt::format("equals '{}'", p.value)
                  : fmt::format("[{}] is not exactly '{}'", quoted_list(values), p.value);
      return ok ? Tri::yes : Tri::no;
    }
    case Op::contains: {
      const bool ok = std::find(values.begin(), values.end(), p.value) != values.end();
      detail = ok ? fmt::format("contains '{}'", p.value) : fmt::format("'{}' is not among the values", p.value);
      return ok ? Tri::yes : Tri::no;
    }
    case Op::matches:
      for (const auto& v : values) {
        if (!p.regex || !p.regex->full_match(v)) {
          detail = fmt::format("'{}' does not match /{}/", v, p.value);
          return Tri::no;
        }
      }
      detail = fmt::format("every value matches /{}/", p.value);
      return Tri::yes;
    case Op::before:
    case Op::after:
      return decide_dates(p, values, as_of, detail);
    case Op::exists:
      break;
  }
  return Tri::unknown;
}

// A partial list (`values` and maybe more): decided only where more values cannot change the
// outcome — a value outside the set fails `in`, one inside fails `not_in`, one present passes
// `contains`; otherwise unknown.
LeafResult& decide_partial(const Predicate& p, const core::Fact& f, const RuleSet& rules, core::Date as_of,
                           LeafResult& r) {
  std::string detail;
  const Tri seen = decide_known(p, f.values, rules, as_of, detail);
  const bool settled = (seen == Tri::no && p.op != Op::contains) || (seen == Tri::yes && p.op == Op::contains);
  if (settled) {
    r.value = seen;
    r.detail = fmt::format("{} (from the part that was observed; {})", detail, f.detail);
  } else {
    r.detail = fmt::format("the fact is unknown: {}", f.detail);
  }
  return r;
}

LeafResult evaluate_leaf(const Predicate& p, const RuleSet& rules, const core::Facts& facts, core::Date as_of) {
  LeafResult r;
  r.fact = p.fact;
  r.op = p.op;
  r.expected = operand_text(p);
  r.loc = p.loc;
  const core::Fact* f = facts.find(p.fact);
  r.present = f != nullptr;
  if (f != nullptr) {
    r.actual = f->values;
    r.fact_status = f->status;
  }
  const bool known = f != nullptr && f->status == core::FactStatus::known;
  if (f != nullptr && f->partial && f->status == core::FactStatus::unknown && !f->values.empty() &&
      p.op != Op::exists) {
    return decide_partial(p, *f, rules, as_of, r);
  }
  if (p.op == Op::exists) {
    const bool has = known && (!f->values.empty() || empty_means_none(p.fact));
    r.value = has == p.exists ? Tri::yes : Tri::no;
    r.detail = has ? "the fact is established" : "the fact is not established";
    return r;
  }
  if (f == nullptr) {
    r.detail = "the fact is missing";
  } else if (!known) {
    r.detail = fmt::format("the fact is {}{}{}", core::to_string(f->status), f->detail.empty() ? "" : ": ", f->detail);
  } else if (f->values.empty() && f->possible.empty() && !empty_means_none(p.fact)) {
    r.detail = "the fact has no values";
  } else if (f->possible.empty()) {
    r.value = decide_known(p, f->values, rules, as_of, r.detail);
  } else {
    // The list holds `values` and maybe some of `possible`: decided only when both ends agree.
    std::vector<std::string> widest = f->values;
    widest.insert(widest.end(), f->possible.begin(), f->possible.end());
    std::string wide_detail;
    const Tri narrow = f->values.empty() && !empty_means_none(p.fact)
                           ? Tri::unknown
                           : decide_known(p, f->values, rules, as_of, r.detail);
    const Tri wide = decide_known(p, widest, rules, as_of, wide_detail);
    r.value = narrow == wide ? narrow : Tri::unknown;
    if (r.value == Tri::unknown) r.detail = fmt::format("not confirmed: {}", f->detail);
  }
  return r;
}

Tri combine(PredicateKind kind, const std::vector<Tri>& parts) {
  const bool any_yes = std::find(parts.begin(), parts.end(), Tri::yes) != parts.end();
  const bool any_no = std::find(parts.begin(), parts.end(), Tri::no) != parts.end();
  const bool any_unknown = std::find(parts.begin(), parts.end(), Tri::unknown) != parts.end();
  if (kind == PredicateKind::all) return any_no ? Tri::no : any_unknown ? Tri::unknown : Tri::yes;
  return any_yes ? Tri::yes : any_unknown ? Tri::unknown : Tri::no;
}

Tri evaluate_into(const Predicate& p, const RuleSet& rules, const core::Facts& facts, core::Date as_of,
                  std::vector<LeafResult>& leaves) {
  if (p.kind == PredicateKind::leaf) {
    leaves.push_back(evaluate_leaf(p, rules, facts, as_of));
    return leaves.back().value;
  }
  std::vector<Tri> parts;
  for (const auto& child : p.children) parts.push_back(evaluate_into(child, rules, facts, as_of, leaves));
  if (p.kind == PredicateKind::negation) {
    const Tri v = parts.empty() ? Tri::unknown : parts.front();
    return v == Tri::yes ? Tri::no : v == Tri::no ? Tri::yes : Tri::unknown;
  }
  return combine(p.kind, parts);
}

void collect_facts(const Predicate& p, std::set<std::string>& out) {
  if (p.kind == PredicateKind::leaf) out.insert(p.fact);
  for (const auto& c : p.children) collect_facts(c, out);
}

}  // namespace

struct Regex::Impl {
  re2::RE2 re;
  explicit Impl(const std::string& pattern, const re2::RE2::Options& o) : re(pattern, o) {}
};

Regex::Regex(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Regex::~Regex() = default;

core::Result<std::shared_ptr<const Regex>> Regex::compile(const std::string& pattern) {
  re2::RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(8 << 20);  // a pattern that needs more is refused, not run
  auto impl = std::make_unique<Impl>(pattern, o);
  if (!impl->re.ok()) return core::fail(core::ErrorCode::config, impl->re.error());
  return std::shared_ptr<const Regex>(new Regex(std::move(impl)));
}

bool Regex::full_match(std::string_view text) const { return re2::RE2::FullMatch(text, m_impl->re); }

std::string_view to_string(Tri value) {
  switch (value) {
    case Tri::yes:
      return "true";
    case Tri::no:
      return "false";
    case Tri::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view to_string(Op op) {
  for (const auto& o : k_ops) {
    if (o.op == op) return o.name;
  }
  return "?";
}

std::optional<Op> parse_op(std::string_view text) {
  for (const auto& o : k_ops) {
    if (o.name == text) return o.op;
  }
  return std::nullopt;
}

bool empty_means_none(std::string_view path) {
  return path == "controlled_by.laws" || path == "certifications" || path == "certifications.schemes" ||
         path == "tls.terminated_by";
}

std::string operand_text(const Predicate& leaf) {
  switch (leaf.op) {
    case Op::in:
    case Op::not_in:
      if (leaf.values.size() == 1 && leaf.values[0].starts_with("@")) return leaf.values[0];
      return fmt::format("[{}]", fmt::join(leaf.values, ", "));
    case Op::exists:
      return leaf.exists ? "true" : "false";
    default:
      return leaf.value;
  }
}

Explanation evaluate_predicate(const Predicate& p, const RuleSet& rules, const core::Facts& facts, core::Date as_of) {
  Explanation e;
  e.value = evaluate_into(p, rules, facts, as_of, e.leaves);
  return e;
}

std::vector<std::string> facts_read(const Predicate& p) {
  std::set<std::string> out;
  collect_facts(p, out);
  return {out.begin(), out.end()};
}

}  // namespace policy
