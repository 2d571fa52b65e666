// geo::Database and geo::DatabaseSet against MaxMind's own test databases (../shared) and
// deliberately broken copies of them: every bad file gives an error naming it, never a crash.
#include "geo/mmdb_reader.hpp"
#include "geo/mmdb_writer.hpp"

#include "mmdb_test_fixtures.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <thread>
#include <tuple>

using geo_test::check_same;
using geo_test::fixture;

namespace {

core::IpAddress ip(const char* text) {
  auto parsed = core::parse_ip(text);
  REQUIRE(parsed);
  return *parsed;
}

geo::GeoRecord found(const geo::Database& db, const char* address) {
  auto result = db.lookup(ip(address));
  REQUIRE(result);
  REQUIRE(result->has_value());
  return **result;
}

geo::Database open_ok(const std::filesystem::path& path, geo::Verify verify = geo::Verify::if_small,
                      geo::CacheMode cache = geo::CacheMode::on) {
  auto db = geo::Database::open(path, verify, cache);
  if (!db) FAIL(db.error().to_string());
  return std::move(*db);
}

// Open `path` and expect one error that names it and contains `what`.
void expect_open_error(const std::filesystem::path& path, const std::string& what) {
  auto db = geo::Database::open(path);
  REQUIRE_FALSE(db);
  CHECK(db.error().where == path.string());
  CHECK_THAT(db.error().message, Catch::Contains(what));
}

}  // namespace

TEST_CASE("geo::reader: City test database metadata and schema", "[geo]") {
  auto db = open_ok(fixture("GeoIP2-City-Test.mmdb"));
  const auto& info = db.info();
  CHECK(info.database_type == "GeoIP2-City");
  CHECK(info.schema == geo::Schema::geoip2_city);
  CHECK(info.schema_basis == geo::SchemaBasis::database_type);
  CHECK(info.node_count == 1547);
  CHECK(info.record_size == 28);
  CHECK(info.ip_version == 6);
  CHECK(info.build_epoch == 1770245369);
  CHECK_THAT(info.description, Catch::Contains("GeoIP2 City Test Database"));
  CHECK(info.languages == std::vector<std::string>{"en", "zh"});
}

TEST_CASE("geo::reader: 81.2.69.160 is GB registered to US in the City test database", "[geo]") {
  auto db = open_ok(fixture("GeoIP2-City-Test.mmdb"));
  auto rec = found(db, "81.2.69.160");
  CHECK(rec.country == "GB");
  CHECK(rec.registered_country == "US");
  CHECK_FALSE(rec.is_anycast);
  CHECK_FALSE(rec.asn);
  CHECK(rec.network.address.family == core::IpFamily::v4);
  CHECK(rec.network.contains(ip("81.2.69.160")));
  CHECK(rec.network.length >= 8);
  CHECK_THAT(rec.raw_json, Catch::Contains("\"London\""));
  CHECK_THAT(rec.raw_json, Catch::Contains("\"iso_code\":\"GB\""));
}

TEST_CASE("geo::reader: IPv6 2001:218::1 is JP in the City and Country test databases", "[geo]") {
  for (const char* name : {"GeoIP2-City-Test.mmdb", "GeoIP2-Country-Test.mmdb"}) {
    auto db = open_ok(fixture(name));
    auto rec = found(db, "2001:218::1");
    CHECK(rec.country == "JP");
    CHECK(rec.network.address.family == core::IpFamily::v6);
    CHECK(rec.network.contains(ip("2001:218::1")));
  }
  auto country = open_ok(fixture("GeoIP2-Country-Test.mmdb"));
  CHECK(country.info().schema == geo::Schema::geoip2_country);
  CHECK(found(country, "67.43.156.1").country == "BT");
}

TEST_CASE("geo::reader: 214.1.1.1 is anycast with no country", "[geo]") {
  auto db = open_ok(fixture("GeoIP2-City-Test.mmdb"));
  auto rec = found(db, "214.1.1.1");
  CHECK(rec.is_anycast == true);
  CHECK_FALSE(rec.country);
  CHECK(rec.raw_json == R"({"traits":{"is_anycast":true}})");
}

TEST_CASE("geo::reader: 1.128.0.1 is AS1221 Telstra in GeoLite2-ASN-Test", "[geo]") {
  auto db = open_ok(fixture("GeoLite2-ASN-Test.mmdb"));
  CHECK(db.info().schema == geo::Schema::geoip2_asn);
  auto rec = found(db, "1.128.0.1");
  CHECK(rec.asn == 1221u);
  CHECK(rec.as_org == "Telstra Pty Ltd");
  CHECK_FALSE(rec.country);
  CHECK(found(db, "12.81.92.1").asn == 7018u);
}

TEST_CASE("geo::reader: IPv4-mapped IPv6 gives the IPv4 answer / unknown addresses give nullopt", "[geo]") {
  auto db = open_ok(fixture("GeoIP2-City-Test.mmdb"));
  CHECK(found(db, "::ffff:81.2.69.160").country == "GB");
  auto none = db.lookup(ip("10.0.0.1"));
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
}

TEST_CASE("geo::reader: RawEntry::skip leaves raw_json empty but keeps the fields", "[geo]") {
  auto db = open_ok(fixture("GeoIP2-City-Test.mmdb"));
  auto rec = db.lookup(ip("81.2.69.160"), geo::RawEntry::skip);
  REQUIRE(rec);
  REQUIRE(rec->has_value());
  CHECK((*rec)->country == "GB");
  CHECK((*rec)->raw_json.empty());
}

TEST_CASE("geo::reader: DatabaseSet answers from every database with provenance", "[geo]") {
  auto set = geo::DatabaseSet::open({fixture("GeoIP2-City-Test.mmdb"), fixture("GeoLite2-ASN-Test.mmdb")});
  REQUIRE(set);
  auto answers = set->lookup_all(ip("1.128.0.1"));
  REQUIRE(answers.size() == 2);
  CHECK(answers[0].source->database_type == "GeoIP2-City");
  CHECK(answers[1].source->database_type == "GeoLite2-ASN");
  CHECK(answers[1].source->path == fixture("GeoLite2-ASN-Test.mmdb").string());
  REQUIRE(answers[1].result);
  REQUIRE(answers[1].result->has_value());
  CHECK((*answers[1].result)->asn == 1221u);
}

TEST_CASE("geo::reader: DatabaseSet::open fails on the first bad file / naming it", "[geo]") {
  auto dir = geo_test::scratch("set-bad");
  auto empty = geo_test::write_bytes(dir / "empty.mmdb", "");
  auto set = geo::DatabaseSet::open({fixture("GeoIP2-City-Test.mmdb"), empty});
  REQUIRE_FALSE(set);
  CHECK(set.error().where == empty.string());
}

TEST_CASE("geo::reader: missing / empty and folder paths give one clear error", "[geo]") {
  auto dir = geo_test::scratch("missing");
  expect_open_error(dir / "nope.mmdb", "cannot open: No such file or directory");
  expect_open_error(geo_test::write_bytes(dir / "empty.mmdb", ""), "not a MaxMind DB file (empty file, 0 bytes)");
  expect_open_error(dir, "is a folder");
}

TEST_CASE("geo::reader: truncated databases are rejected at every offset tried", "[geo]") {
  const std::string bytes = geo_test::read_bytes(fixture("GeoIP2-City-Test.mmdb"));
  auto dir = geo_test::scratch("truncated");
  const std::size_t n = bytes.size();
  for (std::size_t size : {std::size_t{1}, std::size_t{16}, n / 4, n / 2, n * 9 / 10, n - 200, n - 40, n - 1}) {
    CAPTURE(size);
    auto path = geo_test::write_bytes(dir / ("cut-" + std::to_string(size) + ".mmdb"), bytes.substr(0, size));
    auto db = geo::Database::open(path);
    REQUIRE_FALSE(db);
    CHECK(db.error().where == path.string());
    CHECK_THAT(db.error().message, Catch::Contains("MaxMind DB file"));
  }
}

TEST_CASE("geo::reader: random bytes (fixed seed) are not a database", "[geo]") {
  std::mt19937 rng(20261130);
  auto dir = geo_test::scratch("random");
  for (std::size_t size : {std::size_t{1}, std::size_t{100}, std::size_t{4096}, std::size_t{100000}}) {
    std::string bytes(size, '\0');
    for (auto& b : bytes) b = static_cast<char>(rng() & 0xff);
    auto path = geo_test::write_bytes(dir / ("random-" + std::to_string(size) + ".mmdb"), bytes);
    expect_open_error(path, "not a MaxMind DB file (metadata marker not found)");
    // The marker followed by garbage: libmaxminddb must reject the metadata, not crash.
    auto marked = geo_test::write_bytes(dir / ("marked-" + std::to_string(size) + ".mmdb"),
                                        bytes + "\xAB\xCD\xEF" "MaxMind.com" + bytes.substr(0, size / 2));
    expect_open_error(marked, "not a valid MaxMind DB file");
  }
}

namespace {

// The City test database with `count` bytes at `offset` replaced by `fill`.
std::filesystem::path corrupted(const std::string& name, std::size_t offset, std::size_t count, char fill) {
  std::string bytes = geo_test::read_bytes(fixture("GeoIP2-City-Test.mmdb"));
  REQUIRE(offset + count < bytes.size());
  bytes.replace(offset, count, count, fill);
  return geo_test::write_bytes(geo_test::scratch(name) / "broken.mmdb", bytes);
}

// Look up many addresses: each must give a value or an error naming the file, never crash.
int count_lookup_errors(const geo::Database& db) {
  int errors = 0;
  for (const char* text : {"81.2.69.160", "2.125.160.216", "89.160.20.112", "216.160.83.56", "175.16.199.0",
                           "2001:218::1", "214.1.1.1", "1.1.1.1", "::1", "ffff::1"}) {
    auto result = db.lookup(ip(text));
    if (!result) {
      ++errors;
      CHECK(result.error().where == db.info().path);
    }
  }
  return errors;
}

}  // namespace

// Node count 1547, 28-bit records: the tree is 1547 * 7 bytes; the data section starts 16 bytes later.
constexpr std::size_t k_city_tree_bytes = 1547 * 7;

TEST_CASE("geo::reader: a broken search tree is an error at open and at lookup", "[geo]") {
  auto path = corrupted("broken-tree", 0, k_city_tree_bytes, '\xff');
  expect_open_error(path, "corrupt search tree");
  auto db = open_ok(path, geo::Verify::never);
  CHECK(count_lookup_errors(db) == 10);
}

TEST_CASE("geo::reader: broken data pointers are an error at open and at lookup", "[geo]") {
  // Garbage over the data section: records decode to invalid types or point past the end.
  auto path = corrupted("broken-data", k_city_tree_bytes + 16, 2000, '\xee');
  expect_open_error(path, "broken data pointer");
  auto db = open_ok(path, geo::Verify::never);
  CHECK(count_lookup_errors(db) > 0);
}

TEST_CASE("geo::reader: lookup_into reuses one record and clears the previous answer", "[geo]") {
  auto db = open_ok(fixture("GeoIP2-City-Test.mmdb"));
  geo::GeoRecord rec;
  auto first = db.lookup_into(ip("81.2.69.160"), rec);
  REQUIRE(first);
  CHECK(*first);
  CHECK(rec.country == "GB");
  auto second = db.lookup_into(ip("214.1.1.1"), rec);
  REQUIRE(second);
  CHECK(*second);
  CHECK_FALSE(rec.country);  // not left over from 81.2.69.160
  CHECK(rec.is_anycast == true);
  auto none = db.lookup_into(ip("10.0.0.1"), rec);
  REQUIRE(none);
  CHECK_FALSE(*none);
}

TEST_CASE("geo::reader: a node count whose tree does not fit in the file is refused before any lookup", "[geo]") {
  // A database of our writer whose metadata claims 0xFFFFFFFF nodes (a crafted 249-byte file made
  // libmaxminddb 1.7 read outside the mapping: exit 139 in geoip info, lookup and audit).
  geo::WriterOptions o;
  o.database_type = "country ipvAll";
  o.build_epoch = 1780000000;
  geo::MmdbWriter w(o);
  w.insert(*core::parse_prefix("51.210.0.0/16"), geo::MmdbValue::map({{"country_code", geo::MmdbValue::string("FR")}}));
  const auto dir = geo_test::scratch("node-count");
  REQUIRE(w.write(dir / "good.mmdb"));
  std::string bytes = geo_test::read_bytes(dir / "good.mmdb");
  const std::string key =
      "\x4a"
      "node_count";  // a 10-byte UTF-8 string key
  const auto at = bytes.rfind(key);
  REQUIRE(at != std::string::npos);
  const std::size_t value = at + key.size();
  const auto control = static_cast<unsigned char>(bytes[value]);
  REQUIRE((control >> 5) == 6);  // uint32
  bytes.replace(value, 1 + (control & 0x1f), std::string("\xc4\xff\xff\xff\xff", 5));
  const auto forged = geo_test::write_bytes(dir / "forged.mmdb", bytes);
  for (auto verify : {geo::Verify::never, geo::Verify::if_small, geo::Verify::always}) {
    auto db = geo::Database::open(forged, verify);
    REQUIRE_FALSE(db);
    CHECK(db.error().where == forged.string());
    CHECK_THAT(db.error().message, Catch::Contains("does not fit in the file"));
  }
  // The set a folder opens fails the same way, naming the file.
  auto set = geo::DatabaseSet::open({forged});
  REQUIRE_FALSE(set);
  CHECK_THAT(set.error().message, Catch::Contains("corrupt MaxMind DB"));
}

TEST_CASE("geo::reader: metadata lists holding a non-string are refused before libmaxminddb opens them", "[geo]") {
  // libmaxminddb 1.7.1 refuses such metadata but leaks what it allocated (LeakSanitizer under the
  // fuzz target mmdb); we refuse it first. Our writer's database, with its metadata edited.
  geo::WriterOptions o;
  o.database_type = "country ipvAll";
  o.build_epoch = 1780000000;
  o.languages = {"en"};
  o.description = {{"en", "test"}};
  geo::MmdbWriter w(o);
  w.insert(*core::parse_prefix("51.210.0.0/16"), geo::MmdbValue::map({{"country_code", geo::MmdbValue::string("FR")}}));
  const auto dir = geo_test::scratch("metadata-lists");
  REQUIRE(w.write(dir / "good.mmdb"));
  REQUIRE(geo::Database::open(dir / "good.mmdb"));
  const std::string good = geo_test::read_bytes(dir / "good.mmdb");
  struct Case {
    const char* name;
    std::string from, to, message;
  };
  const Case cases[] = {
      // languages: [ "en" ] → [ 1 (uint16) ]
      {"langs",
       std::string("\x49languages\x01\x04\x42"
                   "en",
                   14),
       std::string("\x49languages\x01\x04\xa1\x01", 14), "metadata 'languages' holds a value that is not a string"},
      // description: { en: "test" } → { en: 1 }
      {"desc",
       std::string("\x4b"
                   "description\xe1\x42"
                   "en\x44"
                   "test",
                   20),
       std::string("\x4b"
                   "description\xe1\x42"
                   "en\xa1\x01",
                   18),
       "metadata 'description' holds a value that is not a string"},
  };
  for (const auto& c : cases) {
    std::string bytes = good;
    const auto at = bytes.rfind(c.from);
    INFO(c.name);
    REQUIRE(at != std::string::npos);
    bytes.replace(at, c.from.size(), c.to);
    const auto forged = geo_test::write_bytes(dir / (std::string(c.name) + ".mmdb"), bytes);
    auto db = geo::Database::open(forged);
    REQUIRE_FALSE(db);
    CHECK(db.error().where == forged.string());
    CHECK_THAT(db.error().message, Catch::Contains(c.message));
  }
}

TEST_CASE("geo::reader: metadata with invalid UTF-8 is read without throwing (fuzz regression)", "[geo]") {
  // Found by the mmdb fuzz target: a metadata string with byte 0x8A made the provenance dump throw
  // nlohmann's type_error 316, which terminated the process.
  const auto path =
      std::filesystem::path(RESIDENCY_SOURCE_DIR) / "tests/fuzz/corpus/mmdb/regression-metadata-invalid-utf8.mmdb";
  REQUIRE(std::filesystem::exists(path));
  auto db = geo::Database::open(path, geo::Verify::always);
  if (!db) CHECK_FALSE(db.error().message.empty());
}

namespace {

geo::MmdbValue provider_entry(const char* provider, const char* region, const char* service,
                              const char* country = nullptr) {
  std::vector<std::pair<std::string, geo::MmdbValue>> fields{{"provider", geo::MmdbValue::string(provider)},
                                                             {"region", geo::MmdbValue::string(region)},
                                                             {"service", geo::MmdbValue::string(service)}};
  if (country != nullptr) fields.emplace_back("country", geo::MmdbValue::string(country));
  return geo::MmdbValue::map(fields);
}

}  // namespace

TEST_CASE("geo::reader: lookup_all_into gives lookup_all's answers while reusing one vector", "[geo]") {
  // One database of each layout the audit opens (country map, ASN, country code, provider feed),
  // plus a corrupt one: every answer of the reused vector must equal a fresh lookup_all, whatever
  // the previous address left in it (found, not found, an error, longer or shorter strings).
  const auto dir = geo_test::scratch("lookup-all-into");
  geo::WriterOptions country_options;
  country_options.database_type = "country ipvAll";
  country_options.build_epoch = 1780000000;
  geo::MmdbWriter country(country_options);
  country.insert(*core::parse_prefix("51.210.0.0/16"),
                 geo::MmdbValue::map({{"country_code", geo::MmdbValue::string("FR")}}));
  country.insert(*core::parse_prefix("2a01:4f8::/32"),
                 geo::MmdbValue::map({{"country_code", geo::MmdbValue::string("DE")}}));
  REQUIRE(country.write(dir / "country.mmdb"));
  geo::WriterOptions feed_options;
  feed_options.database_type = "residency-provider-ranges";
  feed_options.build_epoch = 1780000000;
  geo::MmdbWriter feed(feed_options);
  feed.insert(*core::parse_prefix("3.5.140.0/22"), provider_entry("aws", "ap-northeast-2", "S3"));
  feed.insert(*core::parse_prefix("13.32.0.0/15"),
              provider_entry("aws", "GLOBAL", "CLOUDFRONT_ORIGIN_FACING_AND_MORE", "US"));
  feed.insert(*core::parse_prefix("51.210.1.0/24"), provider_entry("ovh", "eu-west-gra-long-region-name", "x", "FR"));
  feed.insert(*core::parse_prefix("2600:1f00::/24"), provider_entry("aws", "us-east-1", "EC2"));
  REQUIRE(feed.write(dir / "providers.mmdb"));

  auto set = geo::DatabaseSet::open({fixture("GeoIP2-City-Test.mmdb"), fixture("GeoLite2-ASN-Test.mmdb"),
                                     dir / "country.mmdb", dir / "providers.mmdb"});
  REQUIRE(set);
  set->add(open_ok(corrupted("lookup-all-into-broken", 0, k_city_tree_bytes, '\xff'), geo::Verify::never));
  REQUIRE(set->databases().size() == 5);
  CHECK(set->databases()[2].info().schema == geo::Schema::ip_location_db_country);
  CHECK(set->databases()[3].info().schema == geo::Schema::residency_provider_ranges);
  // The same five with the record cache off: every answer decoded afresh, to compare with.
  geo::DatabaseSet uncached;
  for (const auto& db : set->databases()) {
    uncached.add(open_ok(db.info().path, geo::Verify::never, geo::CacheMode::off));
  }

  const char* addresses[] = {"81.2.69.160", "13.32.0.1",     "10.0.0.1",  "51.210.1.7", "1.128.0.1",
                             "2001:218::1", "2a01:4f8::1",   "3.5.140.9", "214.1.1.1",  "2600:1f00::5",
                             "51.210.9.9",  "89.160.20.112", "::1",       "13.32.0.1",  "81.2.69.160"};
  for (auto raw : {geo::RawEntry::skip, geo::RawEntry::include}) {
    std::vector<geo::SourcedAnswer> reused;
    int found = 0, errors = 0;
    for (int pass = 0; pass < 2; ++pass) {
      for (const char* text : addresses) {
        INFO(text);
        const auto fresh = set->lookup_all(ip(text), raw);
        set->lookup_all_into(ip(text), reused, raw);
        REQUIRE(reused.size() == fresh.size());
        const auto decoded = uncached.lookup_all(ip(text), raw);  // cached answers == uncached ones
        REQUIRE(decoded.size() == fresh.size());
        for (std::size_t i = 0; i < fresh.size(); ++i) check_same(fresh[i].result, decoded[i].result);
        for (std::size_t i = 0; i < fresh.size(); ++i) {
          INFO(fresh[i].source->path);
          CHECK(reused[i].source == fresh[i].source);
          REQUIRE(reused[i].result.has_value() == fresh[i].result.has_value());
          if (!fresh[i].result) {
            ++errors;
            CHECK(reused[i].result.error().message == fresh[i].result.error().message);
            CHECK(reused[i].result.error().where == fresh[i].result.error().where);
            continue;
          }
          REQUIRE(reused[i].result->has_value() == fresh[i].result->has_value());
          if (*fresh[i].result) {
            ++found;
            check_same(**reused[i].result, **fresh[i].result);
          }
        }
      }
    }
    CHECK(found > 20);  // the addresses hit each database
    CHECK(errors > 0);  // and the corrupt one fails, between answers
  }
  for (std::size_t i = 0; i < 4; ++i) {  // the repeated addresses were answered from the caches
    INFO(set->databases()[i].info().path);
    CHECK(set->databases()[i].cache_stats().hits > 0);
    CHECK(uncached.databases()[i].cache_stats().hits == 0);
    CHECK(uncached.databases()[i].cache_stats().slots == 0);
  }
  // The values themselves, for one address of each new database.
  std::vector<geo::SourcedAnswer> answers;
  set->lookup_all_into(ip("51.210.1.7"), answers);
  REQUIRE(answers[2].result);
  REQUIRE(*answers[2].result);
  CHECK((*answers[2].result)->country == "FR");
  CHECK((*answers[2].result)->network == *core::parse_prefix("51.210.0.0/16"));
  REQUIRE(answers[3].result);
  REQUIRE(*answers[3].result);
  CHECK((*answers[3].result)->region == "eu-west-gra-long-region-name");
  set->lookup_all_into(ip("2600:1f00::5"), answers);
  REQUIRE(*answers[3].result);
  CHECK((*answers[3].result)->region == "us-east-1");  // shorter, in the longer one's storage
  CHECK_FALSE((*answers[3].result)->country);          // not left over from 51.210.1.7
  CHECK_FALSE(*answers[2].result);                     // 2600:1f00::5 has no country here
}

TEST_CASE("geo::reader: a set's copy for another thread answers alike, from threads at once, after the set is gone",
          "[geo]") {
  // audit --jobs looks up from several threads, each through DatabaseSet::for_thread: the same
  // mapped files, a record cache of its own. Every answer equals the original's; the copies stay
  // usable once the original is destroyed; four threads looking up at once agree with it.
  auto set = geo::DatabaseSet::open({fixture("GeoIP2-City-Test.mmdb"), fixture("GeoLite2-ASN-Test.mmdb")});
  REQUIRE(set);
  std::vector<core::IpAddress> addresses;
  for (const char* text : {"81.2.69.160", "2001:218::1", "89.160.20.112", "1.128.0.1", "10.0.0.1", "216.160.83.56",
                           "2a02:ff80::1", "175.16.199.1"}) {
    addresses.push_back(ip(text));
  }
  std::vector<std::vector<geo::SourcedAnswer>> expected;
  for (const auto& a : addresses) expected.push_back(set->lookup_all(a, geo::RawEntry::include));
  std::vector<std::string> paths;  // the answers' sources, which point into `set`
  for (const auto& db : set->databases()) paths.push_back(db.info().path);
  int found = 0;
  for (const auto& answers : expected) {
    for (const auto& answer : answers) found += answer.result && answer.result->has_value();
  }
  REQUIRE(found >= 8);  // the addresses hit both databases

  // Compared without Catch2's macros, which are not safe from several threads.
  auto same_record = [](const geo::GeoRecord& a, const geo::GeoRecord& b) {
    return std::tie(a.country, a.registered_country, a.asn, a.as_org, a.is_anycast, a.provider, a.region, a.service,
                    a.raw_json) == std::tie(b.country, b.registered_country, b.asn, b.as_org, b.is_anycast, b.provider,
                                            b.region, b.service, b.raw_json) &&
           a.network == b.network;
  };
  auto check_alike = [&](const geo::DatabaseSet& copy) {
    std::vector<geo::SourcedAnswer> answers;
    for (int pass = 0; pass < 50; ++pass) {
      for (std::size_t i = 0; i < addresses.size(); ++i) {
        copy.lookup_all_into(addresses[i], answers, geo::RawEntry::include);
        if (answers.size() != expected[i].size()) return false;
        for (std::size_t d = 0; d < answers.size(); ++d) {
          if (answers[d].source->path != paths.at(d)) return false;
          if (!answers[d].result || !expected[i][d].result) return false;
          if (answers[d].result->has_value() != expected[i][d].result->has_value()) return false;
          if (*answers[d].result && !same_record(**answers[d].result, **expected[i][d].result)) return false;
        }
      }
    }
    return true;
  };
  std::vector<geo::DatabaseSet> copies;
  for (int t = 0; t < 4; ++t) copies.push_back(set->for_thread());
  CHECK(copies[0].databases().size() == set->databases().size());
  CHECK(&copies[0].databases()[0].info() != &set->databases()[0].info());  // a set of its own
  CHECK(copies[0].databases()[0].info().path == set->databases()[0].info().path);
  { auto gone = std::move(*set); }  // the copies keep the files open
  std::vector<char> alike(copies.size(), 0);
  {
    std::vector<std::jthread> threads;
    for (std::size_t t = 0; t < copies.size(); ++t) threads.emplace_back([&, t] { alike[t] = check_alike(copies[t]); });
  }
  for (std::size_t t = 0; t < copies.size(); ++t) {
    INFO("thread " << t);
    CHECK(alike[t]);
    CHECK(copies[t].databases()[0].cache_stats().hits > 0);  // each copy's cache served its repeats
  }
}
