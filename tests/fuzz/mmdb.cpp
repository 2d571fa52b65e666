// Fuzz target: our opening of a hostile .mmdb file. The input is the whole file; it is written to
// a private temporary file and opened as every command opens a GeoIP database (libmaxminddb,
// metadata and tree checks, schema recognition, the verify walk for small trees), then looked up
// for IPv4 and IPv6 addresses (with the entry rendered as JSON, then twice without, so that the
// record cache answers; every answer must equal that of the same file opened with the cache off)
// and verified again. libmaxminddb trusts the metadata, so every check that keeps it from reading
// outside the file is ours.
#include <unistd.h>
#include "core/ip.hpp"
#include "geo/mmdb_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

const std::filesystem::path& scratch_file() {
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("residency-fuzz-mmdb-" + std::to_string(::getpid()) + ".mmdb");
  return path;
}

const std::vector<core::IpAddress>& addresses() {
  static const std::vector<core::IpAddress> ips = [] {
    std::vector<core::IpAddress> out;
    for (const char* text : {"1.2.3.4", "81.2.69.160", "0.0.0.0", "255.255.255.255", "::1", "2001:db8::1",
                             "2a02:cf40::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
      out.push_back(*core::parse_ip(text));
    }
    return out;
  }();
  return ips;
}

bool same(const geo::GeoRecord& a, const geo::GeoRecord& b) {
  return a.country == b.country && a.registered_country == b.registered_country && a.asn == b.asn &&
         a.as_org == b.as_org && a.is_anycast == b.is_anycast && a.provider == b.provider && a.region == b.region &&
         a.service == b.service && a.network == b.network && a.raw_json == b.raw_json;
}

bool same(const core::Result<std::optional<geo::GeoRecord>>& a, const core::Result<std::optional<geo::GeoRecord>>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return a.error().message == b.error().message && a.error().where == b.error().where;
  if (a->has_value() != b->has_value()) return false;
  return !*a || same(**a, **b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(scratch_file(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) std::abort();  // the machine, not the input
  }
  auto db = geo::Database::open(scratch_file(), geo::Verify::if_small);
  if (!db) return 0;
  // The file opened once opens again (without the verify walk it just passed), uncached.
  auto uncached = geo::Database::open(scratch_file(), geo::Verify::never, geo::CacheMode::off);
  if (!uncached) std::abort();
  for (const auto& ip : addresses()) {
    for (auto raw : {geo::RawEntry::include, geo::RawEntry::skip, geo::RawEntry::skip}) {
      if (!same(db->lookup(ip, raw), uncached->lookup(ip, raw))) std::abort();  // the cache changed an answer
    }
  }
  (void)db->verify();
  return 0;
}
