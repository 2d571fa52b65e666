// Range importers: each parser reads one file format into a RangeTable (distinct records plus
// (prefix, record) rows), applying that feed's own precedence rules, and build_range_database
// feeds the tables, in input order, to one MmdbWriter. CSV parsers walk the text line by line
// (RFC 4180 quoting, CRLF, a missing final newline) and name file:line in errors; the JSON ones
// use nlohmann-json, whose exceptions stop here and become "file: byte N: …" or
// "file: json.path: …" errors. Addresses and prefixes go through core::parse_ip/parse_prefix.
#include "geo/importers.hpp"

#include "core/atomic_file.hpp"
#include "core/text.hpp"
#include "geo/import_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

namespace geo {

namespace {

using core::ErrorCode;
using detail::check_not_default_route;
using detail::for_each_csv_line;
using detail::Json;
using detail::JsonReader;
using detail::TableBuilder;

struct FormatInfo {
  RangeFormat format;
  std::string_view name;
};
constexpr FormatInfo k_formats[] = {
    {RangeFormat::asn_csv, "asn-csv"},
    {RangeFormat::aws, "aws"},
    {RangeFormat::azure, "azure"},
    {RangeFormat::gcp, "gcp"},
    {RangeFormat::oracle, "oracle"},
    {RangeFormat::fastly, "fastly"},
    {RangeFormat::cidr_list, "cidr-list"},
    {RangeFormat::geofeed, "geofeed"},
    {RangeFormat::csv, "csv"},
};

// ---------------------------------------------------------------------------------------------
// CSV

core::Result<core::IpAddress> parse_ip_field(const std::string& text, const char* what, const std::string& where) {
  auto ip = core::parse_ip(text);
  if (!ip) return core::fail(ErrorCode::data, fmt::format("bad {}: '{}'", what, text), where);
  return *ip;
}

core::Result<std::uint32_t> parse_asn(const std::string& text, const std::string& where) {
  std::uint64_t value = 0;
  bool ok = !text.empty() && text.size() <= 10;
  for (char c : text) {
    if (c < '0' || c > '9') ok = false;
    else value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (!ok || value > 0xFFFFFFFFu) return core::fail(ErrorCode::data, fmt::format("bad AS number: '{}'", text), where);
  return static_cast<std::uint32_t>(value);
}

// ip-location-db ASN CSV: start_ip,end_ip,asn,org → GeoLite2-ASN-shaped records.
core::Result<RangeTable> parse_asn_csv(std::string_view text, std::string_view source) {
  TableBuilder table;
  auto on_line = [&](std::size_t line_number, const std::vector<std::string>& f,
                     const std::string& where) -> core::Result<void> {
    if (line_number == 1 && !f.empty() && f[0] == "start_ip") return {};  // optional header
    if (f.size() != 4) {
      return core::fail(ErrorCode::data, fmt::format("expected 4 fields (start_ip,end_ip,asn,org), got {}", f.size()), where);
    }
    auto first = parse_ip_field(f[0], "start IP", where);
    if (!first) return std::unexpected(first.error());
    auto last = parse_ip_field(f[1], "end IP", where);
    if (!last) return std::unexpected(last.error());
    if (first->family != last->family || *last < *first) {
      return core::fail(ErrorCode::data, fmt::format("bad range: {} - {}", f[0], f[1]), where);
    }
    auto asn = parse_asn(f[2], where);
    if (!asn) return std::unexpected(asn.error());
    const std::uint32_t id = table.record(fmt::format("{}\n{}", *asn, f[3]), [&] {
      std::vector<MmdbValue::Entry> entries{{"autonomous_system_number", MmdbValue::uint32(*asn)}};
      if (!f[3].empty()) entries.emplace_back("autonomous_system_organization", MmdbValue::string(f[3]));
      return MmdbValue::map(std::move(entries));
    });
    for (const auto& p : core::range_to_prefixes(*first, *last)) {
      if (auto ok = check_not_default_route(p, where); !ok) return ok;
      table.add(p, id);
    }
    return {};
  };
  if (auto r = for_each_csv_line(text, source, on_line); !r) return std::unexpected(r.error());
  return table.take();
}

// Plain CSV: cidr,provider,region,country (header line optional, # comments).
core::Result<RangeTable> parse_plain_csv(std::string_view text, std::string_view source) {
  TableBuilder table;
  bool first_line = true;
  auto on_line = [&](std::size_t, const std::vector<std::string>& f, const std::string& where) -> core::Result<void> {
    const bool header = first_line && !f.empty() && core::to_lower(f[0]) == "cidr";
    first_line = false;
    if (header) return {};
    if (f.size() != 4) {
      return core::fail(ErrorCode::data, fmt::format("expected 4 fields (cidr,provider,region,country), got {}", f.size()), where);
    }
    auto prefix = core::parse_prefix(f[0]);
    if (!prefix) return core::fail(ErrorCode::data, prefix.error().message, where);
    if (auto ok = check_not_default_route(*prefix, where); !ok) return std::unexpected(ok.error());
    if (f[1].empty()) return core::fail(ErrorCode::data, "empty provider", where);
    auto country = detail::country_code(f[3], where);
    if (!country) return std::unexpected(country.error());
    table.add(*prefix, table.record(ProviderRecord{f[1], f[2], {}, *country}));
    return {};
  };
  if (auto r = for_each_csv_line(text, source, on_line); !r) return std::unexpected(r.error());
  return table.take();
}

// ---------------------------------------------------------------------------------------------
// JSON feeds

// One candidate record for a prefix of a vendor feed, before the feed's precedence applies.
struct Candidate {
  std::string region;
  std::string service;
};

// AWS: for one prefix, a specific service beats AMAZON (the superset); else the first stays.
bool aws_prefers(const Candidate& incoming, const Candidate& current) {
  return current.service == "AMAZON" && incoming.service != "AMAZON";
}

// Azure: a regional tag beats a regionless one; then a specific service beats AzureCloud.
bool azure_prefers(const Candidate& incoming, const Candidate& current) {
  if (incoming.region.empty() != current.region.empty()) return !incoming.region.empty();
  return current.service == "AzureCloud" && incoming.service != "AzureCloud";
}

// Prefix → chosen candidate, remembering first-seen order so the output is stable.
class Chooser {
 public:
  void offer(const core::Prefix& p, Candidate c, bool (*prefers)(const Candidate&, const Candidate&)) {
    auto [it, inserted] = m_index.emplace(p, m_items.size());
    if (inserted) m_items.push_back({p, std::move(c)});
    else if (prefers(c, m_items[it->second].second)) m_items[it->second].second = std::move(c);
  }
  const std::vector<std::pair<core::Prefix, Candidate>>& items() const { return m_items; }

 private:
  std::map<core::Prefix, std::size_t> m_index;
  std::vector<std::pair<core::Prefix, Candidate>> m_items;
};

// The stamp of a JSON feed from its date and serial keys.
FeedStamp stamp_of(const JsonReader& read, const Json& feed, const char* date_key, const char* serial_key) {
  FeedStamp stamp;
  stamp.published = read.scalar_text(feed, date_key);
  stamp.date = detail::leading_date(stamp.published);
  stamp.serial = read.scalar_text(feed, serial_key);
  return stamp;
}

RangeTable to_table(const Chooser& chosen, const std::string& provider) {
  TableBuilder table;
  for (const auto& [prefix, c] : chosen.items()) {
    table.add(prefix, table.record(ProviderRecord{provider, c.region, c.service, {}}));
  }
  return table.take();
}

core::Result<RangeTable> parse_aws(std::string_view text, std::string_view source) {
  auto json = core::parse_json_text(text, std::string(source));
  if (!json) return std::unexpected(json.error());
  JsonReader read(source);
  Chooser chosen;
  for (auto [list, key, optional] : {std::tuple{"prefixes", "ip_prefix", false}, std::tuple{"ipv6_prefixes", "ipv6_prefix", true}}) {
    auto items = read.array(*json, list, "", optional);
    if (!items) return std::unexpected(items.error());
    for (std::size_t i = 0; i < (*items)->size(); ++i) {
      const Json& item = (**items)[i];
      const std::string path = fmt::format("{}[{}]", list, i);
      auto cidr = read.string(item, key, path, false);
      auto region = read.string(item, "region", path, false);
      auto service = read.string(item, "service", path, false);
      if (!cidr || !region || !service) return std::unexpected(!cidr ? cidr.error() : !region ? region.error() : service.error());
      auto prefix = read.prefix(*cidr, path + "." + key);
      if (!prefix) return std::unexpected(prefix.error());
      chosen.offer(*prefix, Candidate{*region, *service}, aws_prefers);
    }
  }
  RangeTable table = to_table(chosen, "aws");
  table.stamp = stamp_of(read, *json, "createDate", "syncToken");
  return table;
}

// Return `p` cut to its first `length` bits.
core::Prefix truncate(const core::Prefix& p, int length) {
  core::Prefix out{p.address, length};
  for (int i = length; i < p.address.bits(); ++i) {
    out.address.bytes[static_cast<std::size_t>(i / 8)] &= static_cast<std::uint8_t>(~(1u << (7 - i % 8)));
  }
  return out;
}

// Drop regionless prefixes that a regional prefix of the same feed covers (or equals).
Chooser drop_covered_regionless(const Chooser& chosen) {
  std::set<core::Prefix> regional;
  std::array<std::array<bool, 129>, 2> lengths{};  // prefix lengths present, per family: fewer probes
  for (const auto& [p, c] : chosen.items()) {
    if (c.region.empty()) continue;
    regional.insert(p);
    lengths[p.address.family == core::IpFamily::v6][static_cast<std::size_t>(p.length)] = true;
  }
  Chooser out;
  for (const auto& [p, c] : chosen.items()) {
    const auto& present = lengths[p.address.family == core::IpFamily::v6];
    bool covered = false;
    for (int len = p.length; c.region.empty() && len >= 0 && !covered; --len) {
      covered = present[static_cast<std::size_t>(len)] && regional.count(truncate(p, len)) != 0;
    }
    if (!covered) out.offer(p, c, azure_prefers);
  }
  return out;
}

core::Result<RangeTable> parse_azure(std::string_view text, std::string_view source) {
  auto json = core::parse_json_text(text, std::string(source));
  if (!json) return std::unexpected(json.error());
  JsonReader read(source);
  auto values = read.array(*json, "values", "", false);
  if (!values) return std::unexpected(values.error());
  Chooser chosen;
  for (std::size_t i = 0; i < (*values)->size(); ++i) {
    const Json& tag = (**values)[i];
    const std::string path = fmt::format("values[{}]", i);
    auto name = read.string(tag, "name", path, false);
    if (!name) return std::unexpected(name.error());
    if (!tag.contains("properties")) return std::unexpected(read.error(path + ".properties", "missing"));
    const Json& props = tag["properties"];
    auto region = read.string(props, "region", path + ".properties", true);
    auto prefixes = read.array(props, "addressPrefixes", path + ".properties", false);
    if (!region || !prefixes) return std::unexpected(!region ? region.error() : prefixes.error());
    const std::string service = name->substr(0, name->find('.'));
    for (std::size_t j = 0; j < (*prefixes)->size(); ++j) {
      const Json& cidr = (**prefixes)[j];
      const std::string at = fmt::format("{}.properties.addressPrefixes[{}]", path, j);
      if (!cidr.is_string()) return std::unexpected(read.error(at, "expected a string"));
      auto prefix = read.prefix(cidr.get<std::string>(), at);
      if (!prefix) return std::unexpected(prefix.error());
      chosen.offer(*prefix, Candidate{*region, service}, azure_prefers);
    }
  }
  RangeTable table = to_table(drop_covered_regionless(chosen), "azure");
  table.stamp.serial = read.scalar_text(*json, "changeNumber");  // the date is in the file name
  return table;
}

core::Result<RangeTable> parse_gcp(std::string_view text, std::string_view source) {
  auto json = core::parse_json_text(text, std::string(source));
  if (!json) return std::unexpected(json.error());
  JsonReader read(source);
  auto items = read.array(*json, "prefixes", "", false);
  if (!items) return std::unexpected(items.error());
  TableBuilder table;
  for (std::size_t i = 0; i < (*items)->size(); ++i) {
    const Json& item = (**items)[i];
    const std::string path = fmt::format("prefixes[{}]", i);
    const char* key = item.is_object() && item.contains("ipv6Prefix") ? "ipv6Prefix" : "ipv4Prefix";
    auto cidr = read.string(item, key, path, false);
    auto scope = read.string(item, "scope", path, true);
    auto service = read.string(item, "service", path, true);
    if (!cidr || !scope || !service) return std::unexpected(!cidr ? cidr.error() : !scope ? scope.error() : service.error());
    auto prefix = read.prefix(*cidr, path + "." + key);
    if (!prefix) return std::unexpected(prefix.error());
    table.add(*prefix, table.record(ProviderRecord{"gcp", *scope, *service, {}}));
  }
  table.set_stamp(stamp_of(read, *json, "creationTime", "syncToken"));
  return table.take();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public API

core::Result<RangeFormat> parse_range_format(std::string_view name) {
  std::vector<std::string> names;
  for (const auto& f : k_formats) {
    if (f.name == name) return f.format;
    names.emplace_back(f.name);
  }
  std::string hint;
  if (auto near = core::closest(name, names)) hint = fmt::format(" (did you mean '{}'?)", *near);
  return core::fail(ErrorCode::usage,
                    fmt::format("unknown range format '{}'{}; expected one of {}", name, hint, fmt::join(names, ", ")));
}

std::string_view range_format_name(RangeFormat format) {
  for (const auto& f : k_formats) {
    if (f.format == format) return f.name;
  }
  return "?";
}

std::string_view database_type_of(RangeFormat format) {
  return format == RangeFormat::asn_csv ? k_asn_database_type : k_provider_database_type;
}

MmdbValue ProviderRecord::to_value() const {
  std::vector<MmdbValue::Entry> entries;
  for (const auto& [key, value] : {std::pair{"provider", &provider}, std::pair{"region", &region},
                                   std::pair{"service", &service}, std::pair{"country", &country}}) {
    if (!value->empty()) entries.emplace_back(key, MmdbValue::string(*value));
  }
  return MmdbValue::map(std::move(entries));
}

bool needs_provider(RangeFormat format) { return format == RangeFormat::cidr_list || format == RangeFormat::geofeed; }

namespace {

core::Result<RangeTable> parse_feed(RangeFormat format, std::string_view text, std::string_view source,
                                    std::string_view provider) {
  if (needs_provider(format) && provider.empty()) {
    return core::fail(ErrorCode::usage,
                      fmt::format("format {0} needs the provider its prefixes belong to, e.g. {0}@cloudflare:FILE",
                                  range_format_name(format)),
                      std::string(source));
  }
  switch (format) {
    case RangeFormat::asn_csv: return parse_asn_csv(text, source);
    case RangeFormat::aws: return parse_aws(text, source);
    case RangeFormat::azure: return parse_azure(text, source);
    case RangeFormat::gcp: return parse_gcp(text, source);
    case RangeFormat::oracle:
      return detail::parse_oracle(text, source, provider.empty() ? "oracle" : provider);
    case RangeFormat::fastly:
      return detail::parse_fastly(text, source, provider.empty() ? "fastly" : provider);
    case RangeFormat::cidr_list:
      return detail::parse_cidr_list(text, source, provider);
    case RangeFormat::geofeed:
      return detail::parse_geofeed(text, source, provider);
    case RangeFormat::csv: return parse_plain_csv(text, source);
  }
  return core::fail(ErrorCode::internal, "unknown range format");
}

}  // namespace

core::Result<RangeTable> parse_ranges(RangeFormat format, std::string_view text, std::string_view source,
                                      std::string_view provider) {
  auto table = parse_feed(format, text, source, provider);
  if (table && table->rows.empty()) {  // a truncated download must not build an empty database
    return core::fail(ErrorCode::data,
                      fmt::format("no range in the {} feed; expected at least one", range_format_name(format)),
                      std::string(source));
  }
  return table;
}

core::Result<RangeTable> import_ranges(RangeFormat format, const std::filesystem::path& file,
                                       std::string_view provider) {
  auto text = core::read_file(file);
  if (!text) return std::unexpected(text.error());
  return parse_ranges(format, *text, file.string(), provider);
}

std::size_t distinct_prefixes(const RangeTable& table) {
  std::set<core::Prefix> seen;
  for (const auto& row : table.rows) seen.insert(row.prefix);
  return seen.size();
}

void add_to_writer(const RangeTable& table, MmdbWriter& writer) {
  std::vector<RecordId> ids;
  ids.reserve(table.records.size());
  for (const auto& r : table.records) ids.push_back(writer.add_record(r));
  for (const auto& row : table.rows) writer.insert(row.prefix, ids[row.record]);
}

core::Result<RangeInput> parse_range_input(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon + 1 == text.size()) {
    return core::fail(ErrorCode::usage, fmt::format("--from wants FORMAT:FILE, e.g. aws:ip-ranges.json, not '{}'", text));
  }
  std::string_view head = text.substr(0, colon);
  std::string provider;
  if (const auto at = head.find('@'); at != std::string_view::npos) {
    provider = std::string(head.substr(at + 1));
    head = head.substr(0, at);
    if (provider.empty())
      return core::fail(ErrorCode::usage, fmt::format("--from '{}': empty provider after '@'", text));
  }
  auto format = parse_range_format(head);
  if (!format) return std::unexpected(format.error());
  if (needs_provider(*format) && provider.empty()) {
    return core::fail(ErrorCode::usage, fmt::format("--from '{}': format {} needs a provider, e.g. {}@cloudflare:FILE",
                                                    text, head, head));
  }
  return RangeInput{*format, std::filesystem::path(text.substr(colon + 1)), provider};
}

namespace {

WriterOptions writer_options(std::string_view database_type, std::uint64_t build_epoch) {
  WriterOptions o;
  o.database_type = std::string(database_type);
  o.languages = {"en"};
  o.ip_version = 6;
  o.build_epoch = build_epoch;
  o.description["en"] = database_type == k_asn_database_type
                            ? "Autonomous systems by IP range (GeoLite2-ASN-shaped records), built by residency geoip build"
                            : "Cloud provider IP ranges (provider, region, service, country), built by residency geoip build";
  return o;
}

}  // namespace

core::Result<BuildSummary> build_range_database(const std::vector<RangeInput>& inputs,
                                                const std::filesystem::path& output,
                                                std::uint64_t build_epoch) {
  if (inputs.empty()) return core::fail(ErrorCode::usage, "no input: give at least one --from FORMAT:FILE");
  const std::string_view type = database_type_of(inputs.front().format);
  for (const auto& in : inputs) {
    if (database_type_of(in.format) != type) {
      return core::fail(ErrorCode::usage,
                        "cannot mix asn-csv with provider formats (aws, azure, gcp, …, csv) in one database: "
                        "their records have different schemas; build two databases");
    }
  }
  auto out = core::check_output_path(output, "--output");  // before reading: a bad -o is found first
  if (!out) return std::unexpected(out.error());
  std::vector<std::filesystem::path> files;
  for (const auto& in : inputs) files.push_back(in.file);
  if (auto ok = core::refuse_input_overwrite(*out, files, "--output"); !ok) return std::unexpected(ok.error());
  MmdbWriter writer(writer_options(type, build_epoch));
  BuildSummary summary;
  summary.database_type = std::string(type);
  for (const auto& in : inputs) {
    auto table = import_ranges(in.format, in.file, in.provider);
    if (!table) return std::unexpected(table.error());
    add_to_writer(*table, writer);
    summary.rows += table->rows.size();
    ++summary.inputs;
  }
  if (auto written = writer.write(output); !written) return std::unexpected(written.error());
  summary.stats = writer.stats();
  return summary;
}

}  // namespace geo
