// audit baselines: a previous JSON report (schema residency/report/v2 or v1) whose failing findings are
// accepted as known, so CI fails only on new ones; and the diff of two reports. Findings are
// keyed by a fingerprint of (target, requirement, entity, jurisdiction), never IP addresses, so
// CDN address churn does not resurface old findings.
#pragma once

#include "core/audit_result.hpp"
#include "core/error.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace audit {

// The schema of the JSON reports this version writes, and of the older one it still reads.
inline constexpr std::string_view k_report_schema = "residency/report/v2";
inline constexpr std::string_view k_report_schema_v1 = "residency/report/v1";
// 1 or 2 for a schema this version reads, else nullopt.
std::optional<int> report_schema_version(std::string_view schema);
// "unsupported schema 'X'; expected 'residency/report/v2' (or v1)".
std::string unsupported_schema(std::string_view schema);

// One finding as a JSON report records it.
struct BaselineFinding {
  std::string target;
  std::string requirement;
  std::string policy;
  core::Severity severity = core::Severity::medium;
  core::Verdict verdict = core::Verdict::unknown;
  std::string fingerprint;  // from the report, or computed from the parts when absent
  std::string entity;
  std::string jurisdiction;
  std::string message;

  // True for fail and unknown (what a baseline accepts and a diff counts as a failure).
  bool failing() const { return verdict == core::Verdict::fail || verdict == core::Verdict::unknown; }
};

struct Baseline {
  std::string file;
  std::vector<BaselineFinding> findings;              // sorted by target, policy, requirement
  std::map<std::string, std::size_t> by_fingerprint;  // fingerprint → index (first, failing preferred)

  // Return the finding with `fingerprint`, or nullptr.
  const BaselineFinding* find(const std::string& fingerprint) const;
};

// Read a JSON report; errors name the file and the position (line:column, or a JSON pointer).
core::Result<Baseline> load_baseline(const std::filesystem::path& path);
// Parse JSON report text; `name` is used in messages.
core::Result<Baseline> parse_baseline(std::string_view text, const std::string& name);

// Mark failing findings (fail/unknown) as `existing` when the baseline has them failing (they then
// stop counting as failures), else `is_new`; matched by core::fingerprint_of.
void apply_baseline(std::vector<core::Finding>& findings, const Baseline& baseline);

// A finding whose verdict or severity changed between two reports.
struct Change {
  BaselineFinding before;
  BaselineFinding after;
};

struct DiffResult {
  std::vector<BaselineFinding> added;     // failing in `after`, absent or not failing in `before`
  std::vector<BaselineFinding> resolved;  // failing in `before`, absent or not failing in `after`
  std::vector<Change> changed;            // in both, same failing-ness, verdict or severity changed
};

// Compare two reports by fingerprint; each list is sorted by target, policy, requirement.
DiffResult diff(const Baseline& before, const Baseline& after);

}  // namespace audit
