// geo::Database's record cache (lib/geo/entry_cache.hpp): every answer through it equals the
// answer of the same database opened with the cache off, on databases written by our writer and
// MaxMind's test databases: repeated addresses, networks sharing one entry, IPv6, misses, errors,
// and more distinct entries than the cache holds.
#include "geo/entry_cache.hpp"
#include "geo/mmdb_reader.hpp"
#include "geo/mmdb_writer.hpp"

#include "mmdb_test_fixtures.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

using geo_test::check_same;

namespace {

core::IpAddress ip(const std::string& text) {
  auto parsed = core::parse_ip(text);
  REQUIRE(parsed);
  return *parsed;
}

geo::Database open_with(const std::filesystem::path& path, geo::CacheMode cache,
                        geo::Verify verify = geo::Verify::if_small) {
  auto db = geo::Database::open(path, verify, cache);
  if (!db) FAIL(db.error().to_string());
  return std::move(*db);
}

geo::MmdbValue as_entry(std::uint32_t asn, const std::string& org) {
  std::vector<geo::MmdbValue::Entry> fields{{"autonomous_system_number", geo::MmdbValue::uint32(asn)}};
  if (!org.empty()) fields.emplace_back("autonomous_system_organization", geo::MmdbValue::string(org));
  return geo::MmdbValue::map(fields);
}

std::string v4(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xff) + "." + std::to_string((a >> 8) & 0xff) +
         "." + std::to_string(a & 0xff);
}

constexpr std::uint32_t k_distinct = 20'000;  // distinct entries, more than the cache's slots

// An ASN database (IPv6 tree) of k_distinct /24 networks with an entry each (1.0.0.0/24 …), /16
// networks and IPv6 /32 networks alternating between two shared entries, and IPv6 networks of
// their own. Written once per test run.
const std::filesystem::path& asn_database() {
  static const std::filesystem::path path = [] {
    const auto dir = geo_test::scratch("cache-asn");
    geo::WriterOptions options;
    options.database_type = "GeoLite2-ASN";
    options.build_epoch = 1780000000;
    geo::MmdbWriter writer(options);
    for (std::uint32_t i = 0; i < k_distinct; ++i) {
      // Organisations of varied length, some missing, so a reused record's strings change size.
      const std::string org = i % 7 == 0 ? "" : "Org " + std::string(i % 13, 'x') + std::to_string(i);
      writer.insert(*core::parse_prefix(v4((1u << 24) + (i << 8)) + "/24"), as_entry(64512 + i, org));
    }
    for (std::uint32_t i = 0; i < 64; ++i) {
      const auto& shared = i % 2 == 0 ? as_entry(1, "Shared A") : as_entry(2, "");
      writer.insert(*core::parse_prefix(v4((100u << 24) + ((64 + i) << 16)) + "/16"), shared);
      writer.insert(*core::parse_prefix(fmt::format("2a00:{:x}::/32", i)), shared);
      writer.insert(*core::parse_prefix(fmt::format("2001:db8:{:x}::/48", i)), as_entry(4'000'000 + i, "v6 only"));
    }
    REQUIRE(writer.write(dir / "asn.mmdb"));
    return dir / "asn.mmdb";
  }();
  return path;
}

// Addresses of every kind in asn_database(): one in each /24, the shared and IPv6 networks (two
// addresses each), IPv4-mapped forms, and misses.
std::vector<std::string> asn_addresses() {
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < k_distinct; ++i) out.push_back(v4((1u << 24) + (i << 8) + 1 + i % 250));
  for (std::uint32_t i = 0; i < 64; ++i) {
    out.push_back(v4((100u << 24) + ((64 + i) << 16) + 7));
    out.push_back(v4((100u << 24) + ((64 + i) << 16) + 0xff00));
    out.push_back(fmt::format("2a00:{:x}::1", i));
    out.push_back(fmt::format("2a00:{:x}:ffff::9", i));
    out.push_back(fmt::format("2001:db8:{:x}::5", i));
  }
  for (const char* text : {"::ffff:1.0.0.9", "::ffff:100.64.1.1", "10.0.0.1", "200.1.2.3", "2002::1", "::1", "0.0.0.0",
                           "255.255.255.255", "ffff::1"}) {
    out.emplace_back(text);
  }
  return out;
}

}  // namespace

TEST_CASE("geo::cache: cached answers equal uncached ones with more entries than the cache holds", "[geo]") {
  const auto cached = open_with(asn_database(), geo::CacheMode::on);
  const auto uncached = open_with(asn_database(), geo::CacheMode::off);
  REQUIRE(cached.info().schema == geo::Schema::geoip2_asn);
  REQUIRE(cached.cache_stats().slots == geo::detail::EntryCache::k_max_slots);
  REQUIRE(k_distinct > geo::detail::EntryCache::k_max_slots);
  CHECK(uncached.cache_stats().slots == 0);

  auto addresses = asn_addresses();
  std::set<std::uint32_t> entries_seen;  // each entry has its own ASN (or one of the two shared)
  geo::GeoRecord reused;
  std::size_t found = 0;  // lookups that found an entry (only those read one, cached or not)
  const auto pass = [&](const std::vector<std::string>& list) {
    for (const auto& text : list) {
      INFO(text);
      const auto want = uncached.lookup(ip(text), geo::RawEntry::skip);
      const auto got = cached.lookup(ip(text), geo::RawEntry::skip);
      check_same(got, want);
      // lookup_into on one reused record: its previous answer must leave nothing behind.
      auto into = cached.lookup_into(ip(text), reused, geo::RawEntry::skip);
      REQUIRE(into);
      REQUIRE(want);
      REQUIRE(*into == want->has_value());
      if (*into) check_same(reused, **want);
      if (*into) ++found;
      if (want && *want && (*want)->asn) entries_seen.insert(*(*want)->asn);
    }
  };
  pass(addresses);  // in order: each entry read once, then looked up again at once (lookup_into)
  const auto first = cached.cache_stats();
  CHECK(found == addresses.size() - 7);  // 7 addresses of no network
  CHECK(first.hits >= found);            // at least every lookup_into right after its lookup
  CHECK(entries_seen.size() == k_distinct + 2 + 64);

  std::shuffle(addresses.begin(), addresses.end(), std::mt19937(20261201));
  pass(addresses);  // in random order: entries evicted since are read again
  const auto second = cached.cache_stats();
  CHECK(second.hits > first.hits);
  // More reads than distinct entries: the direct-mapped slots replaced entries and read them again.
  CHECK(second.misses > entries_seen.size() + 100);
  CHECK(second.hits + second.misses == 2 * found);  // two per address that has an entry, none for the others

  // The shared entries: one record, the network of each address.
  auto a = cached.lookup(ip("100.64.0.7"), geo::RawEntry::skip);
  auto b = cached.lookup(ip("100.66.3.3"), geo::RawEntry::skip);
  auto c = cached.lookup(ip("2a00:2::1"), geo::RawEntry::skip);
  REQUIRE((a && *a && b && *b && c && *c));
  CHECK((*a)->as_org == "Shared A");
  CHECK((*b)->as_org == "Shared A");
  CHECK((*c)->as_org == "Shared A");
  CHECK((*a)->network == *core::parse_prefix("100.64.0.0/16"));
  CHECK((*b)->network == *core::parse_prefix("100.66.0.0/16"));
  CHECK((*c)->network == *core::parse_prefix("2a00:2::/32"));
  auto d = cached.lookup(ip("100.65.0.1"), geo::RawEntry::skip);
  REQUIRE((d && *d));
  CHECK((*d)->asn == 2u);
  CHECK_FALSE((*d)->as_org);  // the other shared entry has none
}

TEST_CASE("geo::cache: the raw entry is rendered for every lookup, cached fields or not", "[geo]") {
  const auto cached = open_with(asn_database(), geo::CacheMode::on);
  const auto uncached = open_with(asn_database(), geo::CacheMode::off);
  for (int round = 0; round < 2; ++round) {
    for (const char* text : {"100.64.0.7", "100.66.3.3", "2a00:2::1", "1.0.5.9", "2001:db8:3::1", "10.0.0.1"}) {
      INFO(text);
      for (auto raw : {geo::RawEntry::skip, geo::RawEntry::include, geo::RawEntry::skip}) {
        const auto got = cached.lookup(ip(text), raw);
        check_same(got, uncached.lookup(ip(text), raw));
        if (raw == geo::RawEntry::include && got && *got) CHECK_THAT((*got)->raw_json, Catch::Contains("autonomous"));
        if (raw == geo::RawEntry::skip && got && *got) CHECK((*got)->raw_json.empty());
      }
    }
  }
  CHECK(cached.cache_stats().hits > 0);
}

TEST_CASE("geo::cache: an entry that fails to decode fails every time, other entries are still cached", "[geo]") {
  // MaxMind's City test database with garbage over part of its data section (1547 nodes of 28-bit
  // records: the data section starts 1547 * 7 + 16 bytes in): some entries decode, some do not.
  std::string bytes = geo_test::read_bytes(geo_test::fixture("GeoIP2-City-Test.mmdb"));
  const std::size_t data = 1547 * 7 + 16;
  REQUIRE(data + 3000 < bytes.size());
  bytes.replace(data + 1000, 2000, 2000, '\xee');
  const auto path = geo_test::write_bytes(geo_test::scratch("cache-broken") / "broken.mmdb", bytes);
  const auto cached = open_with(path, geo::CacheMode::on, geo::Verify::never);
  const auto uncached = open_with(path, geo::CacheMode::off, geo::Verify::never);

  // Every address of a few hundred networks of the tree, each looked up three times in a row.
  std::vector<std::string> addresses;
  for (const char* prefix : {"81.2.69.", "2.125.160.", "89.160.20.", "216.160.83.", "175.16.199.", "67.43.156.",
                             "202.196.224.", "149.101.100.", "111.235.160."}) {
    for (int last : {0, 1, 100, 160, 192, 255}) addresses.push_back(prefix + std::to_string(last));
  }
  for (const char* text : {"2001:218::1", "2001:480::1", "2a02:cf40::", "214.1.1.1", "1.1.1.1"}) {
    addresses.emplace_back(text);
  }
  int errors = 0, found = 0;
  for (const auto& text : addresses) {
    INFO(text);
    for (int time = 0; time < 3; ++time) {
      const auto want = uncached.lookup(ip(text), geo::RawEntry::skip);
      check_same(cached.lookup(ip(text), geo::RawEntry::skip), want);
      if (!want) {
        ++errors;
        CHECK(want.error().where == path.string());
      } else if (*want) {
        ++found;
      }
    }
  }
  CHECK(errors > 0);  // the garbage broke some entries: never a cached success for them
  CHECK(found > 0);   // and others still decode
  CHECK(cached.cache_stats().hits > 0);
}

TEST_CASE("geo::cache: a cache never holds more slots than its bound", "[geo]") {
  // Small trees get small caches (no more distinct entries than nodes + 1); big ones the bound.
  const auto small = open_with(geo_test::fixture("GeoIP2-Country-Test.mmdb"), geo::CacheMode::on);
  const auto stats = small.cache_stats();
  CHECK(stats.slots >= geo::detail::EntryCache::k_min_slots);
  CHECK(stats.slots >= small.info().node_count);
  CHECK(stats.slots <= geo::detail::EntryCache::k_max_slots);
  CHECK(stats.hits == 0);
  CHECK(stats.misses == 0);
  CHECK(open_with(asn_database(), geo::CacheMode::on).cache_stats().slots == geo::detail::EntryCache::k_max_slots);
}
