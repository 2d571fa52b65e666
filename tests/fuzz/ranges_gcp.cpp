// Fuzz target: the range importer for `--from gcp:FILE`, Google cloud.json (prefixes with scope and service).
#include "ranges_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::fuzz_ranges(geo::RangeFormat::gcp, data, size);
}
