// geo::Schema: which vendor layout a MaxMind-format database uses, recognised from its metadata
// `database_type` and from the keys its records carry.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace geo {

// The record layouts the reader understands.
enum class Schema {
  geoip2_country,             // GeoLite2/GeoIP2 Country: country.iso_code, registered_country, traits
  geoip2_city,                // GeoLite2/GeoIP2 City: the Country layout plus city, location, …
  geoip2_asn,                 // GeoLite2-ASN: autonomous_system_number, autonomous_system_organization
  dbip_country,               // DB-IP Lite country/city (GeoIP2 Country layout)
  dbip_asn,                   // DB-IP Lite ASN (GeoLite2-ASN layout)
  ipinfo_lite,                // IPinfo Lite / country_asn: country_code, asn "AS123", as_name
  ip_location_db_country,     // ip-location-db: country_code
  ip_location_db_asn,         // ip-location-db ASN: autonomous_system_number, …organization
  residency_provider_ranges,  // ours: provider, region, service, country
  residency_asn,              // ours: GeoLite2-ASN layout
  unknown,                    // neither the type nor the records say; every known field is tried
};

// How the schema was decided.
enum class SchemaBasis {
  database_type,  // the metadata type is known and the records agree (or none could be sampled)
  record_layout,  // the type is unknown or contradicts the records: the records decided
};

// Return the stable name of `schema`, e.g. "geoip2-country".
std::string_view to_string(Schema schema);
// Return the stable name of `basis`: "database_type" or "record layout".
std::string_view to_string(SchemaBasis basis);

// Return the schema a metadata `database_type` names, or nullopt when it is not a known type.
std::optional<Schema> schema_from_type(std::string_view database_type);

// The record layout a set of top-level keys (union over sampled records) indicates.
enum class Layout { country_map, city_map, asn, ipinfo, country_code, provider, none };
Layout layout_from_keys(const std::set<std::string, std::less<>>& keys);

// Return the layout a schema's records have.
Layout layout_of(Schema schema);

// Decide the schema from the type (if known) and the sampled layout: the type wins when the
// records agree with it or none were sampled; otherwise the layout decides.
std::pair<Schema, SchemaBasis> decide_schema(std::string_view database_type, Layout sampled);

// What a database's answers mean, for the confidence of the facts built on them.
enum class DataKind {
  geolocation,    // where the address is used (MaxMind GeoIP2/GeoLite2, DB-IP, IPinfo)
  registry,       // the country of the registrant in the RIR's WHOIS: not a location
  provider_feed,  // a provider's own published ranges (region and country per prefix)
  asn,            // origin AS numbers, no location
  unknown,        // the metadata does not say; treated like a registry country (low confidence)
};

// Return the stable name of `kind`: "geolocation", "registry", "provider-feed", "asn", "unknown".
std::string_view to_string(DataKind kind);
// Parse a kind name as to_string writes it.
std::optional<DataKind> parse_data_kind(std::string_view text);
// The kind a database's schema, type and description say. ip-location-db's country files share
// one type for registry and geolocation data, so only their description can tell.
DataKind kind_from_metadata(Schema schema, std::string_view database_type, std::string_view description);

}  // namespace geo
