// `residency diff BEFORE.json AFTER.json [--format text|json]`: compare two JSON reports by
// finding fingerprint (lib/audit/baseline) and print what is new, resolved and changed. Exit 0
// when nothing new fails, 1 when new failures exist, 2 when a report cannot be read.
#include "app_context.hpp"

#include "audit/baseline.hpp"
#include "core/json_text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace app {

namespace {

using Json = nlohmann::ordered_json;

struct DiffOptions {
  std::string before;
  std::string after;
  std::string format = "text";
};

std::string describe(const audit::BaselineFinding& f) {
  std::string text = fmt::format("{}  {}", f.target, f.requirement);
  if (!f.policy.empty()) text += fmt::format(" ({})", f.policy);
  text += fmt::format("  {} {}", core::to_string(f.severity), core::to_string(f.verdict));
  if (!f.entity.empty()) text += fmt::format("  {}", f.entity);
  if (!f.jurisdiction.empty()) text += fmt::format(" [{}]", f.jurisdiction);
  if (!f.message.empty()) text += fmt::format(": {}", f.message);
  return text;
}

std::string describe_change(const audit::Change& c) {
  std::string text = fmt::format("{}  {}", c.after.target, c.after.requirement);
  if (!c.after.policy.empty()) text += fmt::format(" ({})", c.after.policy);
  if (c.before.verdict != c.after.verdict) {
    text += fmt::format("  verdict {} -> {}", core::to_string(c.before.verdict), core::to_string(c.after.verdict));
  }
  if (c.before.severity != c.after.severity) {
    text += fmt::format("  severity {} -> {}", core::to_string(c.before.severity), core::to_string(c.after.severity));
  }
  return text;
}

void print_section(std::string_view name, const std::vector<std::string>& lines, char mark) {
  print_line(fmt::format("{} ({}):", name, lines.size()));
  if (lines.empty()) print_line("  (none)");
  for (const auto& line : lines) print_line(fmt::format("  {} {}", mark, line));
}

void print_text(const audit::DiffResult& d, const DiffOptions& opts) {
  print_line(fmt::format("residency diff: {} -> {}", opts.before, opts.after));
  std::vector<std::string> lines;
  for (const auto& f : d.added) lines.push_back(describe(f));
  print_section("new", lines, '+');
  lines.clear();
  for (const auto& f : d.resolved) lines.push_back(describe(f));
  print_section("resolved", lines, '-');
  lines.clear();
  for (const auto& c : d.changed) lines.push_back(describe_change(c));
  print_section("changed", lines, '~');
  std::cout << fmt::format("summary: {} new, {} resolved, {} changed\n", d.added.size(), d.resolved.size(),
                           d.changed.size());
}

Json finding_json(const audit::BaselineFinding& f) {
  return Json{{"target", f.target},           {"requirement", f.requirement},
              {"policy", f.policy},           {"severity", core::to_string(f.severity)},
              {"verdict", core::to_string(f.verdict)}, {"fingerprint", f.fingerprint},
              {"entity", f.entity},           {"jurisdiction", f.jurisdiction},
              {"message", f.message}};
}

void print_json(const audit::DiffResult& d, const DiffOptions& opts) {
  Json out{{"schema", "residency/diff/v1"}, {"before", opts.before}, {"after", opts.after}};
  out["new"] = Json::array();
  for (const auto& f : d.added) out["new"].push_back(finding_json(f));
  out["resolved"] = Json::array();
  for (const auto& f : d.resolved) out["resolved"].push_back(finding_json(f));
  out["changed"] = Json::array();
  for (const auto& c : d.changed) {
    Json j = finding_json(c.after);
    j["before"] = Json{{"severity", core::to_string(c.before.severity)}, {"verdict", core::to_string(c.before.verdict)}};
    out["changed"].push_back(std::move(j));
  }
  out["counts"] = Json{{"new", d.added.size()}, {"resolved", d.resolved.size()}, {"changed", d.changed.size()}};
  std::cout << core::dump_json(out) << '\n';
}

void run_diff(const DiffOptions& opts, Context& ctx) {
  auto before = audit::load_baseline(opts.before);
  if (!before) return ctx.fail(before.error());
  auto after = audit::load_baseline(opts.after);
  if (!after) return ctx.fail(after.error());
  const audit::DiffResult d = audit::diff(*before, *after);
  if (opts.format == "json") print_json(d, opts);
  else print_text(d, opts);
  ctx.exit_code = d.added.empty() ? k_exit_ok : k_exit_failures;
}

}  // namespace

void add_diff_command(CLI::App& cli, Context& ctx) {
  auto opts = std::make_shared<DiffOptions>();
  auto* cmd = cli.add_subcommand("diff", "Compare two JSON reports: new, resolved and changed findings");
  cmd->add_option("BEFORE", opts->before, "The earlier JSON report (e.g. the baseline)")->required();
  cmd->add_option("AFTER", opts->after, "The later JSON report")->required();
  cmd->add_option("--format", opts->format, "Output format: text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([opts, &ctx] { run_diff(*opts, ctx); });
}

}  // namespace app
