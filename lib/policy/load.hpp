// policy::load_rules: the rule packs a run uses — the shipped packs embedded in the binary, then
// RESIDENCY_RULES folders, then --rules folders (later entries override earlier ones by id) —
// loaded and validated with every problem reported as file:line:column.
#pragma once

#include "core/date.hpp"
#include "core/diag.hpp"
#include "core/error.hpp"
#include "policy/node.hpp"
#include "policy/rule_set.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace policy {

// One validation finding.
struct Problem {
  core::Level level = core::Level::error;
  SourceLocation loc;
  std::string message;

  // "file:line:column: message".
  std::string text() const { return loc.to_string() + ": " + message; }
};

enum class Embedded {
  yes,              // the shipped packs are the base layer
  no,               // only the given folders
  unless_complete,  // the shipped packs, unless the folders hold their own jurisdictions pack
};

struct LoadOptions {
  Embedded embedded = Embedded::yes;
  std::vector<std::filesystem::path> dirs;  // in order; later folders win
  std::optional<core::Date> as_of;          // enables notes on certifications expired at that date
};

struct Validation {
  RuleSet rules;
  std::vector<Problem> problems;  // sorted by file, line, column
  int errors = 0;
  int warnings = 0;
};

// Load and validate; report every problem through `diag`. Fails (code config) when any is an error.
core::Result<RuleSet> load_rules(const LoadOptions& options, core::Diag& diag);
// Load and validate without reporting (tests, `rules validate`, compile_rules).
Validation validate_rules(const LoadOptions& options);
// Validate layers of already-parsed files (earlier problems, e.g. syntax errors, are kept).
Validation validate_layers(const std::vector<std::vector<ParsedFile>>& layers, std::optional<core::Date> as_of,
                           std::vector<Problem> earlier = {});
// Parse every *.yaml/*.yml under `dir` (recursively, sorted); unreadable or malformed files go to `problems`.
std::vector<ParsedFile> read_dir(const std::filesystem::path& dir, std::vector<Problem>& problems);
// Parse one file, shown in messages as `display_name`; problems go to `problems`.
std::optional<ParsedFile> read_pack(const std::filesystem::path& path, const std::string& display_name,
                                    std::vector<Problem>& problems);
// The folders named by RESIDENCY_RULES (colon-separated; empty entries skipped).
std::vector<std::filesystem::path> env_rule_dirs();
// Report `problems` through `diag` at their levels.
void report(const std::vector<Problem>& problems, core::Diag& diag);
// Report what a command that uses the rules (audit, probe, rules list/show) needs: every error,
// and warnings and notes only about the packs of options.dirs (`rules validate` shows the rest).
void report_for_use(const std::vector<Problem>& problems, const LoadOptions& options, core::Diag& diag);

}  // namespace policy
