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
  std::string short_name;  // how findings name it, e.g. "the CLOUD Act"; the title when absent
  std::string citation;
  std::string country;
  std::optional<core::Date> enacted;   // adopted
  std::optional<core::Date> in_force;  // when it took effect, if later
  std::string summary;
  std::string status_note;                     // e.g. a sunset and what keeps the law in effect after it
  std::optional<core::Date> review_by;         // re-check the law's status by this date (rules validate warns after)
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
  std::string country;  // empty when no source gives it (the code is known to exist, not where it is)
  std::vector<std::string> aliases;
  std::vector<std::string> members;        // a multi-region (GCS "eur4"): the regions it spans; else empty
  std::optional<ControlLink> operated_by;  // its own operator (a subsidiary or a licensed partner)
  SourceLocation loc;
};

// An operating company of a provider abroad (OVH US LLC, Outscale Inc., …): it runs some of the
// provider's regions and its addresses sit in some countries. Its own country's laws reach
// what it runs, whatever the parent's nationality.
struct Subsidiary {
  std::string entity;
  std::string country;
  std::vector<std::string> regions;            // region codes it runs (operated_by is derived)
  std::vector<std::string> address_countries;  // where its addresses sit (for inference by address)
  SourceLocation loc;
};

enum class CertStatus { qualified, certified, attested, in_progress, withdrawn };
std::string_view to_string(CertStatus status);

// What a certification record says on one date.
enum class CertState {
  valid,        // granting status, in force on the date
  not_yet,      // granted later
  expired,      // ended before the date
  uncertain,    // the date falls in a span the sources give only to the month or year
  unconfirmed,  // no end date is published and the record is past its re-check date
  in_progress,  // applied for, not granted (SecNumCloud J0-J2)
  withdrawn,
};
std::string_view to_string(CertState state);

struct CertJudgement {
  CertState state = CertState::expired;
  std::string why;  // plain words: "expired on 2026-11-30", "in progress since 2025-01-08, not qualified"
};

struct Certification {
  std::string scheme;
  std::string offer;
  std::string title;
  std::string version;
  std::vector<std::string> regions;  // empty: every region the provider's own entity runs
  CertStatus status = CertStatus::qualified;
  core::DateSpan from;
  std::optional<core::DateSpan> until;
  std::string no_until;               // when no end date is published: why (sourced with the entry)
  std::optional<core::Date> recheck;  // with no_until: the record counts until this date only
  std::string reference;
  Sourcing sourcing;
  SourceLocation loc;

  // Judge the record on `date` (status, from, until, re-check).
  CertJudgement judge(core::Date date) const;
  // True when judge(date) is valid.
  bool valid_on(core::Date date) const { return judge(date).state == CertState::valid; }
  // "scheme:offer", the value of the `certifications` fact.
  std::string key() const { return scheme + ":" + offer; }
};

// The display name of a scheme ("SecNumCloud", "HDS", "C5"); unknown schemes as written.
std::string_view scheme_name(std::string_view scheme);
// What holding the scheme is called: "qualification" (SecNumCloud), "attestation" (C5), else
// "certificate".
std::string_view scheme_noun(std::string_view scheme);

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
  std::vector<Subsidiary> subsidiaries;
  Sourcing subsidiary_sourcing;
  std::vector<Certification> certifications;
  EdgeSignature edge;
  SourceLocation loc;

  // Return the region whose code or alias is `name`, or nullptr.
  const Region* find_region(std::string_view name) const;
  // Return the subsidiary whose addresses sit in `country`, or nullptr.
  const Subsidiary* subsidiary_in(std::string_view country) const;
  // The offer ids this provider's certifications name, sorted and unique.
  std::vector<std::string> offers() const;
};

enum class OnUnknown { fail, warn, pass };
std::string_view to_string(OnUnknown value);

struct Reference {
  std::string citation;
  std::string url;
};

// A requirement's own sentences for its findings, with {placeholders} for facts (docs/rules.md).
struct Explain {
  std::string pass;
  std::string fail;
  std::string unknown;
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
  std::string min_confidence;    // high | medium | low; empty: any confidence
  bool accept_declared = false;  // whether facts declared in the manifest (not observed) satisfy it
  Explain explain;               // empty parts: the default sentence for the fact tested
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

// How Terraform plans name providers (rules/terraform.yaml, `kind: terraform`; docs/rules.md).
struct TerraformProvider {
  std::string source;                        // provider source without registry host: "hashicorp/aws"
  std::string provider;                      // provider id in rules/providers/
  std::vector<std::string> resource_region;  // resource attributes that give its region, in order
  std::vector<std::string> provider_region;  // provider-block attributes that give it, in order
  bool regional_api = false;                 // every resource is created in its provider configuration's region
  std::vector<std::string> global;           // resource-type globs of global services (no region)
  std::vector<std::string> not_global;       // exceptions to `global`
  std::vector<std::string> partitions;       // provider ids whose own regions move a resource to them
  Sourcing sourcing;
  SourceLocation loc;
};

struct TerraformTable {
  std::map<std::string, TerraformProvider> providers;  // by source
  std::map<std::string, SourceLocation> not_cloud;     // sources whose resources are not cloud resources
  Sourcing not_cloud_sourcing;

  // The entry for a plan's provider name ("registry.terraform.io/hashicorp/aws", the OpenTofu
  // registry's, or a legacy bare "aws"), or nullptr.
  const TerraformProvider* find(std::string_view provider_name) const;
  // True when the provider creates no cloud resource (random, null, tls, local, …).
  bool is_not_cloud(std::string_view provider_name) const;
};

// "hashicorp/aws" for any spelling of a provider source a plan uses; a bare legacy name stays bare.
std::string terraform_source_key(std::string_view provider_name);

struct RuleSet {
  std::map<std::string, std::string> countries;  // ISO code → name
  Sourcing countries_sourcing;
  std::map<std::string, NamedSet> sets;
  std::map<std::string, Adequacy> adequacy;
  std::map<std::string, Law> laws;
  std::map<std::string, Provider> providers;
  std::map<std::string, Policy> policies;
  TerraformTable terraform;
  std::vector<std::string> files;  // every file loaded, in order

  // Return the requirement with `id` (across all policies), or nullptr.
  const Requirement* find_requirement(std::string_view id) const;
  // Expand "@ID" (named, user-defined or derived @adequacy/@adequacy-partial at `as_of`).
  // Returns nullopt when no such set exists.
  std::optional<std::vector<std::string>> resolve_set(std::string_view name, core::Date as_of) const;
  // Expand a list of values in which "@ID" entries name sets; unknown sets go to `missing`.
  std::vector<std::string> expand(const std::vector<std::string>& values, core::Date as_of,
                                  std::vector<std::string>* missing = nullptr) const;

  // Expand every named set (and @adequacy, @adequacy-partial) once, at the audit date, so an
  // audit does not expand @EEA again for each target and each predicate (10 % of a replay).
  // load_rules calls it last: a RuleSet is not changed after it (a change would leave the table
  // stale, so the table is only read at the date it was made for).
  void freeze_sets(core::Date as_of);
  // The members of set "@ID" (or "ID") at `as_of` from that table; nullptr when the table was
  // made for another date or holds no such set (then resolve_set/expand decide).
  const std::vector<std::string>* frozen_set(std::string_view name, core::Date as_of) const;

  std::optional<core::Date> frozen_as_of;                               // the date of `frozen`, when freeze_sets ran
  std::map<std::string, std::vector<std::string>, std::less<>> frozen;  // set id (no @) → members
};

}  // namespace policy
