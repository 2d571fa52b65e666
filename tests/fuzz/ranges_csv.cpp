// Fuzz target: the range importer for `--from csv:FILE`, the plain CSV (cidr,provider,region,country; header, comments,
// quotes, CRLF).
#include "ranges_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::fuzz_ranges(geo::RangeFormat::csv, data, size);
}
