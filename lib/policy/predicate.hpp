// policy::Predicate: the YAML predicate language of docs/rules.md (all/any/not and leaf tests on
// a fact path) and its three-valued evaluation over core::Facts. Evaluation explains itself: it
// returns every leaf test with the values it saw, so a report can show why.
#pragma once

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/facts.hpp"
#include "core/target.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace policy {

struct RuleSet;

// Three-valued truth.
enum class Tri { no, yes, unknown };
std::string_view to_string(Tri value);

enum class PredicateKind { all, any, negation, leaf };
enum class Op { in, not_in, equals, contains, matches, exists, before, after };
std::string_view to_string(Op op);
// Parse an operator key ("in", "not_in", …).
std::optional<Op> parse_op(std::string_view text);

// A compiled `matches` pattern (RE2: linear time, no backtracking), opaque here.
class Regex {
 public:
  // Compile `pattern`, anchored at both ends; the error says why it is not valid RE2 syntax.
  static core::Result<std::shared_ptr<const Regex>> compile(const std::string& pattern);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;
  // True when the whole of `text` matches.
  bool full_match(std::string_view text) const;

 private:
  struct Impl;
  explicit Regex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

struct Predicate {
  PredicateKind kind = PredicateKind::leaf;
  std::vector<Predicate> children;  // all/any: parts; not: one part
  std::string fact;                 // leaf: fact path
  Op op = Op::exists;
  std::vector<std::string> values;  // in/not_in: members; "@ID" entries name sets
  std::string value;                // equals/contains/matches/before/after ("@as_of" allowed for dates)
  bool exists = true;               // exists: true|false
  std::shared_ptr<const Regex> regex;  // matches: compiled once at load, anchored
  core::SourceLocation loc;
};

// One leaf test as evaluated.
struct LeafResult {
  std::string fact;
  Op op = Op::exists;
  std::string expected;             // the operand as written, e.g. "@EEA" or "[us-cloud-act, …]"
  std::vector<std::string> actual;  // the fact's values (empty when missing)
  bool present = false;             // whether the fact exists at all
  core::FactStatus fact_status = core::FactStatus::unknown;
  Tri value = Tri::unknown;
  std::string detail;  // why, e.g. "'US' is not in @EEA" or "fact is missing"
  core::SourceLocation loc;
};

struct Explanation {
  Tri value = Tri::unknown;
  std::vector<LeafResult> leaves;  // in evaluation order (every leaf is evaluated)
};

// Evaluate `p` over `facts`; sets and "@as_of" are resolved at `as_of`.
Explanation evaluate_predicate(const Predicate& p, const RuleSet& rules, const core::Facts& facts, core::Date as_of);

// True for facts whose known empty list is a proven "none" (docs/facts.md), e.g. controlled_by.laws.
bool empty_means_none(std::string_view path);
// The fact paths a predicate reads, sorted and unique.
std::vector<std::string> facts_read(const Predicate& p);
// Render the operand of a leaf as written ("@EEA", "[a, b]", "true", …).
std::string operand_text(const Predicate& leaf);

}  // namespace policy
