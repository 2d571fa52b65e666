// Importers of the provider feeds that fit neither the AWS, Azure nor Google layout:
// - Oracle public_ip_ranges.json: regions[].region, regions[].cidrs[].cidr, dated by
//   last_updated_timestamp;
// - Fastly public-ip-list: addresses[], ipv6_addresses[] (no date, no region: an anycast edge);
// - a CIDR list (Cloudflare ips-v4 / ips-v6): one prefix per line, '#' comments;
// - an RFC 8805 geofeed (DigitalOcean, Linode): prefix,alpha2code,region,city,postal_code; the
//   country is kept, the ISO 3166-2 subdivision is not a provider region and is dropped; a
//   "# Last modified: YYYY-MM-DD …" comment (Linode's) dates the feed.
// Every error names the file and the line or the JSON path.
#include "core/text.hpp"
#include "geo/import_support.hpp"

namespace geo::detail {

namespace {

constexpr std::string_view k_last_modified = "last modified:";

}  // namespace

core::Result<RangeTable> parse_oracle(std::string_view text, std::string_view source, std::string_view provider) {
  auto json = core::parse_json_text(text, std::string(source));
  if (!json) return std::unexpected(json.error());
  JsonReader read(source);
  auto regions = read.array(*json, "regions", "", false);
  if (!regions) return std::unexpected(regions.error());
  TableBuilder table;
  for (std::size_t i = 0; i < (*regions)->size(); ++i) {
    const Json& region = (**regions)[i];
    const std::string path = fmt::format("regions[{}]", i);
    auto name = read.string(region, "region", path, false);
    auto cidrs = read.array(region, "cidrs", path, false);
    if (!name || !cidrs) return std::unexpected(!name ? name.error() : cidrs.error());
    const std::uint32_t record = table.record(ProviderRecord{std::string(provider), *name, {}, {}});
    for (std::size_t j = 0; j < (*cidrs)->size(); ++j) {
      const std::string at = fmt::format("{}.cidrs[{}]", path, j);
      auto cidr = read.string((**cidrs)[j], "cidr", at, false);
      if (!cidr) return std::unexpected(cidr.error());
      auto prefix = read.prefix(*cidr, at + ".cidr");
      if (!prefix) return std::unexpected(prefix.error());
      table.add(*prefix, record);
    }
  }
  FeedStamp stamp;
  stamp.published = read.scalar_text(*json, "last_updated_timestamp");
  stamp.date = leading_date(stamp.published);
  table.set_stamp(std::move(stamp));
  return table.take();
}

core::Result<RangeTable> parse_fastly(std::string_view text, std::string_view source, std::string_view provider) {
  auto json = core::parse_json_text(text, std::string(source));
  if (!json) return std::unexpected(json.error());
  JsonReader read(source);
  TableBuilder table;
  const std::uint32_t record = table.record(ProviderRecord{std::string(provider), {}, {}, {}});
  for (auto [key, optional] : {std::pair{"addresses", false}, std::pair{"ipv6_addresses", true}}) {
    auto items = read.array(*json, key, "", optional);
    if (!items) return std::unexpected(items.error());
    for (std::size_t i = 0; i < (*items)->size(); ++i) {
      const Json& item = (**items)[i];
      const std::string at = fmt::format("{}[{}]", key, i);
      if (!item.is_string()) return std::unexpected(read.error(at, "expected a string"));
      auto prefix = read.prefix(item.get<std::string>(), at);
      if (!prefix) return std::unexpected(prefix.error());
      table.add(*prefix, record);
    }
  }
  return table.take();
}

core::Result<RangeTable> parse_cidr_list(std::string_view text, std::string_view source, std::string_view provider) {
  TableBuilder table;
  const std::uint32_t record = table.record(ProviderRecord{std::string(provider), {}, {}, {}});
  auto on_line = [&](std::size_t, const std::vector<std::string>& f, const std::string& where) -> core::Result<void> {
    if (f.size() != 1) return core::fail(core::ErrorCode::data, "expected one prefix per line", where);
    auto prefix = core::parse_prefix(f[0]);
    if (!prefix) return core::fail(core::ErrorCode::data, prefix.error().message, where);
    if (auto ok = check_not_default_route(*prefix, where); !ok) return ok;
    table.add(*prefix, record);
    return {};
  };
  if (auto r = for_each_csv_line(text, source, on_line); !r) return std::unexpected(r.error());
  return table.take();
}

core::Result<RangeTable> parse_geofeed(std::string_view text, std::string_view source, std::string_view provider) {
  TableBuilder table;
  FeedStamp stamp;
  auto on_comment = [&](std::string_view line) {
    const std::string lower = core::to_lower(core::trim(line.substr(1)));
    if (stamp.published.empty() && lower.starts_with(k_last_modified)) {
      stamp.published = std::string(core::trim(core::trim(line.substr(1)).substr(k_last_modified.size())));
      stamp.date = leading_date(stamp.published);
    }
  };
  auto on_line = [&](std::size_t, const std::vector<std::string>& f, const std::string& where) -> core::Result<void> {
    if (f.empty() || f.size() > 5) {
      return core::fail(
          core::ErrorCode::data,
          fmt::format("expected 1 to 5 fields (ip_prefix,alpha2code,region,city,postal_code), got {}", f.size()),
          where);
    }
    auto prefix = core::parse_prefix(f[0]);
    if (!prefix) return core::fail(core::ErrorCode::data, prefix.error().message, where);
    if (auto ok = check_not_default_route(*prefix, where); !ok) return ok;
    auto country = country_code(f.size() > 1 ? f[1] : std::string(), where);
    if (!country) return std::unexpected(country.error());
    table.add(*prefix, table.record(ProviderRecord{std::string(provider), {}, {}, *country}));
    return {};
  };
  if (auto r = for_each_csv_line(text, source, on_line, on_comment); !r) return std::unexpected(r.error());
  table.set_stamp(std::move(stamp));
  return table.take();
}

}  // namespace geo::detail
