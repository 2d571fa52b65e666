// policy::RuleSet: the loaded, validated rule data (docs/rules.md, schema residency/v1):
// jurisdictions, sets, adequacy decisions, laws, providers and policies. Every entry keeps the
// file:line:column it came from, so messages and reports can point into rules/.
#pragma once

#include "core/date.hpp"
#include "core/target.hpp"
#include "policy/predicate.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace policy {

using core::SourceLocation;

// Where a fact in the rule data comes from: the source(s) and the date they were read.
struct Sourcing {
  std::vector<std::string> sources;
  std::optional<core::Date> as_of;
};

struct NamedSet {
  std::string id;
  std::string title;
  std::vector<std::string> members;  // as written; "@X" names another set
  std::string owner;                 // "jurisdictions" or the id of the policy that defines it
  Sourcing sourcing;
  SourceLocation loc;
};

enum class AdequacyScope { full, partial };

struct Adequacy {
  std::string id;
  std::string country;
  std::string title;
  std::string decision;
  core::Date adopted;
  AdequacyScope scope = AdequacyScope::full;
  std::string scope_note;
  std::optional<core::Date> ended;
  std::string ended_by;
  Sourcing sourcing;
  SourceLocation loc;

  // True when the decision stands on `date` (adopted <= date < ended).
  bool stands(core::Date date) const { return adopted <= date && (!ended || date < *ended); }
};

struct Law {
  std::string id;
  std::string title;
  std::string citation;
  std::string country;
  std::optional<core::Date> enacted;
  std::string summary;
  std::vector<std::string> control_countries;  // triggers.control_countries
  Sourcing sourcing;
  SourceLocation loc;
};

struct ControlLink {
  std::string entity;
  std::string country;
  std::string role;
};

struct Region {
  std::string code;
  std::string city;
  std::string country;
  std::vector<std::string> aliases;
  std::optional<ControlLink> operated_by;
  SourceLocation loc;
};

enum class CertStatus { qualified, certified, attested, in_progress, withdrawn };
std::string_view to_string(CertStatus status);

struct Certification {
  std::string scheme;
  std::string offer;
  std::string title;
  std::string version;
  std::vector<std::string> regions;
  CertStatus status = CertStatus::qualified;
  core::Date from;
  std::optional<core::Date> until;
  std::string reference;
  Sourcing sourcing;
  SourceLocation loc;

  // True when valid on `date`: a granting status, from <= date, until absent or date <= until.
  bool valid_on(core::Date date) const;
  // "scheme:offer", the value of the `certifications` fact.
  std::string key() const { return scheme + ":" + offer; }
};

// How the provider's edge network (CDN, front door) shows in an HTTPS answer (docs/rules.md
// `edge`): response headers it adds, and certificate issuers only it uses.
struct EdgeHeader {
  std::string name;      // lower-case header name, e.g. "x-amz-cf-pop"
  std::string contains;  // a case-insensitive substring the value must hold; "" = any value
  SourceLocation loc;
};

struct EdgeIssuer {
  std::string organisation;           // the issuer's O, compared exactly (case-insensitive)
  std::string country;                // the issuer's C; "" = any
  std::string confidence = "medium";  // high, medium, low
  SourceLocation loc;
};

struct EdgeSignature {
  std::vector<EdgeHeader> headers;
  std::vector<EdgeIssuer> certificate_issuers;
  Sourcing sourcing;
  SourceLocation loc;

  bool empty() const { return headers.empty() && certificate_issuers.empty(); }
};

struct Provider {
  std::string id;
  std::string name;
  std::vector<ControlLink> chain;  // operator first
  Sourcing control_sourcing;
  bool anycast = false;
  std::vector<std::uint32_t> asns;
  std::vector<std::string> hostname_suffixes;
  std::vector<std::string> ptr_suffixes;
  Sourcing network_sourcing;
  std::map<std::string, Region> regions;  // canonical code → region
  Sourcing region_sourcing;
  std::vector<Certification> certifications;
  EdgeSignature edge;
  SourceLocation loc;

  // Return the region whose code or alias is `name`, or nullptr.
  const Region* find_region(std::string_view name) const;
};

enum class OnUnknown { fail, warn, pass };
std::string_view to_string(OnUnknown value);

struct Reference {
  std::string citation;
  std::string url;
};

struct Requirement {
  std::string id;
  std::string title;
  core::Severity severity = core::Severity::medium;
  std::string rationale;
  std::vector<Reference> references;
  std::string remediation;
  std::map<std::string, std::vector<std::string>> applies_to;  // tag → any of these values
  OnUnknown on_unknown = OnUnknown::fail;
  Predicate check;
  std::string policy;  // id of the policy that holds it
  SourceLocation loc;
};

struct Policy {
  std::string id;
  std::string title;
  std::string description;
  std::vector<std::string> set_ids;  // sets this policy defines
  std::vector<Requirement> requirements;
  SourceLocation loc;
};

struct RuleSet {
  std::map<std::string, std::string> countries;  // ISO code → name
  Sourcing countries_sourcing;
  std::map<std::string, NamedSet> sets;
  std::map<std::string, Adequacy> adequacy;
  std::map<std::string, Law> laws;
  std::map<std::string, Provider> providers;
  std::map<std::string, Policy> policies;
  std::vector<std::string> files;  // every file loaded, in order

  // Return the requirement with `id` (across all policies), or nullptr.
  const Requirement* find_requirement(std::string_view id) const;
  // Expand "@ID" (named, user-defined or derived @adequacy/@adequacy-partial at `as_of`).
  // Returns nullopt when no such set exists.
  std::optional<std::vector<std::string>> resolve_set(std::string_view name, core::Date as_of) const;
  // Expand a list of values in which "@ID" entries name sets; unknown sets go to `missing`.
  std::vector<std::string> expand(const std::vector<std::string>& values, core::Date as_of,
                                  std::vector<std::string>* missing = nullptr) const;
};

}  // namespace policy
