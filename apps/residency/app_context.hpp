// What every subcommand shares: the diagnostics sink, global flags, and the exit code to return.
#pragma once

#include "core/diag.hpp"
#include "core/error.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace app {

// Exit codes (DESIGN.md "Conventions"; README.md and --help list them).
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failures = 1;
inline constexpr int k_exit_usage = 2;  // usage, configuration, rule and data errors
inline constexpr int k_exit_incomplete = 3;

struct Context {
  core::Diag diag;
  int verbosity = 0;
  bool quiet = false;
  std::string colour = "auto";  // --color: auto (stdout is a terminal and NO_COLOR unset), always, never
  int exit_code = k_exit_ok;

  // Report `error` through diag and set the exit code it maps to.
  void fail(const core::Error& error);
};

// Write one line of human-readable output to stdout through core::terminal_safe (names from
// manifests, databases and DNS answers cannot reach the terminal raw); the newline is added.
void print_line(std::string_view line);

// Map an error to its exit code (everything a user can fix by changing input is 2).
int exit_code_for(const core::Error& error);

// The installed data folder (…/share/residency) and the source tree's, for default data.
std::filesystem::path installed_data_dir();
std::filesystem::path source_data_dir();

// Subcommand registration: one function per subcommand file.
void add_geoip_commands(CLI::App& geoip, Context& ctx);        // cmd_geoip.cpp: info, lookup
void add_geoip_build_command(CLI::App& geoip, Context& ctx);   // cmd_geoip_build.cpp: build
void add_rules_commands(CLI::App& rules, Context& ctx);        // cmd_rules.cpp: validate, list, show, explain
void add_audit_command(CLI::App& cli, Context& ctx);            // cmd_audit.cpp: audit
void add_probe_command(CLI::App& cli, Context& ctx);            // cmd_probe.cpp: probe
void add_diff_command(CLI::App& cli, Context& ctx);            // cmd_diff.cpp: diff A.json B.json
void add_compare_command(CLI::App& cli, Context& ctx);         // cmd_compare.cpp: compare --policy ID
void add_report_commands(CLI::App& cli, Context& ctx);         // cmd_report.cpp: report merge, render
void add_data_commands(CLI::App& data, Context& ctx);          // cmd_data.cpp: update, status

}  // namespace app
