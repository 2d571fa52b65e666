// Internal to lib/policy: the validating builder that turns Node trees into a RuleSet. It
// collects every problem (never stops at the first) with file:line:column, and records the
// cross-references (country codes, law, provider, set and offer ids) to check once every pack of
// every layer is loaded.
#pragma once

#include "core/diag.hpp"
#include "policy/load.hpp"
#include "policy/node.hpp"
#include "policy/rule_set.hpp"

#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace policy {

// A value a rule names that must exist elsewhere (checked after all packs are loaded).
struct Ref {
  enum class Kind { country, law, provider, set, region, offer, fact_value };
  Kind kind = Kind::country;
  std::string value;
  std::string fact;  // for fact_value: the fact path whose domain applies
  SourceLocation loc;
  std::string owner;  // "provider:ID" when made inside a provider pack; empty otherwise
  int layer = 0;      // the layer of the pack that made it
};

class Builder {
 public:
  explicit Builder(std::optional<core::Date> as_of) : m_as_of(as_of) {}

  // Start a new layer (the embedded packs, then each --rules folder): later layers override by id.
  void begin_layer() { ++m_layer; }
  // Add one parsed file of the current layer.
  void add_file(const ParsedFile& file);
  // Record a problem found outside a file's content (unreadable file, YAML syntax error).
  void add_problem(core::Level level, SourceLocation loc, std::string message);
  // Check every recorded reference and derived constraint; call once after the last file.
  void finish();

  RuleSet& rules() { return m_rules; }
  const std::vector<Problem>& problems() const { return m_problems; }

  // --- helpers used by the per-kind readers (validate_*.cpp) ---
  SourceLocation at(const Node& n) const { return {m_file, n.line, n.column}; }
  void error(const Node& n, std::string message) { add_problem(core::Level::error, at(n), std::move(message)); }
  void warning(const Node& n, std::string message) { add_problem(core::Level::warning, at(n), std::move(message)); }
  void note(const Node& n, std::string message) { add_problem(core::Level::note, at(n), std::move(message)); }
  // Check that `n` is a map whose keys are allowed and whose required keys are present.
  bool check_map(const Node& n, std::string_view what, std::initializer_list<std::string_view> allowed,
                 std::initializer_list<std::string_view> required);
  // A scalar value at `key` (nullopt when absent or of the wrong type; the latter is reported).
  std::optional<std::string> text(const Node& map, std::string_view key);
  // Like text(), and the value must match an id pattern (lower-case, or upper-case for requirements).
  enum class IdStyle { lower, upper, set };
  std::optional<std::string> id(const Node& map, std::string_view key, IdStyle style = IdStyle::lower);
  std::optional<core::Date> date(const Node& map, std::string_view key);
  std::optional<bool> boolean(const Node& map, std::string_view key);
  // A list of scalars (a single scalar is accepted when `single_ok`).
  std::vector<std::string> texts(const Node& map, std::string_view key, bool single_ok = false);
  // The `source`/`as_of` pair of a sourced block (both required).
  Sourcing sourcing(const Node& map);
  // Record a reference to check in finish().
  void refer(Ref::Kind kind, std::string value, const Node& where, std::string fact = {});
  // References made from now on belong to `owner` ("provider:ID"): when a later layer replaces
  // that entry, they are not checked (they describe the replaced entry).
  void set_owner(std::string owner) { m_owner = std::move(owner); }
  // Remember that `kind` `id` was defined at `n`; report duplicates in a layer, note overrides.
  bool claim(std::string_view kind, const std::string& id, const Node& n);

  const std::optional<core::Date>& as_of() const { return m_as_of; }
  const std::string& file() const { return m_file; }

 private:
  void add_problem_at(const Ref& ref, std::string message);
  std::string domain_problem(std::string_view fact, const std::string& value) const;
  std::string region_problem(const std::string& value) const;
  std::string offer_problem(const std::string& value) const;
  void check_reference(const Ref& ref);
  void check_fact_value(const Ref& ref);
  void check_requirement_ids();
  void check_certification_dates();
  void check_law_reviews();
  void check_set_cycles();

  std::optional<core::Date> m_as_of;
  RuleSet m_rules;
  std::vector<Problem> m_problems;
  std::vector<Ref> m_refs;
  struct Claim {
    int layer;
    SourceLocation loc;
  };
  std::map<std::string, Claim> m_claims;  // "kind:id" → where
  std::set<std::string> m_checked_members;
  std::string m_file;
  std::string m_owner;
  int m_layer = 0;
};

// Per-kind readers, defined in validate_data.cpp, validate_policy.cpp and terraform_rules.cpp.
void read_jurisdictions(Builder& b, const Node& root);
void read_laws(Builder& b, const Node& root);
void read_provider(Builder& b, const Node& root);
// Read a provider's `edge` section (validate_edge.cpp).
void read_edge(Builder& b, Provider& p, const Node& n);
void read_policy(Builder& b, const Node& root);
// The Terraform provider table (terraform_rules.cpp).
void read_terraform(Builder& b, const Node& root);
// Read a predicate (recursively); reports problems and records fact-value references.
Predicate read_predicate(Builder& b, const Node& n, int depth = 0);

// The fact paths of docs/facts.md (without the open-ended target.tags.<key>).
const std::vector<std::string>& known_fact_paths();

}  // namespace policy
