// residency: where does this data actually sit, and whose laws can reach it?
// main parses the command line with CLI11 (one file per subcommand), runs the chosen
// subcommand and returns its exit code. stdout carries only reports; diagnostics go to stderr.
#include "app_context.hpp"
#include "core/atomic_file.hpp"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>

namespace {

constexpr const char* k_exit_help =
    "Exit codes:\n"
    "  0  no failure at or above --fail-on\n"
    "  1  a proven failure at or above --fail-on\n"
    "  2  usage, configuration, rule or data error; an output that cannot be written\n"
    "  3  audit incomplete: unknowns that count as failures remain\n"
    "  130, 143  interrupted by SIGINT, SIGTERM (no temporary file is left behind)\n";

// A report that could not be written (a full disk, `> /dev/full`, a closed pipe) is an error,
// for every subcommand: flush standard output here, once, and check it.
void check_stdout(app::Context& ctx) {
  errno = 0;
  std::cout.flush();
  int err = errno;
  const bool flushed = std::fflush(stdout) == 0;
  if (!flushed) err = errno;
  if (flushed && !std::ferror(stdout) && std::cout.good()) return;
  if (ctx.exit_code == app::k_exit_usage && ctx.diag.error_count() > 0) return;  // already reported
  const std::string why = err != 0 ? std::strerror(err) : "write error";
  ctx.fail({core::ErrorCode::io, fmt::format("cannot write to standard output: {}", why), ""});
}

int run(int argc, char** argv) {
  app::Context ctx;
  CLI::App cli{"residency: audit where data sits and whose laws can reach it", "residency"};
  cli.set_version_flag("--version", std::string("residency ") + RESIDENCY_VERSION);
  cli.footer(k_exit_help);
  cli.require_subcommand(1);
  cli.add_flag("-v,--verbose", ctx.verbosity, "More diagnostics on stderr (repeatable)");
  cli.add_flag("-q,--quiet", ctx.quiet, "Only warnings and errors on stderr; no progress");

  auto* geoip = cli.add_subcommand("geoip", "Build, inspect and query MaxMind-format GeoIP databases");
  geoip->require_subcommand(1);
  app::add_geoip_commands(*geoip, ctx);
  app::add_geoip_build_command(*geoip, ctx);

  auto* rules = cli.add_subcommand("rules", "Validate, list and explain jurisdiction rule packs");
  rules->require_subcommand(1);
  app::add_rules_commands(*rules, ctx);

  auto* data = cli.add_subcommand("data", "Update the GeoIP data from its sources, and show how old it is");
  data->require_subcommand(1);
  app::add_data_commands(*data, ctx);

  app::add_audit_command(cli, ctx);
  app::add_probe_command(cli, ctx);
  app::add_diff_command(cli, ctx);
  app::add_compare_command(cli, ctx);
  app::add_report_commands(cli, ctx);

  cli.parse_complete_callback([&] {
    if (ctx.quiet) ctx.diag.set_min_level(core::Level::warning);
    else if (ctx.verbosity >= 2) ctx.diag.set_min_level(core::Level::debug);
    else if (ctx.verbosity == 1) ctx.diag.set_min_level(core::Level::info);
  });

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    cli.exit(e);
    return app::k_exit_usage;
  }
  check_stdout(ctx);
  return ctx.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  core::install_temp_file_cleanup();
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "residency: error: internal error: %s\n", e.what());
    return app::k_exit_usage;
  }
}
