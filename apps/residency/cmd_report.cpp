// `residency report merge A.json B.json … -o all.json`: join the JSON reports of a sharded audit
// (audit --shard K/N) into the report of the whole inventory, counts and exit code recomputed.
// `residency report render REPORT.json --format F…`: render any report format from a JSON report
// (a merged one, or one kept from an earlier run), exactly as `audit` would have. Both exit with
// the report's exit code, or 2 when a report cannot be read or the parts do not belong together.
#include "app_context.hpp"
#include "audit/merge.hpp"
#include "audit/report_reader.hpp"
#include "common_options.hpp"
#include "core/atomic_file.hpp"
#include "report/report.hpp"

#include <iostream>
#include <memory>

namespace app {

namespace {

struct ReportFlags {
  std::vector<std::string> inputs;
  std::string input;
  std::vector<std::string> formats;
  std::string output;
};

// Check the output before reading anything: a bad --output, or one naming an input report, is
// exit 2 and nothing is written.
core::Result<void> check_outputs(const std::vector<std::string>& formats, const std::string& output,
                                 const std::vector<std::string>& inputs) {
  if (auto ok = report::validate_formats(formats); !ok) return ok;
  std::optional<std::filesystem::path> out;
  if (!output.empty()) out = output;
  auto outputs = report::check_report_outputs(formats, out);
  if (!outputs) return std::unexpected(outputs.error());
  const std::vector<std::filesystem::path> in(inputs.begin(), inputs.end());
  for (const auto& o : *outputs) {
    if (auto ok = core::refuse_input_overwrite(o, in, "--output"); !ok) return ok;
  }
  return {};
}

void write(core::AuditResult& result, const std::vector<std::string>& formats, const std::string& output,
           Context& ctx) {
  // A report read back keeps its %SRCROOT%; one without (a JSON-only audit) gets it here, as audit would.
  if (auto ok = set_source_root(result, formats); !ok) return ctx.fail(ok.error());
  for (const auto& w : result.warnings) ctx.diag.warning("{}", w);
  std::optional<std::filesystem::path> out;
  if (!output.empty()) out = output;
  if (auto ok = report::write_reports(result, formats, out, std::cout, stdout_colour(ctx)); !ok) {
    return ctx.fail(ok.error());
  }
  ctx.exit_code = result.exit_code;
}

void run_merge(const ReportFlags& f, Context& ctx) {
  std::vector<std::string> formats = f.formats.empty() ? std::vector<std::string>{"json"} : f.formats;
  if (auto ok = check_outputs(formats, f.output, f.inputs); !ok) return ctx.fail(ok.error());
  std::vector<audit::ReportPart> parts;
  for (const auto& path : f.inputs) {
    auto r = audit::load_report(path);
    if (!r) return ctx.fail(r.error());
    parts.push_back({path, std::move(*r)});
  }
  auto merged = audit::merge_reports(std::move(parts));
  if (!merged) return ctx.fail(merged.error());
  write(*merged, formats, f.output, ctx);
}

void run_render(const ReportFlags& f, Context& ctx) {
  std::vector<std::string> formats = f.formats.empty() ? std::vector<std::string>{"text"} : f.formats;
  if (auto ok = check_outputs(formats, f.output, {f.input}); !ok) return ctx.fail(ok.error());
  auto r = audit::load_report(f.input);
  if (!r) return ctx.fail(r.error());
  write(*r, formats, f.output, ctx);
}

}  // namespace

void add_report_commands(CLI::App& cli, Context& ctx) {
  auto* report = cli.add_subcommand("report", "Merge the JSON reports of a sharded audit; render a JSON report");
  report->require_subcommand(1);

  auto m = std::make_shared<ReportFlags>();
  auto* merge = report->add_subcommand("merge", "Join the JSON reports of audit --shard K/N, one per K");
  merge->add_option("REPORT", m->inputs, "The shards' JSON reports")->required();
  merge->add_option("--format", m->formats, "Report format (repeatable; default json)");
  merge->add_option("-o,--output", m->output, "Write the report to this file (one format) or folder (several)");
  merge->footer(
      "Exit codes: those of the merged audit (0, 1, 3); 2 when a report cannot be read or the\n"
      "reports are not the shards of one audit.\n");
  merge->callback([m, &ctx] { run_merge(*m, ctx); });

  auto r = std::make_shared<ReportFlags>();
  auto* render = report->add_subcommand("render", "Write any report format from a JSON report");
  render->add_option("REPORT", r->input, "A JSON report (of audit or report merge)")->required();
  render->add_option("--format", r->formats, "Report format (repeatable; default text)");
  render->add_option("-o,--output", r->output, "Write the report to this file (one format) or folder (several)");
  render->footer("Exit codes: the report's own (0, 1, 3); 2 when it cannot be read.\n");
  render->callback([r, &ctx] { run_render(*r, ctx); });
}

}  // namespace app
