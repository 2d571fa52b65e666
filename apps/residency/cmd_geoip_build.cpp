// `residency geoip build --from FORMAT:FILE… -o OUT.mmdb`: thin CLI over geo::build_range_database.
// It parses the --from arguments, picks the build time (SOURCE_DATE_EPOCH when set, so builds
// can be reproducible), builds the database and prints a one-line summary to stderr.
#include "app_context.hpp"

#include "geo/importers.hpp"

#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

namespace app {

namespace {

struct BuildOptions {
  std::vector<std::string> from;
  std::string output;
};

// SOURCE_DATE_EPOCH (reproducible builds) when it is a positive number, else now.
std::uint64_t build_epoch() {
  if (const char* env = std::getenv("SOURCE_DATE_EPOCH"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    const unsigned long long value = std::strtoull(env, &end, 10);
    if (end != nullptr && *end == '\0' && value > 0) return value;
  }
  return static_cast<std::uint64_t>(std::time(nullptr));
}

void run_build(const BuildOptions& opts, Context& ctx) {
  std::vector<geo::RangeInput> inputs;
  for (const auto& arg : opts.from) {
    auto input = geo::parse_range_input(arg);
    if (!input) return ctx.fail(input.error());
    inputs.push_back(*input);
  }
  auto summary = geo::build_range_database(inputs, opts.output, build_epoch());
  if (!summary) return ctx.fail(summary.error());
  const auto& s = summary->stats;
  ctx.diag.note("geoip build: {} inputs, {} rows, {} distinct prefixes, {} records, {} nodes, record size {}, {} bytes, type {} -> {}",
                summary->inputs, summary->rows, s.prefixes, s.records, s.node_count, s.record_size, s.file_bytes,
                summary->database_type, opts.output);
}

}  // namespace

void add_geoip_build_command(CLI::App& geoip, Context& ctx) {
  auto opts = std::make_shared<BuildOptions>();
  auto* build = geoip.add_subcommand("build", "Compile IP-range files into a MaxMind DB (.mmdb)");
  build
      ->add_option("--from", opts->from,
                   "FORMAT:FILE or FORMAT@PROVIDER:FILE, FORMAT one of asn-csv, aws, azure, gcp, oracle, fastly, "
                   "cidr-list, geofeed, csv (repeatable; on equal prefixes the later input wins)")
      ->required();
  build->add_option("-o,--output", opts->output, "The database to write (atomically)")->required();
  build->footer(
      "asn-csv (ip-location-db start_ip,end_ip,asn,org) builds a `residency-asn` database with\n"
      "GeoLite2-ASN-shaped records; the provider feeds (aws, azure, gcp, oracle, fastly, cidr-list@ID\n"
      "for one prefix per line, geofeed@ID for RFC 8805) and csv (cidr,provider,region,country) build\n"
      "a `residency-provider-ranges` database; the two cannot be mixed in one build.");
  build->callback([opts, &ctx] { run_build(*opts, ctx); });
}

}  // namespace app
