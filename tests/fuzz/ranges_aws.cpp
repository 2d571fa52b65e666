// Fuzz target: the range importer for `--from aws:FILE`, AWS ip-ranges.json (prefixes and ipv6_prefixes, service
// precedence).
#include "ranges_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::fuzz_ranges(geo::RangeFormat::aws, data, size);
}
