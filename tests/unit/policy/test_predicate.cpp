// Predicates: every operator, three-valued logic through all/any/not, lists, empty lists,
// missing facts, complete lists and sets (named, nested, user-defined, derived at --as-of).
#include "policy/predicate.hpp"

#include "policy_fixtures.hpp"

using policy::Op;
using policy::Predicate;
using policy::PredicateKind;
using policy::Tri;
using policy_test::k_as_of;
using policy_test::min_rules;

namespace {

Predicate leaf(std::string fact, Op op, std::vector<std::string> values = {}, std::string value = {}) {
  Predicate p;
  p.fact = std::move(fact);
  p.op = op;
  p.values = std::move(values);
  p.value = std::move(value);
  if (op == Op::matches) p.regex = *policy::Regex::compile(p.value);
  return p;
}

Predicate combine(PredicateKind kind, std::vector<Predicate> children) {
  Predicate p;
  p.kind = kind;
  p.children = std::move(children);
  return p;
}

Tri eval(const Predicate& p, const core::Facts& facts, core::Date as_of = k_as_of) {
  return policy::evaluate_predicate(p, min_rules(), facts, as_of).value;
}

core::Facts facts_with(std::string path, std::vector<std::string> values) {
  core::Facts f;
  f.set_known(std::move(path), std::move(values));
  return f;
}

// Constant predicates for the truth tables: a fact that is true, false or unknown.
const Predicate k_yes = leaf("target.id", Op::equals, {}, "a");
const Predicate k_no = leaf("target.id", Op::equals, {}, "b");
const Predicate k_unknown = leaf("dns.addresses", Op::contains, {}, "x");

core::Facts truth_facts() { return facts_with("target.id", {"a"}); }

}  // namespace

TEST_CASE("policy::predicate: in and not_in on lists / sets and nested sets", "[policy]") {
  auto fr_de = facts_with("served_from.countries", {"FR", "DE"});
  auto fr_us = facts_with("served_from.countries", {"FR", "US"});
  CHECK(eval(leaf("served_from.countries", Op::in, {"@EEA"}), fr_de) == Tri::yes);  // EEA includes @EU
  CHECK(eval(leaf("served_from.countries", Op::in, {"@EEA"}), fr_us) == Tri::no);
  CHECK(eval(leaf("served_from.countries", Op::in, {"FR", "DE"}), fr_de) == Tri::yes);
  CHECK(eval(leaf("served_from.countries", Op::in, {"@EU", "US"}), fr_us) == Tri::yes);  // list mixing a set and values
  CHECK(eval(leaf("served_from.countries", Op::not_in, {"US"}), fr_de) == Tri::yes);
  CHECK(eval(leaf("served_from.countries", Op::not_in, {"US"}), fr_us) == Tri::no);
  CHECK(eval(leaf("served_from.countries", Op::in, {"@IS-NOT-A-SET"}), fr_de) == Tri::unknown);
  CHECK(eval(leaf("served_from.countries", Op::in, {"@EEA"}), facts_with("served_from.countries", {"NO"})) == Tri::yes);
}

TEST_CASE("policy::predicate: equals / contains / matches on lists", "[policy]") {
  auto one = facts_with("controlled_by.providers", {"azure"});
  auto two = facts_with("controlled_by.providers", {"cloudflare", "azure"});
  CHECK(eval(leaf("controlled_by.providers", Op::equals, {}, "azure"), one) == Tri::yes);
  CHECK(eval(leaf("controlled_by.providers", Op::equals, {}, "azure"), two) == Tri::no);  // exactly one element
  CHECK(eval(leaf("controlled_by.providers", Op::contains, {}, "azure"), two) == Tri::yes);
  CHECK(eval(leaf("controlled_by.providers", Op::contains, {}, "aws"), two) == Tri::no);
  CHECK(eval(leaf("controlled_by.providers", Op::matches, {}, "a.*"), one) == Tri::yes);
  CHECK(eval(leaf("controlled_by.providers", Op::matches, {}, "a.*"), two) == Tri::no);  // every element
  CHECK(eval(leaf("controlled_by.providers", Op::matches, {}, "zur"), one) == Tri::no);  // anchored
}

TEST_CASE("policy::predicate: exists is always decided", "[policy]") {
  Predicate p = leaf("dns.addresses", Op::exists);
  CHECK(eval(p, facts_with("dns.addresses", {"192.0.2.1"})) == Tri::yes);
  CHECK(eval(p, core::Facts{}) == Tri::no);
  CHECK(eval(p, facts_with("dns.addresses", {})) == Tri::no);
  core::Facts timeout;
  timeout.set_status("dns.addresses", core::FactStatus::unknown, "timeout: unreachable");
  CHECK(eval(p, timeout) == Tri::no);
  p.exists = false;
  CHECK(eval(p, core::Facts{}) == Tri::yes);
  CHECK(eval(p, facts_with("dns.addresses", {"192.0.2.1"})) == Tri::no);
}

TEST_CASE("policy::predicate: before and after / with dates and @as_of", "[policy]") {
  auto facts = facts_with("target.tags.expires", {"2026-12-31"});
  CHECK(eval(leaf("target.tags.expires", Op::after, {}, "@as_of"), facts) == Tri::yes);
  CHECK(eval(leaf("target.tags.expires", Op::after, {}, "@as_of"), facts, *core::parse_date("2027-01-01")) == Tri::no);
  CHECK(eval(leaf("target.tags.expires", Op::before, {}, "2027-01-01"), facts) == Tri::yes);
  CHECK(eval(leaf("target.tags.expires", Op::before, {}, "2026-12-31"), facts) == Tri::no);  // strict
  CHECK(eval(leaf("target.tags.expires", Op::before, {}, "2027-01-01"), facts_with("target.tags.expires", {"soon"})) ==
        Tri::unknown);
}

TEST_CASE("policy::predicate: missing / unknown / indeterminate and empty facts are unknown", "[policy]") {
  Predicate in_eea = leaf("served_from.countries", Op::in, {"@EEA"});
  Predicate not_us = leaf("served_from.countries", Op::not_in, {"US"});
  CHECK(eval(in_eea, core::Facts{}) == Tri::unknown);
  CHECK(eval(not_us, core::Facts{}) == Tri::unknown);
  CHECK(eval(in_eea, facts_with("served_from.countries", {})) == Tri::unknown);
  CHECK(eval(not_us, facts_with("served_from.countries", {})) == Tri::unknown);  // never a pass by absence
  core::Facts anycast;
  anycast.set("served_from.countries", core::Fact{{"US", "FR"}, core::FactStatus::indeterminate, "anycast", {}});
  CHECK(eval(in_eea, anycast) == Tri::unknown);
  core::Facts inconclusive;
  inconclusive.set_status("served_from.countries", core::FactStatus::inconclusive, "sources disagree");
  auto explained = policy::evaluate_predicate(in_eea, min_rules(), inconclusive, k_as_of);
  REQUIRE(explained.leaves.size() == 1);
  CHECK(explained.leaves[0].detail == "the fact is inconclusive: sources disagree");
}

TEST_CASE("policy::predicate: a known empty complete list is a proven none", "[policy]") {
  auto none = facts_with("controlled_by.laws", {});
  CHECK(eval(leaf("controlled_by.laws", Op::not_in, {"@non-eu-laws"}), none) == Tri::yes);
  CHECK(eval(leaf("certifications.schemes", Op::contains, {}, "secnumcloud"), facts_with("certifications.schemes", {})) == Tri::no);
  CHECK(eval(leaf("controlled_by.laws", Op::exists), none) == Tri::yes);
  core::Facts unknown;
  unknown.set_status("controlled_by.laws", core::FactStatus::unknown, "no provider attributed");
  CHECK(eval(leaf("controlled_by.laws", Op::not_in, {"@non-eu-laws"}), unknown) == Tri::unknown);
}

TEST_CASE("policy::predicate: Kleene logic through all / any and not", "[policy]") {
  const auto f = truth_facts();
  REQUIRE(eval(k_yes, f) == Tri::yes);
  REQUIRE(eval(k_no, f) == Tri::no);
  REQUIRE(eval(k_unknown, f) == Tri::unknown);
  using K = PredicateKind;
  CHECK(eval(combine(K::all, {k_yes, k_yes}), f) == Tri::yes);
  CHECK(eval(combine(K::all, {k_yes, k_unknown}), f) == Tri::unknown);
  CHECK(eval(combine(K::all, {k_unknown, k_no}), f) == Tri::no);
  CHECK(eval(combine(K::any, {k_no, k_no}), f) == Tri::no);
  CHECK(eval(combine(K::any, {k_no, k_unknown}), f) == Tri::unknown);
  CHECK(eval(combine(K::any, {k_unknown, k_yes}), f) == Tri::yes);
  CHECK(eval(combine(K::negation, {k_yes}), f) == Tri::no);
  CHECK(eval(combine(K::negation, {k_no}), f) == Tri::yes);
  CHECK(eval(combine(K::negation, {k_unknown}), f) == Tri::unknown);
  CHECK(eval(combine(K::negation, {combine(K::any, {k_no, k_unknown})}), f) == Tri::unknown);
  auto e = policy::evaluate_predicate(combine(K::any, {k_yes, k_no, k_unknown}), min_rules(), f, k_as_of);
  CHECK(e.leaves.size() == 3);  // every leaf is evaluated and explained
}

TEST_CASE("policy::predicate: derived adequacy sets follow --as-of", "[policy]") {
  const auto& rules = min_rules();
  CHECK(*rules.resolve_set("@adequacy", k_as_of) == std::vector<std::string>{"CH", "JP"});
  CHECK(*rules.resolve_set("@adequacy-partial", k_as_of) == std::vector<std::string>{"CH", "JP", "US"});
  // Privacy Shield stood in 2019; the DPF did not exist yet.
  CHECK(*rules.resolve_set("@adequacy-partial", *core::parse_date("2019-06-01")) == std::vector<std::string>{"CH", "JP", "US"});
  // Between Schrems II (2020-07-16) and the DPF (2023-07-10) the US had no decision.
  CHECK(*rules.resolve_set("@adequacy-partial", *core::parse_date("2021-01-01")) == std::vector<std::string>{"CH", "JP"});
  CHECK_FALSE(rules.resolve_set("@nope", k_as_of));
}

TEST_CASE("policy::predicate: the explanation carries the values seen", "[policy]") {
  auto facts = facts_with("controlled_by.laws", {"us-cloud-act", "us-fisa-702"});
  auto e = policy::evaluate_predicate(leaf("controlled_by.laws", Op::not_in, {"@non-eu-laws"}), min_rules(), facts, k_as_of);
  CHECK(e.value == Tri::no);
  REQUIRE(e.leaves.size() == 1);
  CHECK(e.leaves[0].fact == "controlled_by.laws");
  CHECK(e.leaves[0].expected == "@non-eu-laws");
  CHECK(e.leaves[0].actual == std::vector<std::string>{"us-cloud-act", "us-fisa-702"});
  CHECK(e.leaves[0].detail == "'us-cloud-act', 'us-fisa-702' in @non-eu-laws");
}

TEST_CASE("policy::Regex: linear time on hostile input (RE2)", "[policy]") {
  // (a+)+$ backtracks exponentially in std::regex; RE2 answers at once.
  auto nested = policy::Regex::compile("(a+)+$");
  REQUIRE(nested);
  CHECK_FALSE((*nested)->full_match(std::string(35, 'a') + "!"));
  CHECK((*nested)->full_match(std::string(35, 'a')));
  // A 100 KB target id against a character class: no recursion, no stack overflow.
  auto id = policy::Regex::compile("[a-z0-9-]+");
  REQUIRE(id);
  CHECK((*id)->full_match(std::string(100 * 1024, 'a')));
  CHECK_FALSE((*id)->full_match(std::string(100 * 1024, 'a') + "_"));
  // Anchored at both ends: a partial match is not a match.
  auto part = policy::Regex::compile("abc");
  REQUIRE(part);
  CHECK_FALSE((*part)->full_match("xabcx"));
  CHECK_FALSE(policy::Regex::compile("(a)\\1"));  // backreferences are not RE2
}

TEST_CASE("policy::RuleSet::freeze_sets: the table load_rules makes equals a fresh expansion", "[policy]") {
  // The shipped packs: every named set and the derived adequacy sets, frozen at one date, hold
  // exactly what expanding them again gives; at any other date the table is not read.
  policy::RuleSet rules = policy_test::load_dirs({"rules"}).rules;
  REQUIRE(rules.sets.size() > 5);
  REQUIRE(rules.frozen_set("@EEA", k_as_of) == nullptr);  // validation alone does not freeze
  std::map<std::string, std::vector<std::string>> fresh;
  for (const auto& [id, set] : rules.sets) fresh[id] = *rules.resolve_set(id, k_as_of);
  for (const auto* id : {"adequacy", "adequacy-partial"}) fresh[id] = *rules.resolve_set(id, k_as_of);
  rules.freeze_sets(k_as_of);
  for (const auto& [id, members] : fresh) {
    INFO(id);
    const auto* frozen = rules.frozen_set("@" + id, k_as_of);
    REQUIRE(frozen != nullptr);
    CHECK(*frozen == members);
    CHECK(*rules.resolve_set(id, k_as_of) == members);
    CHECK(rules.expand({"@" + id}, k_as_of) == members);
  }
  CHECK(rules.frozen_set("@EEA", *core::parse_date("2019-06-01")) == nullptr);
  CHECK(rules.frozen_set("@no-such-set", k_as_of) == nullptr);
  // Another date expands afresh: the DPF (2023-07-10) is not an adequacy decision in 2021.
  const auto in_2021 = *rules.resolve_set("@adequacy-partial", *core::parse_date("2021-01-01"));
  CHECK(std::find(in_2021.begin(), in_2021.end(), "US") == in_2021.end());
  const auto now = *rules.frozen_set("@adequacy-partial", k_as_of);
  CHECK(std::find(now.begin(), now.end(), "US") != now.end());
  // A predicate over a frozen set decides as before; several values still expand together.
  auto facts = facts_with("served_from.countries", {"FR", "US"});
  CHECK(policy::evaluate_predicate(leaf("served_from.countries", Op::in, {"@EEA"}), rules, facts, k_as_of).value ==
        Tri::no);
  CHECK(
      policy::evaluate_predicate(leaf("served_from.countries", Op::in, {"@EEA", "US"}), rules, facts, k_as_of).value ==
      Tri::yes);
  CHECK(policy::evaluate_predicate(leaf("served_from.countries", Op::not_in, {"@no-such-set"}), rules, facts, k_as_of)
            .value == Tri::unknown);
}
