// residency: where does this data actually sit, and whose laws can reach it?
// main parses the command line with CLI11 (one file per subcommand), runs the chosen
// subcommand and returns its exit code. stdout carries only reports; diagnostics go to stderr.
#include "app_context.hpp"

#include <CLI/CLI.hpp>

#include <exception>

namespace {

constexpr const char* k_exit_help =
    "Exit codes:\n"
    "  0  no failure at or above --fail-on\n"
    "  1  a proven failure at or above --fail-on\n"
    "  2  usage, configuration, rule or data error\n"
    "  3  audit incomplete: unknowns that count as failures remain\n";

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

  app::add_audit_command(cli, ctx);
  app::add_probe_command(cli, ctx);
  app::add_diff_command(cli, ctx);
  app::add_compare_command(cli, ctx);

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
  return ctx.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "residency: error: internal error: %s\n", e.what());
    return app::k_exit_usage;
  }
}
