// residency: where does this data actually sit, and whose laws can reach it?
// main parses the command line with CLI11 (one file per subcommand), runs the chosen
// subcommand and returns its exit code. stdout carries only reports; diagnostics go to stderr.
#include "app_context.hpp"
#include "core/atomic_file.hpp"
#include "core/text.hpp"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <utility>

namespace {

// Each subcommand's own exit codes, shown at the end of its --help.
constexpr std::pair<const char*, const char*> k_exit_help[] = {
    {"audit",
     "Exit codes:\n"
     "  0  no failure at or above --fail-on (always, with --fail-on none)\n"
     "  1  a proven failure at or above --fail-on\n"
     "  2  usage, configuration, rule or data error; an output that cannot be written\n"
     "  3  audit incomplete: unknowns that count as failures remain\n"
     "  130, 143  interrupted by SIGINT, SIGTERM (no temporary file is left behind)\n"},
    {"probe",
     "Exit codes:\n"
     "  0  every target was observed\n"
     "  2  usage, configuration, rule or data error\n"
     "  3  a target could not be resolved (NXDOMAIN, timeout, SERVFAIL, …)\n"},
    {"diff",
     "Exit codes:\n"
     "  0  no failure in the new report that the old one did not have\n"
     "  1  new failures\n"
     "  2  usage error or unreadable report\n"},
    {"compare",
     "Exit codes:\n"
     "  0  the comparison was written\n"
     "  2  usage, configuration, rule or data error\n"},
    {"rules",
     "Exit codes:\n"
     "  0  the rules load (warnings do not change it)\n"
     "  2  usage error or a rule error\n"},
    {"geoip",
     "Exit codes:\n"
     "  0  done\n"
     "  2  usage error, or a database that cannot be read or written\n"},
};

// After a parse error: "did you mean" for a mistyped subcommand or long option, on stderr.
void suggest(CLI::App& cli, int argc, char** argv) {
  CLI::App* app = &cli;
  std::vector<std::string> path;  // the subcommands recognised, outermost first
  while (true) {
    auto subs = app->get_subcommands();
    if (subs.empty()) break;
    app = subs.front();
    path.push_back(app->get_name());
  }
  std::vector<std::string> commands, options;
  for (auto* sub : app->get_subcommands([](CLI::App*) { return true; })) commands.push_back(sub->get_name());
  for (const auto* opt : app->get_options()) {
    for (const auto& name : opt->get_lnames()) options.push_back("--" + name);
  }
  for (const CLI::App* up = app->get_parent(); up != nullptr; up = up->get_parent()) {
    for (const auto* opt : up->get_options()) {
      for (const auto& name : opt->get_lnames()) options.push_back("--" + name);
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.starts_with("--")) {
      arg = arg.substr(0, arg.find('='));
      if (std::find(options.begin(), options.end(), arg) != options.end()) continue;
      if (auto hint = core::closest(arg, options))
        std::fprintf(stderr, "residency: did you mean '%s'?\n", hint->c_str());
      return;
    }
    if (std::find(path.begin(), path.end(), arg) != path.end()) continue;
    if (!commands.empty() && !arg.starts_with("-") &&
        std::find(commands.begin(), commands.end(), arg) == commands.end()) {
      if (auto hint = core::closest(arg, commands))
        std::fprintf(stderr, "residency: did you mean '%s'?\n", hint->c_str());
      return;
    }
  }
}

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
  cli.footer("Each subcommand's --help lists its exit codes (0 success, 2 usage or configuration error).\n");
  cli.require_subcommand(1);
  cli.add_flag("-v,--verbose", ctx.verbosity, "More diagnostics on stderr (repeatable)");
  cli.add_flag("-q,--quiet", ctx.quiet, "Only warnings and errors on stderr; no progress");
  cli.add_option("--color", ctx.colour,
                 "Colour the text report: auto (stdout is a terminal, NO_COLOR unset), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();

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

  // Set after the subcommands exist, on them and their own subcommands (geoip lookup, rules list…),
  // after the footer a subcommand already has (geoip build's input formats).
  auto set_footer = [](auto& self, CLI::App* app, const char* help) -> void {
    const std::string own = app->get_footer();
    app->footer(own.empty() ? std::string(help) : own + "\n\n" + help);
    for (auto* sub : app->get_subcommands([](CLI::App*) { return true; })) self(self, sub, help);
  };
  for (const auto& [name, help] : k_exit_help) set_footer(set_footer, cli.get_subcommand(name), help);

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
    suggest(cli, argc, argv);
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
