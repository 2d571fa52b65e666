// audit::run: the whole audit, callable from tests (bloaty's BloatyMain): inventory → probe (live
// DNS or recorded facts) → geo → attribute → evaluate → waivers → baseline → result with its exit
// code. Rule and manifest problems are all reported, then the run stops before probing.
#pragma once

#include "core/atomic_file.hpp"
#include "core/audit_result.hpp"
#include "core/diag.hpp"
#include "core/error.hpp"
#include "policy/load.hpp"
#include "probe/dns.hpp"
#include "probe/http.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace audit {

struct AuditOptions {
  std::vector<std::filesystem::path> manifests;  // YAML manifests
  std::vector<std::filesystem::path> lists;      // plain lists ("-" = stdin)
  std::vector<std::filesystem::path> terraform;  // `terraform show -json` plans ("-" = stdin)
  std::map<std::string, std::string> plan_tags;  // --tag: added to every plan resource that lacks it
  std::vector<std::string> policies;             // --policy: replaces the manifests' defaults
  policy::LoadOptions rules;
  std::vector<std::filesystem::path> geoip;  // database files, already located
  probe::DnsOptions dns;
  bool ptr = false;                 // --ptr: ask PTR for every address
  probe::HttpsOptions https;        // the HTTPS probe (url targets, `https: true` hosts)
  bool https_all_hosts = false;     // --https: every host target too
  std::optional<core::Date> as_of;  // default: the recording's, else today
  std::optional<core::Shard> shard;  // --shard K/N: audit only this part of the inventory
  core::Severity fail_on = core::Severity::high;
  bool fail_on_unknown = true;
  bool fail_on_none = false;  // --fail-on none: nothing counts as a failure (exit 0 unless the tool fails)
  bool allow_empty = false;  // an audit with no finding is an error unless this says it is expected
  bool explain = false;      // reports also show each finding's predicate trace
  int max_data_age_days = 90;       // --max-data-age: warn about older data sources
  int jobs = 0;  // --jobs: threads that judge targets (0: one per CPU, at most 8); same results for any
  bool fail_on_stale_data = false;  // --fail-on-stale-data: such data makes the run exit 3
  std::optional<std::filesystem::path> baseline;
  std::vector<core::OutputPath> report_outputs;     // report::check_report_outputs: checked against the inputs
  std::optional<std::filesystem::path> save_facts;  // write the raw observations here
  std::optional<std::filesystem::path> facts;       // replay these instead of probing
  std::string tool_version;
  std::string host;        // where the run happens (ignored on replay: the recording's)
  std::string started_at;  // ISO 8601 UTC (ignored on replay)
  // When set, each target goes here as soon as it is judged and is then forgotten: the result's
  // `targets` stays empty, all else (findings, counts, warnings, exit code) is whole. For a
  // report written while the audit runs (report::JsonTargetStream), or for targets kept in a
  // scratch file until the reports are written (core::TargetStore), so memory does not grow
  // with every target's facts and evidence.
  std::function<void(const core::TargetReport&)> on_target;
};

// Run the audit. Errors (usage, rules, manifests, databases, facts files) come back as an Error
// after every problem has been reported through `diag`.
core::Result<core::AuditResult> run(const AuditOptions& options, core::Diag& diag,
                                    const probe::DnsProgress& progress = {});

// Parse `--shard K/N` (1 <= K <= N <= 65536).
core::Result<core::Shard> parse_shard(std::string_view text);
// True when the target id falls in the shard: stable_hash64(id) % N == K - 1, the same on every
// run and machine, so N runs with K = 1..N audit each target exactly once.
bool in_shard(std::string_view target_id, const core::Shard& shard);

// The warnings about the declared offers' certifications (lapsed, lapsing, unconfirmed), one per
// certification naming the targets that declared it.
std::vector<std::string> certification_notices(const std::vector<core::TargetReport>& targets, core::Date as_of);
// Sort targets by id, findings by target, policy and requirement, requirements by policy and id.
void sort_result(core::AuditResult& result);
// Sort and de-duplicate a result's warnings: the same set in the same order however the targets
// were split.
void settle_warnings(std::vector<std::string>& warnings);

// The exit code of a result (DESIGN.md "Exit codes"): 1 for a counted failure, else 3 for a
// counted unknown or (with fail_on_stale_data) a data source older than max_data_age_days, else 0.
int exit_code_of(const core::AuditResult& result);

}  // namespace audit
