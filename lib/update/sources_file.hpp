// update::SourcesFile: the data sources file (geoip/sources.yaml, schema residency/sources/v1):
// which databases the default data holds and, for each source, where it is published, how it is
// read, what it is evidence of and how it is checked. npm sources take their version and
// integrity from the pinned lock file it names (geoip/data.lock). Loading reports every problem
// with file:line:column and what was expected (did-you-mean for keys and names), then fails.
#pragma once

#include "core/diag.hpp"
#include "core/error.hpp"
#include "core/target.hpp"
#include "geo/importers.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace update {

inline constexpr std::string_view k_sources_schema = "residency/sources/v1";

// Where a source's date comes from.
enum class DateFrom { feed, file_name, package_version };

// One database of the data folder.
struct DatabaseSpec {
  std::string file;         // e.g. "providers.mmdb"
  std::string kind;         // provider-feed, registry, geolocation, asn
  std::string description;  // written into the database's metadata
};

// One source.
struct SourceSpec {
  std::string id;    // [a-z0-9-]+, unique
  std::string name;  // how reports name it
  std::string kind;
  std::string database;  // a DatabaseSpec::file
  std::string url;       // official URL (npm: the registry tarball URL, derived)
  std::string resolve;   // regex: the real download URL is the newest match on the `url` page
  std::string file;      // upstream file name (mirrors hold it); may contain one '*'
  DateFrom date_from = DateFrom::feed;
  std::optional<geo::RangeFormat> format;  // nullopt: an .mmdb taken as is (format: mmdb)
  std::string provider;                    // cidr-list, geofeed
  std::uint64_t min_bytes = 0;
  std::string licence, documentation, attribution;
  // npm packages
  std::string npm_package, version, integrity;       // version/integrity from the lock file
  std::vector<std::string> members;                  // tarball members to read (format's input)
  std::map<std::string, std::string> licence_files;  // tarball member → file in the data folder
  core::SourceLocation declared_at;

  bool is_npm() const { return !npm_package.empty(); }
};

struct SourcesFile {
  std::filesystem::path path;
  std::vector<DatabaseSpec> databases;
  std::vector<SourceSpec> sources;  // in file order: the build order

  const SourceSpec* find(std::string_view id) const;
  const DatabaseSpec* database(std::string_view file) const;
};

// Load and check `path` (and the lock file it names); every problem goes to `diag`.
core::Result<SourcesFile> load_sources(const std::filesystem::path& path, core::Diag& diag);

// The registry tarball URL and the `npm pack` file name of a package version, e.g.
// https://registry.npmjs.org/@ip-location-db/asn/-/asn-2.3.2026061719.tgz and
// ip-location-db-asn-2.3.2026061719.tgz.
std::string npm_tarball_url(std::string_view package, std::string_view version);
std::string npm_pack_name(std::string_view package, std::string_view version);

// The date a package version carries (ip-location-db: "2.3.2026061719" → 2026-06-17), or nullopt.
std::optional<core::Date> package_version_date(std::string_view version);

}  // namespace update
