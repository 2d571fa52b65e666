// Fuzz target: the predicate evaluator (policy::evaluate_predicate, policy::evaluate). The input
// is a predicate in YAML, a line "%%", then facts, one a line:
//   PATH|STATUS|FLAGS|VALUE,VALUE…|POSSIBLE,POSSIBLE…
// STATUS is known, unknown, inconclusive or indeterminate; FLAGS may hold p (partial), d
// (declared), h/m/l (confidence). The predicate is read by the rule loader's own reader and
// evaluated only when the loader accepts it (what a rule pack can reach), against the shipped
// packs and their named sets, on a fixed as-of date.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>
#include "core/date.hpp"
#include "core/facts.hpp"
#include "core/text.hpp"
#include "policy/builder.hpp"
#include "policy/embedded.hpp"
#include "policy/evaluate.hpp"
#include "policy/load.hpp"
#include "policy/node.hpp"

namespace {

const core::Date& as_of() {
  static const core::Date date = *core::parse_date("2026-12-01");
  return date;
}

const policy::RuleSet& shipped_rules() {
  static const policy::RuleSet rules = [] {
    auto files = policy::decode_files(policy::embedded_rules_blob());
    if (!files) std::abort();  // the build's own blob: a bug, not an input
    auto v = policy::validate_layers({*files}, as_of());
    if (v.errors > 0) std::abort();
    return std::move(v.rules);
  }();
  return rules;
}

std::vector<std::string> list(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  for (auto part : core::split(text, ',')) out.emplace_back(part);
  return out;
}

core::FactStatus status_of(std::string_view text) {
  if (text == "known") return core::FactStatus::known;
  if (text == "inconclusive") return core::FactStatus::inconclusive;
  if (text == "indeterminate") return core::FactStatus::indeterminate;
  return core::FactStatus::unknown;
}

// One fact line: PATH|STATUS|FLAGS|VALUES|POSSIBLE (missing fields are empty).
void add_fact(core::Facts& facts, std::string_view line) {
  auto fields = core::split(line, '|');
  fields.resize(5);
  core::Fact fact;
  fact.status = status_of(fields[1]);
  fact.values = list(fields[3]);
  fact.possible = list(fields[4]);
  fact.partial = fields[2].find('p') != std::string_view::npos;
  fact.provenance.push_back(
      core::intern(core::Provenance{fields[2].find('d') != std::string_view::npos ? "declared" : "dns", "fuzz", ""}));
  for (const char* level : {"high", "medium", "low"}) {
    if (fields[2].find(level[0]) != std::string_view::npos) fact.confidence = level;
  }
  if (fact.status != core::FactStatus::known) fact.detail = "fuzz";
  facts.set(std::string(fields[0]), std::move(fact));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find("\n%%\n");
  const std::string_view predicate_text = input.substr(0, split);
  const std::string_view facts_text = split == std::string_view::npos ? "" : input.substr(split + 4);

  auto root = policy::parse_yaml(predicate_text, "fuzz/predicate.yaml", 0);
  if (!root) return 0;
  policy::Builder builder(as_of());
  policy::Requirement requirement;
  requirement.id = "FUZZ-1";
  requirement.check = policy::read_predicate(builder, *root);
  const auto& problems = builder.problems();
  if (std::any_of(problems.begin(), problems.end(),
                  [](const policy::Problem& p) { return p.level == core::Level::error; })) {
    return 0;  // the loader refuses it: evaluation never sees it
  }

  core::Facts facts;
  for (auto line : core::split(facts_text, '\n')) {
    if (!line.empty()) add_fact(facts, line);
  }
  const auto& rules = shipped_rules();
  (void)policy::evaluate_predicate(requirement.check, rules, facts, as_of());
  (void)policy::facts_read(requirement.check);
  for (const auto& min_confidence : {"", "high"}) {
    requirement.min_confidence = min_confidence;
    for (bool accept_declared : {false, true}) {
      requirement.accept_declared = accept_declared;
      auto result = policy::evaluate(rules, requirement, facts, as_of());
      (void)policy::counted_verdict(requirement, result.verdict);
    }
  }
  return 0;
}
