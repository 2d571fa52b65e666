// The body shared by the range-importer fuzz targets (ranges_<format>.cpp): parse the input in
// one format as `residency geoip build --from FORMAT:FILE` does, then put every row into a
// writer and serialise the database, so what an importer lets through must also be writable.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include "geo/importers.hpp"
#include "geo/mmdb_writer.hpp"

namespace fuzz {

inline int fuzz_ranges(geo::RangeFormat format, const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = geo::parse_ranges(format, text, "fuzz");
  if (!table) return 0;
  geo::WriterOptions options;
  options.database_type = std::string(geo::database_type_of(format));
  options.languages = {"en"};
  options.description = {{"en", "fuzz"}};
  options.build_epoch = 1'764'547'200;  // 2025-12-01, fixed: runs are reproducible
  geo::MmdbWriter writer(options);
  geo::add_to_writer(*table, writer);
  (void)writer.serialize();
  return 0;
}

}  // namespace fuzz
