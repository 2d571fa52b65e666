// `residency compare --policy ID`: the procurement matrix (lib/audit compare) rendered by
// lib/report. Offers × requirements, each offer judged in its best EEA region; exit 0 once the
// matrix is written, 2 for usage and rule errors (a comparison gates nothing).
#include "app_context.hpp"
#include "audit/compare.hpp"
#include "common_options.hpp"
#include "report/comparison.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>
#include <memory>

namespace app {

namespace {

struct CompareFlags {
  std::string policy;
  std::vector<std::string> providers;
  std::vector<std::string> rules;
  std::string as_of;
  std::string format = "text";
  std::string output;
};

void run_compare(const CompareFlags& f, Context& ctx) {
  audit::CompareOptions o;
  o.policy = f.policy;
  o.providers = f.providers;
  o.rules.dirs.assign(f.rules.begin(), f.rules.end());
  auto as_of = parse_as_of(f.as_of);
  if (!as_of) return ctx.fail(as_of.error());
  o.as_of = *as_of;
  o.tool_version = RESIDENCY_VERSION;
  const auto& formats = report::comparison_formats();
  if (std::find(formats.begin(), formats.end(), f.format) == formats.end()) {
    // Let write_comparison phrase the error (with its hint) before any work is done.
    return ctx.fail(report::write_comparison({}, f.format, std::nullopt, std::cout).error());
  }
  auto result = audit::compare(o, ctx.diag);
  if (!result) return ctx.fail(result.error());
  for (const auto& w : result->warnings) ctx.diag.warning("{}", w);
  std::optional<std::filesystem::path> output;
  if (!f.output.empty()) output = f.output;
  if (auto ok = report::write_comparison(*result, f.format, output, std::cout); !ok) return ctx.fail(ok.error());
}

}  // namespace

void add_compare_command(CLI::App& cli, Context& ctx) {
  auto f = std::make_shared<CompareFlags>();
  auto* cmd = cli.add_subcommand("compare", "Compare providers' offers against a policy, for procurement");
  cmd->add_option("--policy", f->policy, "Policy id whose requirements are the matrix's columns")->required();
  cmd->add_option("--providers", f->providers, "Provider ids to compare, comma-separated (default: every provider)")
      ->delimiter(',');
  add_rules_option(*cmd, f->rules);
  add_as_of_option(*cmd, f->as_of);
  cmd->add_option("--format", f->format,
                  fmt::format("Output format: {}", fmt::join(report::comparison_formats(), ", ")))
      ->capture_default_str();
  cmd->add_option("-o,--output", f->output, "Write the comparison to this file instead of standard output");
  cmd->callback([f, &ctx] { run_compare(*f, ctx); });
}

}  // namespace app
