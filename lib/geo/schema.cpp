// Schema recognition. The metadata `database_type` names most vendors' layouts (strings checked
// against public readers: geoip2-golang lists "DBIP-Country-Lite" and "DBIP-ASN-Lite
// (compat=GeoLite2-ASN)"; IPinfo writes "ipinfo lite.mmdb" and "ipinfo country_asn.mmdb";
// ip-location-db writes "country ipvAll" / "asn ipvAll"). A type we do not know, or one the
// records contradict, falls back to the layout of a few sampled records.
#include "geo/schema.hpp"

#include <fmt/format.h>

#include "core/text.hpp"

#include <array>
#include <utility>

namespace geo {

namespace {

struct TypeEntry {
  std::string_view type;  // lower case
  Schema schema;
};

constexpr std::array k_types{
    TypeEntry{"geolite2-country", Schema::geoip2_country},
    TypeEntry{"geoip2-country", Schema::geoip2_country},
    TypeEntry{"geolite2-city", Schema::geoip2_city},
    TypeEntry{"geoip2-city", Schema::geoip2_city},
    TypeEntry{"geoip2-precision-city", Schema::geoip2_city},
    TypeEntry{"geoip2-enterprise", Schema::geoip2_city},
    TypeEntry{"geolite2-asn", Schema::geoip2_asn},
    TypeEntry{"geoip2-isp", Schema::geoip2_asn},
    TypeEntry{"geoip2-precision-isp", Schema::geoip2_asn},
    TypeEntry{"dbip-country-lite", Schema::dbip_country},
    TypeEntry{"dbip-country", Schema::dbip_country},
    TypeEntry{"dbip-city-lite", Schema::dbip_country},
    TypeEntry{"dbip-location (compat=city)", Schema::dbip_country},
    TypeEntry{"dbip-asn-lite (compat=geolite2-asn)", Schema::dbip_asn},
    TypeEntry{"dbip-asn-lite", Schema::dbip_asn},
    TypeEntry{"residency-provider-ranges", Schema::residency_provider_ranges},
    TypeEntry{"residency-asn", Schema::residency_asn},
};

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// ip-location-db names its files "<kind> ipv4|ipv6|ipvAll", e.g. "country ipvAll".
std::optional<Schema> ip_location_db_type(std::string_view lower) {
  const auto space = lower.rfind(' ');
  if (space == std::string_view::npos || !starts_with(lower.substr(space + 1), "ipv")) return std::nullopt;
  const auto kind = lower.substr(0, lower.find(' '));
  if (kind == "country") return Schema::ip_location_db_country;
  if (kind == "asn") return Schema::ip_location_db_asn;
  return std::nullopt;
}

bool compatible(Layout expected, Layout sampled) {
  if (expected == sampled) return true;
  // A Country database may carry city keys and a City record may hold only country keys.
  const auto is_map = [](Layout l) { return l == Layout::country_map || l == Layout::city_map; };
  return is_map(expected) && is_map(sampled);
}

Schema schema_for_layout(Layout layout) {
  switch (layout) {
    case Layout::country_map:
      return Schema::geoip2_country;
    case Layout::city_map:
      return Schema::geoip2_city;
    case Layout::asn:
      return Schema::geoip2_asn;
    case Layout::ipinfo:
      return Schema::ipinfo_lite;
    case Layout::country_code:
      return Schema::ip_location_db_country;
    case Layout::provider:
      return Schema::residency_provider_ranges;
    case Layout::none:
      return Schema::unknown;
  }
  return Schema::unknown;
}

}  // namespace

std::string_view to_string(Schema schema) {
  switch (schema) {
    case Schema::geoip2_country:
      return "geoip2-country";
    case Schema::geoip2_city:
      return "geoip2-city";
    case Schema::geoip2_asn:
      return "geoip2-asn";
    case Schema::dbip_country:
      return "dbip-country";
    case Schema::dbip_asn:
      return "dbip-asn";
    case Schema::ipinfo_lite:
      return "ipinfo-lite";
    case Schema::ip_location_db_country:
      return "ip-location-db-country";
    case Schema::ip_location_db_asn:
      return "ip-location-db-asn";
    case Schema::residency_provider_ranges:
      return "residency-provider-ranges";
    case Schema::residency_asn:
      return "residency-asn";
    case Schema::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view to_string(SchemaBasis basis) {
  return basis == SchemaBasis::database_type ? "database_type" : "record layout";
}

std::optional<Schema> schema_from_type(std::string_view database_type) {
  const std::string lower = core::to_lower(core::trim(database_type));
  for (const auto& entry : k_types) {
    if (lower == entry.type) return entry.schema;
  }
  // Regional GeoIP2 City editions: "GeoIP2-City-Europe", …
  if (starts_with(lower, "geoip2-city-") || starts_with(lower, "geoip-city-")) return Schema::geoip2_city;
  if (starts_with(lower, "ipinfo ") || starts_with(lower, "ipinfo_")) return Schema::ipinfo_lite;
  return ip_location_db_type(lower);
}

Layout layout_from_keys(const std::set<std::string, std::less<>>& keys) {
  const auto has = [&](std::string_view k) { return keys.contains(k); };
  if (has("provider")) return Layout::provider;
  if (has("asn") || has("as_name") || has("as_domain")) return Layout::ipinfo;
  if (has("autonomous_system_number") || has("autonomous_system_organization")) return Layout::asn;
  if (has("country_code")) return Layout::country_code;
  if (has("city") || has("location") || has("subdivisions") || has("postal")) return Layout::city_map;
  if (has("country") || has("registered_country") || has("traits") || has("continent")) return Layout::country_map;
  return Layout::none;
}

Layout layout_of(Schema schema) {
  switch (schema) {
    case Schema::geoip2_country:
    case Schema::dbip_country:
      return Layout::country_map;
    case Schema::geoip2_city:
      return Layout::city_map;
    case Schema::geoip2_asn:
    case Schema::dbip_asn:
    case Schema::ip_location_db_asn:
    case Schema::residency_asn:
      return Layout::asn;
    case Schema::ipinfo_lite:
      return Layout::ipinfo;
    case Schema::ip_location_db_country:
      return Layout::country_code;
    case Schema::residency_provider_ranges:
      return Layout::provider;
    case Schema::unknown:
      return Layout::none;
  }
  return Layout::none;
}

std::pair<Schema, SchemaBasis> decide_schema(std::string_view database_type, Layout sampled) {
  if (auto by_type = schema_from_type(database_type)) {
    if (sampled == Layout::none || compatible(layout_of(*by_type), sampled)) {
      return {*by_type, SchemaBasis::database_type};
    }
  }
  return {schema_for_layout(sampled), SchemaBasis::record_layout};
}

std::string_view to_string(DataKind kind) {
  switch (kind) {
    case DataKind::geolocation:
      return "geolocation";
    case DataKind::registry:
      return "registry";
    case DataKind::provider_feed:
      return "provider-feed";
    case DataKind::asn:
      return "asn";
    case DataKind::unknown:
      return "unknown";
  }
  return "unknown";
}

std::optional<DataKind> parse_data_kind(std::string_view text) {
  for (auto k :
       {DataKind::geolocation, DataKind::registry, DataKind::provider_feed, DataKind::asn, DataKind::unknown}) {
    if (to_string(k) == text) return k;
  }
  return std::nullopt;
}

DataKind kind_from_metadata(Schema schema, std::string_view database_type, std::string_view description) {
  const std::string text = core::to_lower(std::string(database_type) + " " + std::string(description));
  // Our own writer states the kind in the description ("kind: registry", …).
  for (auto k : {DataKind::registry, DataKind::geolocation, DataKind::provider_feed, DataKind::asn}) {
    if (text.find(fmt::format("kind: {}", to_string(k))) != std::string::npos) return k;
  }
  switch (schema) {
    case Schema::residency_provider_ranges:
      return DataKind::provider_feed;
    case Schema::geoip2_asn:
    case Schema::dbip_asn:
    case Schema::ip_location_db_asn:
    case Schema::residency_asn:
      return DataKind::asn;
    case Schema::geoip2_country:
    case Schema::geoip2_city:
    case Schema::dbip_country:
    case Schema::ipinfo_lite:
      return DataKind::geolocation;
    case Schema::ip_location_db_country:
    case Schema::unknown:
      break;
  }
  if (text.find("whois") != std::string::npos || text.find("registry") != std::string::npos) return DataKind::registry;
  if (text.find("geolite2") != std::string::npos || text.find("dbip") != std::string::npos ||
      text.find("db-ip") != std::string::npos) {
    return DataKind::geolocation;
  }
  return DataKind::unknown;
}

}  // namespace geo
