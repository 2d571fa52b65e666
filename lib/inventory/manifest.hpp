// inventory::Manifest: an audit manifest (YAML, schema residency/manifest/v1; docs/manifest.md):
// who audits what, the default policies, the targets with their tags, and the waivers. Loading
// checks everything and reports every problem as "file:line:column: what is wrong; what was
// expected", with did-you-mean hints for misspelt keys.
#pragma once

#include "core/audit_result.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/target.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace inventory {

// Every problem found while loading, one core::Error each (where = file:line:column).
using Diagnostics = std::vector<core::Error>;

inline constexpr std::string_view k_manifest_schema = "residency/manifest/v1";
inline constexpr int k_default_waiver_max_days = 365;

// A policy id as written in the manifest (validated later against the rule packs).
struct PolicyRef {
  std::string id;
  core::SourceLocation declared_at;
};

// How a target's own `policies` combine with the manifest's defaults.
enum class PolicyMode { extend, replace };

struct TargetEntry {
  core::Target target;
  std::vector<PolicyRef> policies;  // the target's own list (may be empty)
  PolicyMode policy_mode = PolicyMode::extend;
};

struct Metadata {
  std::string organisation;
  std::string auditor;
  std::string scope;
  std::string description;
  int waiver_max_days = k_default_waiver_max_days;
};

struct Manifest {
  std::string file;  // as shown in messages
  Metadata metadata;
  std::vector<PolicyRef> policies;  // defaults for every target
  std::vector<TargetEntry> targets;  // in declaration order
  std::vector<core::WaiverInfo> waivers;  // in declaration order; ids W1, W2, … unless given

  // Return the policy ids that apply to `entry` (defaults plus its own, or its own only), sorted.
  std::vector<std::string> policies_for(const TargetEntry& entry) const;
};

struct LoadOptions {
  core::Date as_of;  // the audit date: waivers must expire within waiver_max_days of it
};

// Load and check the manifest at `path`. On failure every problem is in `diagnostics` and the
// returned error summarises them.
core::Result<Manifest> load_manifest(const std::filesystem::path& path, const LoadOptions& options,
                                     Diagnostics& diagnostics);

// Check manifest text; `file_name` is used in messages and declared_at locations.
core::Result<Manifest> parse_manifest(std::string_view text, const std::string& file_name,
                                      const LoadOptions& options, Diagnostics& diagnostics);

// Join diagnostics as "where: message" lines (for tests and messages).
std::string to_string(const Diagnostics& diagnostics);

}  // namespace inventory
