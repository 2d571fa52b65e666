// geo importers: turn IP-range files (the ip-location-db ASN CSV, AWS ip-ranges.json, Azure
// Service Tags, Google cloud.json, Oracle public_ip_ranges.json, Fastly's public-ip-list, plain
// CIDR lists such as Cloudflare's ips-v4, RFC 8805 geofeeds, a plain CSV) into (prefix, record)
// rows for MmdbWriter, with the feed's own date and serial, and build a database from several of
// them (`residency geoip build`).
//
// Two schemas:
// - `residency-asn` (asn-csv): records shaped like GeoLite2-ASN, {autonomous_system_number:
//   uint32, autonomous_system_organization: string}, so any reader that knows GeoLite2-ASN
//   reads them. The database type is not "GeoLite2-ASN" because the data is not MaxMind's
//   (it is RouteViews / DB-IP data from ip-location-db).
// - `residency-provider-ranges` (aws, azure, gcp, oracle, fastly, cidr-list, geofeed, csv):
//   records {provider, region, service, country}, strings, empty fields omitted. Regions are
//   kept as the feed spells them; a geofeed gives the country of each prefix (its ISO 3166-2
//   subdivision is not a provider region and is left out). cidr-list and geofeed name no
//   provider themselves: the input says which (`geofeed@linode:FILE`).
// Within one feed: AWS prefers a specific service over AMAZON for the same prefix (the first
// specific one listed); Azure prefers a regional tag over a regionless one (a regionless prefix
// inside, or equal to, a regional prefix is dropped) and a specific service over AzureCloud.
// Across inputs the writer's overlap rule applies: more specific wins, then the later input.
#pragma once

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/ip.hpp"
#include "geo/mmdb_writer.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace geo {

enum class RangeFormat { asn_csv, aws, azure, gcp, oracle, fastly, cidr_list, geofeed, csv };

inline constexpr std::string_view k_asn_database_type = "residency-asn";
inline constexpr std::string_view k_provider_database_type = "residency-provider-ranges";

// Parse a format name ("asn-csv", "aws", "azure", "gcp", "oracle", "fastly", "cidr-list",
// "geofeed", "csv"), with a did-you-mean hint.
core::Result<RangeFormat> parse_range_format(std::string_view name);
// Return the name of `format` as the command line spells it.
std::string_view range_format_name(RangeFormat format);
// Return the database type the records of `format` belong to.
std::string_view database_type_of(RangeFormat format);
// True when records of `format` need the provider from the input (cidr-list, geofeed).
bool needs_provider(RangeFormat format);

// What a feed says about its own publication: AWS createDate + syncToken, Google creationTime +
// syncToken, Azure changeNumber (its date is in the file name, not the JSON), Oracle
// last_updated_timestamp, a geofeed's "# Last modified:" comment. Empty when the feed says nothing.
struct FeedStamp {
  std::string published;           // as the feed spells it, e.g. "2026-08-22-21-17-05"
  std::optional<core::Date> date;  // its calendar date
  std::string serial;              // syncToken, changeNumber; digits

  bool operator==(const FeedStamp&) const = default;
};

// A record of the provider schema; empty fields are omitted from the stored map.
struct ProviderRecord {
  std::string provider;
  std::string region;
  std::string service;
  std::string country;

  // Return the map stored in the database.
  MmdbValue to_value() const;
};

// The rows imported from one file: distinct records and the prefixes that point at them.
struct RangeTable {
  struct Row {
    core::Prefix prefix;
    std::uint32_t record = 0;  // index into records
  };
  std::vector<MmdbValue> records;
  std::vector<Row> rows;  // in insertion order (within-feed precedence already applied)
  FeedStamp stamp;
};

// Parse `text` in `format`; `source` (usually the file name) prefixes every error message.
// `provider` names the provider of cidr-list and geofeed records (required there) and replaces
// the default of oracle and fastly; the other formats ignore it.
core::Result<RangeTable> parse_ranges(RangeFormat format, std::string_view text, std::string_view source,
                                      std::string_view provider = {});
// Read and parse `file`.
core::Result<RangeTable> import_ranges(RangeFormat format, const std::filesystem::path& file,
                                       std::string_view provider = {});
// Return the number of distinct prefixes of `table` (the unit of the shrink guard).
std::size_t distinct_prefixes(const RangeTable& table);
// Insert every row of `table` into `writer`.
void add_to_writer(const RangeTable& table, MmdbWriter& writer);

// One `--from FORMAT[@PROVIDER]:FILE` argument.
struct RangeInput {
  RangeFormat format = RangeFormat::csv;
  std::filesystem::path file;
  std::string provider;  // cidr-list and geofeed: required; oracle, fastly: optional
};

// Parse "FORMAT:FILE" or "FORMAT@PROVIDER:FILE" (e.g. "geofeed@linode:geoip.linode.com.csv").
core::Result<RangeInput> parse_range_input(std::string_view text);

// What `build_range_database` did, for the one-line summary.
struct BuildSummary {
  std::size_t inputs = 0;
  std::size_t rows = 0;  // prefixes read from the inputs
  std::string database_type;
  WriterStats stats;     // distinct records and prefixes, nodes, record size, bytes
};

// Import every input in order (later inputs win on equal prefixes), write `output` atomically.
// Mixing asn-csv with provider formats is a usage error (different schemas).
core::Result<BuildSummary> build_range_database(const std::vector<RangeInput>& inputs,
                                                const std::filesystem::path& output,
                                                std::uint64_t build_epoch);

}  // namespace geo
