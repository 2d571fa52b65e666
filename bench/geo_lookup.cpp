// Lookups per second through lib/geo (geo::Database, geo::DatabaseSet) against a plain
// libmaxminddb loop (MMDB_lookup_sockaddr + MMDB_aget_value) on the same databases and the same
// random IPv4 addresses (fixed seed). Each variant runs several rounds; the best round counts.
// The goal (issue) is lib/geo >= 90 % of the plain loop.
//
//   geo_lookup [DB[,DB...]] [LOOKUPS]
//
// The single-database variants use the first database. With several databases (default: the
// three of geoip/data/, country.mmdb,asn.mmdb,providers.mmdb, as the audit opens them) a second
// pair compares the plain loop over all of them, reading in each exactly the fields lib/geo
// reads for its layout (fields_for in lib/geo/mmdb_reader.cpp), with DatabaseSet::lookup_all,
// the audit's call (lib/audit/observe.cpp). lib/geo keeps decoded records by entry (its record
// cache, lib/geo/entry_cache.hpp), which random addresses hit less often than real traffic does:
// an `all:` line with the cache off shows what it buys, and the hit rate of each database is
// printed after the figures.
#include "geo/mmdb_reader.hpp"

#include <maxminddb.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

// GEO_LOOKUP_ROUNDS=N: more rounds give a best round free of other processes' load.
const int k_rounds =
    std::getenv("GEO_LOOKUP_ROUNDS") != nullptr ? std::max(1, std::atoi(std::getenv("GEO_LOOKUP_ROUNDS"))) : 7;

struct Variant {
  const char* name;
  std::function<std::size_t()> body;
  double best = 0;  // lookups per second
  std::size_t checksum = 0;
};

// Run every variant k_rounds times, interleaved so that load from other processes hits them
// alike; keep each variant's best rate.
// GEO_LOOKUP_ONLY=TEXT runs only the variants whose name holds TEXT (for perf record).
void run_rounds(std::size_t lookups, std::vector<Variant>& variants) {
  const char* only = std::getenv("GEO_LOOKUP_ONLY");
  for (int round = 0; round < k_rounds; ++round) {
    for (auto& v : variants) {
      if (only != nullptr && std::strstr(v.name, only) == nullptr) continue;
      const auto start = std::chrono::steady_clock::now();
      v.checksum = v.body();
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      v.best = std::max(v.best, static_cast<double>(lookups) / took.count());
    }
  }
}

// The plain libmaxminddb loop a C programmer would write.
std::size_t plain_loop(MMDB_s& mmdb, const std::vector<std::uint32_t>& addresses, const char* const* path) {
  std::size_t found = 0;
  for (std::uint32_t a : addresses) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(a);
    int error = 0;
    MMDB_lookup_result_s res = MMDB_lookup_sockaddr(&mmdb, reinterpret_cast<const sockaddr*>(&sin), &error);
    if (error != MMDB_SUCCESS || !res.found_entry) continue;
    MMDB_entry_data_s data{};
    if (MMDB_aget_value(&res.entry, &data, path) == MMDB_SUCCESS && data.has_data &&
        data.type == MMDB_DATA_TYPE_UTF8_STRING && data.data_size > 0) {
      found += static_cast<unsigned char>(data.utf8_string[0]);
    }
  }
  return found;
}

std::size_t geo_loop(const geo::Database& db, const std::vector<core::IpAddress>& ips, geo::RawEntry raw) {
  std::size_t found = 0;
  for (const auto& ip : ips) {
    auto rec = db.lookup(ip, raw);
    if (rec && *rec && (*rec)->country && !(*rec)->country->empty()) found += static_cast<unsigned char>((*(*rec)->country)[0]);
  }
  return found;
}

std::size_t into_loop(const geo::Database& db, const std::vector<core::IpAddress>& ips) {
  std::size_t found = 0;
  geo::GeoRecord rec;
  for (const auto& ip : ips) {
    auto ok = db.lookup_into(ip, rec, geo::RawEntry::skip);
    if (ok && *ok && rec.country && !rec.country->empty()) found += static_cast<unsigned char>((*rec.country)[0]);
  }
  return found;
}

std::size_t set_loop(const geo::DatabaseSet& set, const std::vector<core::IpAddress>& ips) {
  std::size_t found = 0;
  for (const auto& ip : ips) {
    for (const auto& answer : set.lookup_all(ip, geo::RawEntry::skip)) {
      const auto& rec = answer.result;
      if (rec && *rec && (*rec)->country && !(*rec)->country->empty()) found += static_cast<unsigned char>((*(*rec)->country)[0]);
    }
  }
  return found;
}

// The fields lib/geo reads for each layout (fields_for in lib/geo/mmdb_reader.cpp), in its order.
using Path = std::vector<const char*>;  // null-terminated
std::vector<Path> paths_for(geo::Layout layout) {
  switch (layout) {
    case geo::Layout::country_map:
    case geo::Layout::city_map:
      return {{"country", "iso_code", nullptr},
              {"registered_country", "iso_code", nullptr},
              {"traits", "is_anycast", nullptr}};
    case geo::Layout::asn:
      return {{"autonomous_system_number", nullptr}, {"autonomous_system_organization", nullptr}};
    case geo::Layout::country_code:
      return {{"country_code", nullptr}};
    case geo::Layout::provider:
      return {{"provider", nullptr}, {"region", nullptr}, {"service", nullptr}, {"country", nullptr}};
    case geo::Layout::ipinfo:  // lib/geo parses "AS…" text there: not a plain read to compare with
    case geo::Layout::none:
      break;
  }
  return {};
}

// A value's share of the checksum: a string by its length and first byte, a number by its value.
std::size_t text_sum(const char* s, std::size_t n) { return n + (n > 0 ? static_cast<unsigned char>(s[0]) : 0); }
std::size_t value_sum(const MMDB_entry_data_s& d) {
  switch (d.type) {
    case MMDB_DATA_TYPE_UTF8_STRING:
      return text_sum(d.utf8_string, d.data_size);
    case MMDB_DATA_TYPE_UINT16:
      return d.uint16;
    case MMDB_DATA_TYPE_UINT32:
      return d.uint32;
    case MMDB_DATA_TYPE_UINT64:
      return static_cast<std::size_t>(d.uint64);
    case MMDB_DATA_TYPE_BOOLEAN:
      return d.boolean ? 1 : 0;
    default:
      return 0;
  }
}
std::size_t record_sum(const geo::GeoRecord& rec) {
  std::size_t sum = 0;
  for (const auto* s : {&rec.country, &rec.registered_country, &rec.as_org, &rec.provider, &rec.region, &rec.service}) {
    if (*s) sum += text_sum((*s)->data(), (*s)->size());
  }
  return sum + rec.asn.value_or(0) + (rec.is_anycast.value_or(false) ? 1 : 0);
}

// One database of the plain multi-database loop.
struct PlainDb {
  MMDB_s mmdb{};
  std::vector<Path> paths;
};

// The plain libmaxminddb loop over several databases: one sockaddr per address, one tree walk
// per database, one MMDB_aget_value per field, every status checked. It reads the same parsed
// addresses (core::IpAddress) as lib/geo, so both stream the same input through the cache.
std::size_t plain_set_loop(std::vector<PlainDb>& dbs, const std::vector<core::IpAddress>& ips) {
  std::size_t sum = 0;
  for (const auto& ip : ips) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    std::memcpy(&sin.sin_addr, ip.bytes.data(), 4);
    for (auto& db : dbs) {
      int error = 0;
      MMDB_lookup_result_s res = MMDB_lookup_sockaddr(&db.mmdb, reinterpret_cast<const sockaddr*>(&sin), &error);
      if (error != MMDB_SUCCESS || !res.found_entry) continue;
      for (const auto& path : db.paths) {
        MMDB_entry_data_s data{};
        if (MMDB_aget_value(&res.entry, &data, path.data()) == MMDB_SUCCESS && data.has_data) sum += value_sum(data);
      }
    }
  }
  return sum;
}

std::size_t set_all_loop(const geo::DatabaseSet& set, const std::vector<core::IpAddress>& ips) {
  std::size_t sum = 0;
  for (const auto& ip : ips) {
    for (const auto& answer : set.lookup_all(ip, geo::RawEntry::skip)) {
      if (answer.result && *answer.result) sum += record_sum(**answer.result);
    }
  }
  return sum;
}

std::size_t set_into_loop(const geo::DatabaseSet& set, const std::vector<core::IpAddress>& ips) {
  std::size_t sum = 0;
  std::vector<geo::SourcedAnswer> answers;
  for (const auto& ip : ips) {
    set.lookup_all_into(ip, answers, geo::RawEntry::skip);
    for (const auto& answer : answers) {
      if (answer.result && *answer.result) sum += record_sum(**answer.result);
    }
  }
  return sum;
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  for (std::size_t start = 0;;) {
    const auto comma = list.find(',', start);
    out.push_back(list.substr(start, comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string data = std::string(RESIDENCY_SOURCE_DIR) + "/geoip/data/";
  const std::vector<std::string> paths =
      split(argc > 1 ? argv[1] : data + "country.mmdb," + data + "asn.mmdb," + data + "providers.mmdb");
  const std::string& path = paths.front();
  const std::size_t lookups = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1'000'000;

  auto db = geo::Database::open(path);
  if (!db) {
    std::fprintf(stderr, "geo_lookup: %s\n", db.error().to_string().c_str());
    return 2;
  }
  auto set = geo::DatabaseSet::open({std::filesystem::path(path)});
  MMDB_s mmdb{};
  if (!set || MMDB_open(path.c_str(), MMDB_MODE_MMAP, &mmdb) != MMDB_SUCCESS) return 2;
  // The country path of the schema: flat country_code (ip-location-db, IPinfo) or country.iso_code.
  static const char* const k_flat[] = {"country_code", nullptr};
  static const char* const k_nested[] = {"country", "iso_code", nullptr};
  const auto layout = geo::layout_of(db->info().schema);
  const char* const* country_path = layout == geo::Layout::country_code || layout == geo::Layout::ipinfo ? k_flat : k_nested;

  std::mt19937 rng(20261130);
  std::vector<std::uint32_t> addresses(lookups);
  std::vector<core::IpAddress> ips(lookups);
  for (std::size_t i = 0; i < lookups; ++i) {
    addresses[i] = static_cast<std::uint32_t>(rng());
    ips[i].family = core::IpFamily::v4;
    for (int b = 0; b < 4; ++b) ips[i].bytes[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(addresses[i] >> (24 - 8 * b));
  }

  constexpr std::size_t k_single = 6;  // the single-database variants come first
  std::vector<Variant> variants{
      {"plain libmaxminddb loop     ", [&] { return plain_loop(mmdb, addresses, country_path); }},
      {"geo::Database::lookup_into  ", [&] { return into_loop(*db, ips); }},
      {"geo::Database::lookup       ", [&] { return geo_loop(*db, ips, geo::RawEntry::skip); }},
      {"plain loop again (noise)    ", [&] { return plain_loop(mmdb, addresses, country_path); }},
      {"geo::DatabaseSet::lookup_all", [&] { return set_loop(*set, ips); }},
      {"geo::Database + raw JSON    ", [&] { return geo_loop(*db, ips, geo::RawEntry::include); }},
  };
  // Several databases: the audit's call against the plain loop over the same databases.
  std::vector<PlainDb> plain_dbs(paths.size() > 1 ? paths.size() : 0);
  std::optional<core::Result<geo::DatabaseSet>> all;
  geo::DatabaseSet uncached;  // the same databases, record cache off
  if (!plain_dbs.empty()) {
    std::vector<std::filesystem::path> files(paths.begin(), paths.end());
    all.emplace(geo::DatabaseSet::open(files));
    if (!*all) {
      std::fprintf(stderr, "geo_lookup: %s\n", (*all).error().to_string().c_str());
      return 2;
    }
    for (std::size_t i = 0; i < paths.size(); ++i) {
      const auto& info = (**all).databases()[i].info();
      plain_dbs[i].paths = paths_for(geo::layout_of(info.schema));
      if (plain_dbs[i].paths.empty()) {
        const auto schema = geo::to_string(info.schema);
        std::fprintf(stderr, "geo_lookup: %s: no plain loop reads the layout of schema %.*s\n", paths[i].c_str(),
                     static_cast<int>(schema.size()), schema.data());
        return 2;
      }
      if (MMDB_open(paths[i].c_str(), MMDB_MODE_MMAP, &plain_dbs[i].mmdb) != MMDB_SUCCESS) return 2;
      auto off = geo::Database::open(paths[i], geo::Verify::if_small, geo::CacheMode::off);
      if (!off) return 2;
      uncached.add(std::move(*off));
    }
    variants.push_back({"all: plain libmaxminddb loop     ", [&] { return plain_set_loop(plain_dbs, ips); }});
    variants.push_back({"all: DatabaseSet::lookup_all_into", [&] { return set_into_loop(**all, ips); }});
    variants.push_back({"all: DatabaseSet::lookup_all     ", [&] { return set_all_loop(**all, ips); }});
    variants.push_back({"all: lookup_all_into, cache off  ", [&] { return set_into_loop(uncached, ips); }});
  }
  run_rounds(lookups, variants);
  MMDB_close(&mmdb);
  for (auto& p : plain_dbs) MMDB_close(&p.mmdb);

  // What verifying the whole tree at open would cost (open() skips it above 200,000 nodes).
  const auto verify_start = std::chrono::steady_clock::now();
  const bool verified = db->verify().has_value();
  const std::chrono::duration<double, std::milli> verify_ms = std::chrono::steady_clock::now() - verify_start;
  const auto open_start = std::chrono::steady_clock::now();
  const bool reopened = geo::Database::open(path).has_value();
  const std::chrono::duration<double, std::milli> open_ms = std::chrono::steady_clock::now() - open_start;

  std::printf("database: %s (%s, %u nodes)\n", path.c_str(), db->info().database_type.c_str(), db->info().node_count);
  std::printf("random IPv4 lookups per round: %zu, best of %d rounds\n", lookups, k_rounds);
  const double plain = variants[0].best;
  for (std::size_t i = 0; i < k_single; ++i) {
    const auto& v = variants[i];
    std::printf("%s: %12.0f lookups/s  (%5.1f %% of plain)\n", v.name, v.best, 100.0 * v.best / plain);
  }
  if (!plain_dbs.empty()) {
    std::string names;
    for (const auto& p : paths) names += (names.empty() ? "" : ", ") + std::filesystem::path(p).filename().string();
    std::printf("all %zu databases (%s), addresses looked up in each:\n", paths.size(), names.c_str());
    const double plain_all = variants[k_single].best;
    for (std::size_t i = k_single; i < variants.size(); ++i) {
      const auto& v = variants[i];
      std::printf("%s: %12.0f addresses/s (%5.1f %% of plain, all)\n", v.name, v.best, 100.0 * v.best / plain_all);
    }
    std::printf("over %zu databases: lookup_all %.1f %%, lookup_all_into %.1f %% of the plain libmaxminddb loop\n",
                paths.size(), 100.0 * variants[k_single + 2].best / plain_all,
                100.0 * variants[k_single + 1].best / plain_all);
    // Over every round of lookup_all_into and lookup_all (the cache is warm after the first), of
    // the lookups that found an entry.
    std::printf("record cache of lookup_all(_into), these random addresses:");
    for (std::size_t i = 0; i < paths.size(); ++i) {
      const auto stats = (**all).databases()[i].cache_stats();
      const double lookups_seen = static_cast<double>(stats.hits + stats.misses);
      std::printf("%s %s %.1f %% hits (%zu slots)", i == 0 ? "" : ",",
                  std::filesystem::path(paths[i]).filename().c_str(),
                  lookups_seen > 0 ? 100.0 * static_cast<double>(stats.hits) / lookups_seen : 0.0, stats.slots);
    }
    std::printf("\n");
  }
  std::printf("Database::open (no full verify): %.2f ms (%s); Database::verify(): %.1f ms (%s)\n", open_ms.count(),
              reopened ? "ok" : "failed", verify_ms.count(), verified ? "ok" : "failed");
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& v = variants[i];
    if (std::getenv("GEO_LOOKUP_ONLY") == nullptr && v.checksum != variants[i < k_single ? 0 : k_single].checksum) {
      std::fprintf(stderr, "geo_lookup: %s answers differ from the plain loop\n", v.name);
      return 1;
    }
  }
  return 0;
}
