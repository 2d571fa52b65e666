// Fuzz target: the range importer for `--from azure:FILE`, Azure Service Tags JSON (values, properties, regional
// precedence).
#include "ranges_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::fuzz_ranges(geo::RangeFormat::azure, data, size);
}
