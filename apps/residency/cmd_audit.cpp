// `residency audit [MANIFEST|LIST…] [--terraform PLAN.json…]`: run the whole pipeline (lib/audit)
// and write the reports (lib/report). YAML files are manifests; other files, and "-" for standard
// input, are plain lists of targets; --terraform reads `terraform show -json` plans. The exit code
// says whether proven failures or counted unknowns remain.
#include "app_context.hpp"
#include "audit/run.hpp"
#include "common_options.hpp"
#include "core/date.hpp"
#include "core/target_store.hpp"
#include "core/text.hpp"
#include "progress.hpp"
#include "report/report.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <system_error>

namespace app {

namespace {

struct AuditFlags {
  std::vector<std::string> inputs;
  std::vector<std::string> lists;
  std::vector<std::string> terraform;
  std::vector<std::string> tags;
  std::vector<std::string> policies;
  std::vector<std::string> rules;
  GeoipFlags geoip;
  DnsFlags dns;
  HttpsFlags https;
  std::string as_of;
  std::string shard;
  std::vector<std::string> formats;
  std::string output;
  bool list_formats = false;
  std::string fail_on = "high";
  bool fail_on_unknown = true;
  bool allow_empty = false;
  bool explain = false;
  int max_data_age = 90;
  int jobs = 0;
  bool fail_on_stale_data = false;
  std::string baseline, save_facts, facts;
  std::string sarif_root;
};

bool is_manifest(const std::string& path) { return path.ends_with(".yaml") || path.ends_with(".yml"); }

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

std::optional<std::filesystem::path> opt_path(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return std::filesystem::path(s);
}

core::Result<audit::AuditOptions> build_options(const AuditFlags& f, Context& ctx) {
  audit::AuditOptions o;
  for (const auto& in : f.inputs) {
    if (is_manifest(in))
      o.manifests.emplace_back(in);
    else
      o.lists.emplace_back(in);
  }
  for (const auto& l : f.lists) o.lists.emplace_back(l);
  for (const auto& p : f.terraform) o.terraform.emplace_back(p);
  for (const auto& tag : f.tags) {
    const auto eq = tag.find('=');
    if (eq == std::string::npos || eq == 0) {
      return core::fail(core::ErrorCode::usage,
                        fmt::format("--tag '{}': expected KEY=VALUE, e.g. classification=health", tag));
    }
    o.plan_tags[tag.substr(0, eq)] = tag.substr(eq + 1);
  }
  o.policies = f.policies;
  o.rules.dirs.assign(f.rules.begin(), f.rules.end());
  auto geoip = locate_geoip(f.geoip, Need::optional, ctx);
  if (!geoip) return std::unexpected(geoip.error());
  o.geoip = *geoip;
  auto dns = dns_options(f.dns);
  if (!dns) return std::unexpected(dns.error());
  o.dns = *dns;
  o.ptr = f.dns.ptr;
  auto https = https_options(f.https);
  if (!https) return std::unexpected(https.error());
  o.https = *https;
  o.https_all_hosts = f.https.all_hosts;
  auto as_of = parse_as_of(f.as_of);
  if (!as_of) return std::unexpected(as_of.error());
  o.as_of = *as_of;
  auto sev = core::parse_severity(f.fail_on);
  if (f.fail_on == "none") {
    o.fail_on_none = true;
  } else if (!sev) {
    std::string message = fmt::format("--fail-on '{}': expected none, info, low, medium, high or critical", f.fail_on);
    if (auto hint = core::closest(f.fail_on, {"none", "info", "low", "medium", "high", "critical"}))
      message += fmt::format(" (did you mean '{}'?)", *hint);
    return core::fail(core::ErrorCode::usage, message);
  } else {
    o.fail_on = *sev;
  }
  o.fail_on_unknown = f.fail_on_unknown;
  if (!f.shard.empty()) {
    auto shard = audit::parse_shard(f.shard);
    if (!shard) return std::unexpected(shard.error());
    o.shard = *shard;
  }
  o.allow_empty = f.allow_empty;
  o.explain = f.explain;
  o.max_data_age_days = f.max_data_age;
  o.jobs = f.jobs;
  o.fail_on_stale_data = f.fail_on_stale_data;
  o.baseline = opt_path(f.baseline);
  o.save_facts = opt_path(f.save_facts);
  o.facts = opt_path(f.facts);
  o.tool_version = RESIDENCY_VERSION;
  o.host = host_name();
  o.started_at = core::format_utc(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  return o;
}

// With --format markdown-summary and $GITHUB_STEP_SUMMARY set (a GitHub Actions step), append the
// summary to that file as well, so the job's page shows it.
core::Result<void> append_step_summary(const core::AuditResult& result, const std::vector<std::string>& formats) {
  const char* path = std::getenv("GITHUB_STEP_SUMMARY");
  if (path == nullptr || *path == '\0') return {};
  if (std::find(formats.begin(), formats.end(), "markdown-summary") == formats.end()) return {};
  std::ostringstream text;
  report::write_markdown_summary(result, text);
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << text.str() << '\n';
  out.flush();
  if (!out) return core::fail(core::ErrorCode::io, "cannot append to $GITHUB_STEP_SUMMARY", path);
  return {};
}

void print_formats() {
  for (const auto& f : report::formats()) std::cout << fmt::format("{:<17} {}\n", f.name, f.description);
}

void run_audit(const AuditFlags& f, Context& ctx) {
  if (f.list_formats) return print_formats();
  std::vector<std::string> formats = f.formats.empty() ? std::vector<std::string>{"text"} : f.formats;
  if (auto ok = report::validate_formats(formats); !ok) return ctx.fail(ok.error());
  if (f.inputs.empty() && f.lists.empty() && f.terraform.empty()) {
    return ctx.fail(
        {core::ErrorCode::usage,
         "nothing to audit; expected a manifest (.yaml), a list file, - for stdin, or --terraform PLAN.json", ""});
  }
  auto outputs = report::check_report_outputs(formats, opt_path(f.output));
  if (!outputs) return ctx.fail(outputs.error());
  auto opts = build_options(f, ctx);
  if (!opts) return ctx.fail(opts.error());
  opts->report_outputs = *outputs;
  // Memory does not hold every target's facts and evidence: each judged target goes to a scratch
  // file at once. A JSON report alone is written there as the audit runs; the other formats,
  // which group findings across targets and print counts first, read each target back from a
  // core::TargetStore as they render it. The scratch file goes beside the report, or in $TMPDIR
  // for standard output, devices and a folder still to be made. Where it cannot be made, the
  // targets are kept in memory.
  std::optional<report::JsonTargetStream> stream;
  std::shared_ptr<core::TargetStore> store;
  const bool to_file = !outputs->empty() && outputs->front().kind == core::OutputKind::regular;
  std::error_code ec;
  const auto folder = to_file ? outputs->front().target.parent_path() : std::filesystem::temp_directory_path(ec);
  if (ec) {
    // no scratch folder: the targets stay in memory
  } else if (std::all_of(formats.begin(), formats.end(), [](const std::string& name) { return name == "json"; })) {
    if (auto opened = report::JsonTargetStream::open(folder)) stream = std::move(*opened);
    if (stream) opts->on_target = [&](const core::TargetReport& t) { stream->add(t); };
  } else if (auto opened = core::TargetStore::open(folder)) {
    store = std::move(*opened);
    opts->on_target = [&](const core::TargetReport& t) { store->add(t); };
  }
  Progress progress(ctx.diag.is_tty() && !ctx.quiet);
  auto result = audit::run(*opts, ctx.diag, [&](std::size_t done, std::size_t total) { progress.update(done, total); });
  progress.finish();
  if (!result) return ctx.fail(result.error());
  result->stored_targets = store;
  for (const auto& w : result->warnings) ctx.diag.warning("{}", w);
  if (auto ok = set_source_root(*result, formats, f.sarif_root); !ok) return ctx.fail(ok.error());
  if (stream) {
    core::Result<void> streamed;
    auto written = report::write_report([&](std::ostream& o) { streamed = stream->write(*result, o); },
                                        opt_path(f.output), std::cout);
    if (!streamed) return ctx.fail(streamed.error());  // the cause, rather than "could not be written"
    if (!written) return ctx.fail(written.error());
  } else if (auto ok = report::write_reports(*result, formats, opt_path(f.output), std::cout, stdout_colour(ctx));
             !ok) {
    return ctx.fail(ok.error());
  }
  if (auto ok = append_step_summary(*result, formats); !ok) return ctx.fail(ok.error());
  ctx.exit_code = result->exit_code;
  // The process ends after this command. Freeing every target's facts and evidence took 10-15 %
  // of a 10,000-target replay, so the result is left to the exit, as compilers (clang's
  // -disable-free) and linkers (mold) do; it stays reachable, so leak checkers stay quiet.
  static core::AuditResult* kept_until_exit = nullptr;
  delete kept_until_exit;  // a second audit in one process (never from the command line)
  kept_until_exit = new core::AuditResult(std::move(*result));
}

}  // namespace

void add_audit_command(CLI::App& cli, Context& ctx) {
  auto f = std::make_shared<AuditFlags>();
  auto* cmd = cli.add_subcommand("audit", "Audit targets against jurisdiction policies and write reports");
  cmd->add_option("INPUT", f->inputs, "Manifests (*.yaml) and plain target lists (one per line; - for stdin)");
  cmd->add_option("--list", f->lists, "A plain list of hosts, URLs or IPs (repeatable; - for stdin)");
  cmd->add_option("--terraform", f->terraform,
                  "A Terraform/OpenTofu plan as JSON (terraform show -json PLANFILE; repeatable; - for stdin)");
  cmd->add_option("--tag", f->tags, "KEY=VALUE added to every plan resource that lacks the tag (repeatable)");
  cmd->add_option("--policy", f->policies, "Policy id to apply (repeatable; replaces the manifests' policies)");
  add_rules_option(*cmd, f->rules);
  add_geoip_option(*cmd, f->geoip);
  add_dns_options(*cmd, f->dns);
  add_https_options(*cmd, f->https);
  add_as_of_option(*cmd, f->as_of);
  cmd->add_option("--format", f->formats,
                  "Report format (repeatable): text, json, sarif, junit, markdown, markdown-summary, html, csv");
  cmd->add_option("-o,--output", f->output, "Write the report to this file (one format) or folder (several)");
  cmd->add_flag("--list-formats", f->list_formats, "List the report formats and exit");
  cmd->add_option("--fail-on", f->fail_on,
                  "Lowest severity that fails the run (info, low, medium, high, critical), or none: always exit 0 "
                  "unless the tool itself fails")
      ->capture_default_str();
  cmd->add_flag("--fail-on-unknown,!--no-fail-on-unknown", f->fail_on_unknown,
                "Unknown results count as failures (exit 3) unless a requirement says otherwise (default: on)");
  cmd->add_flag(
      "--allow-empty", f->allow_empty,
      "An audit in which no requirement applies to any target is expected (exit 0, not a configuration error)");
  cmd->add_flag("--explain", f->explain,
                "Also show each finding's predicate trace: the fact tests behind its verdict (why: lines; JSON "
                "explanation)");
  cmd->add_option("--shard", f->shard,
                  "K/N: audit only the K-th of N parts of the targets, split by a stable hash of their ids "
                  "(join the parts with `residency report merge`)");
  cmd->add_option("-j,--jobs", f->jobs,
                  "Threads that judge the targets (0: one per CPU, at most 8); the reports are the same for any "
                  "number")
      ->capture_default_str()
      ->check(CLI::Range(0, 256));
  cmd->add_option("--max-data-age", f->max_data_age,
                  "Warn about data sources older than this many days on the as-of date")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->add_flag("--fail-on-stale-data", f->fail_on_stale_data,
                "Such data makes the audit incomplete (exit 3) unless a proven failure gives 1");
  cmd->add_option("--baseline", f->baseline, "A previous JSON report: fail only on findings that are new");
  cmd->add_option("--save-facts", f->save_facts,
                  "Write the raw observations (DNS answers, HTTPS certificates and headers) for offline replay");
  cmd->add_option("--facts", f->facts, "Replay recorded observations instead of probing (no network)");
  cmd->add_option("--sarif-root", f->sarif_root,
                  "Folder SARIF locations are relative to (%SRCROOT%; default: the git work tree, else the current "
                  "folder)");
  cmd->callback([f, &ctx] { run_audit(*f, ctx); });
}

}  // namespace app
