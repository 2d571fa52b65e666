// The result model of an audit: everything a report renders, and nothing a renderer must
// compute. Renderers (lib/report) see only this; they never read the clock, the host or the
// network: start time, as-of date and host name are fields here. Verdicts are decided before a
// result reaches a renderer.
#pragma once

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/facts.hpp"
#include "core/target.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace core {

class TargetStore;  // core/target_store.hpp

struct Reference {
  std::string citation;  // e.g. "18 U.S.C. § 2713"
  std::string url;       // may be empty
};

// A requirement as reports show it (from a policy of the rule packs).
struct RequirementInfo {
  std::string id;         // e.g. "SNC-19.6"
  std::string policy_id;  // e.g. "fr-health-data"
  std::string title;
  Severity severity = Severity::medium;
  std::string rationale;
  std::string remediation;
  std::vector<Reference> references;
  std::string on_unknown = "fail";  // fail | warn | pass
};

// A waiver from the manifest, with its state on the audit date.
struct WaiverInfo {
  std::string id;                // "W1", … or the manifest's own id
  std::string requirement_glob;  // e.g. "FR-*"
  std::string target_glob;       // e.g. "*.example.fr"
  std::string reason;
  std::string owner;
  std::string legal_basis;  // e.g. "SCC 2021/914 + TIA-2026-04"
  Date expires;
  SourceLocation declared_at;
  enum class State { active, expiring, expired, unused } state = State::active;
  int matched = 0;  // findings it matched
};

// One (target, requirement) judgement.
// The ids, entity and jurisdiction come from the rule packs' few hundred texts, and targets with
// the same facts get the same sentence: interned, so a 300,000-finding audit does not hold
// 300,000 copies of "gdpr-eea-residency" or of "Served from the United States (…)".
struct Finding {
  Interned target_id;  // the target's findings share one copy
  Interned requirement_id;
  Interned policy_id;
  Severity severity = Severity::medium;
  Verdict verdict = Verdict::unknown;      // final verdict (after waivers)
  Verdict raw_verdict = Verdict::unknown;  // before waivers
  bool counts_as_failure = false;          // fail at/above --fail-on, or unknown that counts (on_unknown)
  enum class Baseline : std::uint8_t { none, is_new, existing } baseline = Baseline::none;
  Interned message;                        // one sentence: why this verdict (targets with the same facts share it)
  std::vector<std::string> explanation;    // the predicate's leaf results, e.g.
                                           // "controlled_by.laws = [us-cloud-act] not_in […]: false"
  // The chain behind it is its target's (TargetReport::evidence, AuditResult::evidence_of): stored
  // once per target, never copied into each finding.
  Interned waiver_id;                      // set when waived, or when an expired waiver matched
  Interned waiver_note;                    // e.g. "waiver W2 expired on 2026-10-01"
  // Baseline key parts: stable across runs, independent of IP addresses.
  Interned entity;        // controlling legal entities joined, e.g. "Microsoft Corporation"
  Interned jurisdiction;  // control countries joined, e.g. "US"
  // The fingerprint a report gave it, when it was read from one; empty for a finding judged in
  // this run, whose fingerprint is computed from its parts when written (fingerprint_of), so
  // 300,000 findings do not hold 300,000 heap blocks of 17 bytes (9.6 MB).
  std::string fingerprint;
};
// 136 bytes (240 before its texts were interned pointers and its enums bytes): 300,000 findings
// of a 100,000-target audit stay in memory until the reports are written.
static_assert(sizeof(Finding) <= 136);

// The baseline key of a finding: stable_hash of the parts joined by a separator that never
// appears in ids.
std::string fingerprint(std::string_view target_id, std::string_view requirement_id, std::string_view entity,
                        std::string_view jurisdiction);
// A finding's fingerprint: the one read with it, else computed from its parts.
std::string fingerprint_of(const Finding& finding);

// The state of one certification of the target's declared offer on the audit date, for the
// sentences of findings and the warnings of reports.
struct CertificationStatus {
  std::string provider;  // provider id
  std::string scheme;    // secnumcloud, hds, c5, …
  std::string offer;
  std::string title;
  std::string reference;  // e.g. "ANSSI decision 2118"
  std::string state;      // valid, expired, not-yet, uncertain, unconfirmed, in-progress, withdrawn, out-of-scope
  std::string why;        // plain words: "expired on 2026-11-30", "covers only cloudgouv-eu-west-1, not eu-west-2"
  std::string from;       // as the rule data writes it
  std::string until;      // empty when none is published
  std::string source;     // rule file and as_of

  auto operator<=>(const CertificationStatus&) const = default;
};

// Where a target sits on the two axes of the reports' picture, decided by lib/audit from its
// facts and the rule sets on the audit date: where it is served from (served_from.countries
// against @EEA and the adequacy decisions in force) and who controls it (controlled_by.countries
// against @EU). Unknown when the facts cannot say; never a guess.
struct Placement {
  enum class Served { eea, adequate, elsewhere, unknown } served = Served::unknown;
  enum class Control { eu, non_eu, unknown } control = Control::unknown;
  std::string served_note;   // the countries ("FR"), or why unknown ("anycast network")
  std::string control_note;  // the control countries ("US"), or why unknown

  bool operator==(const Placement&) const = default;
};

std::string_view to_string(Placement::Served served);    // eea, adequate, elsewhere, unknown
std::string_view to_string(Placement::Control control);  // eu, non-eu, unknown

// What was probed about one target, for the evidence sections of reports.
struct TargetReport {
  Target target;
  Facts facts;
  Evidence evidence;
  std::vector<CertificationStatus> certifications = {};  // of the declared offer, one per scheme
  Placement placement = {};

  bool operator==(const TargetReport&) const = default;
};

// A data source the run used, named in every report. In AuditResult::sources: the databases and
// rule packs (kind "geoip", "rules", "facts"; name and version). In AuditResult::data_sources:
// what the data came from, with its date and its age on the as-of date (kind provider-feed,
// registry, geolocation, asn, or empty when a third-party database does not say).
struct DataSource {
  std::string kind;
  std::string name;     // file or pack name; for a data source, e.g. "AWS ip-ranges.json"
  std::string version;  // database type + build date, rule pack version, …
  // The rest is for data sources only (default initialisers keep {kind, name, version} valid).
  std::string database = {};          // the database file it is in, e.g. "providers.mmdb"
  std::string url = {};               // where it is published
  std::optional<Date> date = {};      // its own date; nullopt when it carries none
  std::optional<long> age_days = {};  // days from `date` to the audit's as-of date
  std::string serial = {};            // syncToken, changeNumber, package version; may be empty
  std::string sha256 = {};
  bool stale = false;            // older than the run's --max-data-age
  std::string licence = {};      // e.g. "CC BY 4.0 (NRO)"; empty when the database does not say
  std::string attribution = {};  // the credit its licence requires in every derived report; may be empty
};

// One part of a sharded audit (`--shard K/N`): the targets whose stable_hash64(id) % N is K - 1.
struct Shard {
  int index = 1;                      // K, 1-based
  int count = 1;                      // N
  std::size_t inventory_targets = 0;  // targets in the whole inventory, before the split

  auto operator<=>(const Shard&) const = default;
};

struct Counts {
  int pass = 0, fail = 0, unknown = 0, waived = 0;
  int total() const { return pass + fail + unknown + waived; }
  // Passes as a whole percentage of all findings, rounded down (so one failure is never 100%);
  // nullopt when there is no finding. Waived findings are not passes.
  std::optional<int> pass_percent() const;
};

struct AuditResult {
  std::string tool_version;
  std::string started_at;  // ISO 8601 UTC, the run's start (or the recorded run's, on replay)
  Date as_of;
  std::string host;  // where the audit ran
  // SARIF's %SRCROOT%: the repository root (git rev-parse --show-toplevel or --sarif-root), and
  // the folder relative input paths start from; both absolute, or empty when unknown.
  std::string source_root, working_dir;
  // Manifest metadata.
  std::string organisation, auditor, scope;
  std::vector<std::string> inputs;  // manifest files, lists
  std::vector<std::string> policies;
  std::vector<RequirementInfo> requirements;  // sorted by policy, id
  std::vector<TargetReport> targets;          // sorted by id
  // Or, for an audit whose reports are written once it has run, its targets as they were judged,
  // kept in a scratch file rather than in memory (audit::AuditOptions::on_target): a result holds
  // its targets in one or the other. Renderers read targets through target_count(), target(),
  // evidence_of() and for_each_target(), which see both.
  std::shared_ptr<const TargetStore> stored_targets;
  std::vector<Finding> findings;              // sorted by target, policy, requirement
  std::vector<WaiverInfo> waivers;
  std::vector<DataSource> sources;
  std::vector<DataSource> data_sources;       // inputs of the databases, with date and age
  int max_data_age_days = 90;                 // --max-data-age
  bool fail_on_stale_data = false;            // --fail-on-stale-data
  std::vector<std::string> warnings;  // stale waivers, missing databases, …
  Severity fail_on = Severity::high;
  bool fail_on_unknown = true;
  bool fail_on_none = false;  // --fail-on none: findings are reported, none sets the exit code
  bool baseline_used = false;
  bool explain = false;  // --explain: reports also show each finding's predicate trace
  std::optional<Shard> shard;  // set when this run audited one shard of the inventory
  int exit_code = 0;

  // Count verdicts over all findings (every renderer shows these same numbers).
  Counts counts() const;
  // Counts for one policy.
  Counts counts_for_policy(const std::string& policy_id) const;
  const RequirementInfo* requirement(std::string_view policy_id, std::string_view id) const;
  // How many targets the result holds.
  std::size_t target_count() const;
  // The target with this id, or null: a binary search when `targets` is sorted by id (as every
  // result from lib/audit is), else a scan; a stored target is read back, and held for as long
  // as the pointer is. Null too when a stored target cannot be read (targets_readable() says why).
  std::shared_ptr<const TargetReport> target(std::string_view id) const;
  // The evidence chain behind a finding: its target's; empty when the target is not in the result.
  // Never null. Keep the pointer in a variable while using the chain: a range-for over
  // `*evidence_of(f)` would free a stored target's chain before its loop starts (GCC 12 ends
  // the temporaries of a range-for's initializer there).
  std::shared_ptr<const Evidence> evidence_of(const Finding& finding) const;
  // Every target in id order, one at a time: a stored target is read back for the call only.
  void for_each_target(const std::function<void(const TargetReport&)>& visit) const;
  // An io error when a stored target could not be read back, so a report was rendered without
  // it and must not be written; ok otherwise.
  Result<void> targets_readable() const;
};

std::string_view to_string(WaiverInfo::State state);

// The order of findings in every result and report: by target, policy, requirement.
inline bool finding_before(const Finding& a, const Finding& b) {
  if (int c = a.target_id.view().compare(b.target_id.view()); c != 0) return c < 0;
  if (int c = a.policy_id.view().compare(b.policy_id.view()); c != 0) return c < 0;
  return a.requirement_id < b.requirement_id;
}

}  // namespace core
