// Fuzz target: the range importer for `--from asn-csv:FILE`, the ip-location-db ASN CSV (cidr or range, asn,
// organisation).
#include "ranges_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::fuzz_ranges(geo::RangeFormat::asn_csv, data, size);
}
