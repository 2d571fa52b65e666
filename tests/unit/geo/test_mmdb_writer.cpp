// geo::MmdbWriter: files written by the writer are read back with libmaxminddb (MMDB_MODE_MMAP)
// and mmdblookup, and compared with a naive longest-match model of the overlap rule.
#include "geo/mmdb_writer.hpp"

#include "mmdb_test_fixtures.hpp"

#include <arpa/inet.h>
#include <maxminddb.h>

#include <catch2/catch.hpp>

#include "support/run_command.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <unordered_map>

namespace {

using geo::MmdbValue;
using geo::MmdbWriter;
using geo::WriterOptions;

core::Prefix prefix(const char* text) {
  auto p = core::parse_prefix(text);
  REQUIRE(p);
  return *p;
}

WriterOptions options(int ip_version = 6, int record_size = 0) {
  WriterOptions o;
  o.database_type = "residency-test";
  o.description = {{"en", "writer test"}};
  o.languages = {"en"};
  o.ip_version = ip_version;
  o.build_epoch = 1796000000;
  o.record_size = record_size;
  return o;
}

// An open database, closed at scope exit.
struct Db {
  MMDB_s mmdb{};
  explicit Db(const std::filesystem::path& path) {
    const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &mmdb);
    INFO(MMDB_strerror(status));
    REQUIRE(status == MMDB_SUCCESS);
  }
  ~Db() { MMDB_close(&mmdb); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  MMDB_lookup_result_s lookup(const core::IpAddress& ip) {
    int error = 0;
    MMDB_lookup_result_s r{};
    if (ip.family == core::IpFamily::v4) {
      sockaddr_in sa{};
      sa.sin_family = AF_INET;
      std::memcpy(&sa.sin_addr, ip.bytes.data(), 4);
      r = MMDB_lookup_sockaddr(&mmdb, reinterpret_cast<const sockaddr*>(&sa), &error);
    } else {
      sockaddr_in6 sa{};
      sa.sin6_family = AF_INET6;
      std::memcpy(&sa.sin6_addr, ip.bytes.data(), 16);
      r = MMDB_lookup_sockaddr(&mmdb, reinterpret_cast<const sockaddr*>(&sa), &error);
    }
    if (error != MMDB_SUCCESS) FAIL(core::format_ip(ip) << ": " << MMDB_strerror(error));  // not REQUIRE: hot path
    return r;
  }
  MMDB_lookup_result_s lookup(const char* text) {
    auto ip = core::parse_ip(text);
    REQUIRE(ip);
    return lookup(*ip);
  }
  // The string at `path` of the record for `ip`, or nullopt.
  std::optional<std::string> string_at(const char* ip, std::vector<const char*> path) {
    auto r = lookup(ip);
    if (!r.found_entry) return std::nullopt;
    MMDB_entry_data_s data{};
    path.push_back(nullptr);
    if (MMDB_aget_value(&r.entry, &data, path.data()) != MMDB_SUCCESS || !data.has_data) return std::nullopt;
    REQUIRE(data.type == MMDB_DATA_TYPE_UTF8_STRING);
    return std::string(data.utf8_string, data.data_size);
  }
};

std::filesystem::path write_db(MmdbWriter& writer, const std::string& name) {
  auto path = geo_test::scratch("writer-" + name) / (name + ".mmdb");
  auto written = writer.write(path);
  INFO((written ? std::string() : written.error().to_string()));
  REQUIRE(written);
  return path;
}

MmdbValue country(const char* iso) { return MmdbValue::map({{"country", MmdbValue::map({{"iso_code", MmdbValue::string(iso)}})}}); }

// --- the naive model: longest match over a hash map keyed by (family, length, masked address) ---

using Key = std::pair<std::array<std::uint8_t, 17>, int>;
struct KeyHash {
  std::size_t operator()(const Key& k) const {
    std::size_t h = static_cast<std::size_t>(k.second);
    for (auto b : k.first) h = h * 131 + b;
    return h;
  }
};

core::IpAddress masked(core::IpAddress ip, int length) {
  for (int i = length; i < ip.bits(); ++i) ip.bytes[static_cast<std::size_t>(i / 8)] &= static_cast<std::uint8_t>(~(1u << (7 - i % 8)));
  return ip;
}

Key key_of(const core::IpAddress& ip, int length) {
  Key k;
  k.first[0] = static_cast<std::uint8_t>(ip.family);
  std::copy(ip.bytes.begin(), ip.bytes.end(), k.first.begin() + 1);
  k.second = length;
  return k;
}

class NaiveModel {
 public:
  void insert(const core::Prefix& p, std::uint32_t id) { m_map[key_of(p.address, p.length)] = id; }  // later wins
  std::optional<std::uint32_t> lookup(const core::IpAddress& ip) const {
    for (int len = ip.bits(); len >= 0; --len) {
      auto it = m_map.find(key_of(masked(ip, len), len));
      if (it != m_map.end()) return it->second;
    }
    return std::nullopt;
  }

 private:
  std::unordered_map<Key, std::uint32_t, KeyHash> m_map;
};

core::IpAddress last_address(const core::Prefix& p) {
  core::IpAddress ip = p.address;
  for (int i = p.length; i < ip.bits(); ++i) ip.bytes[static_cast<std::size_t>(i / 8)] |= static_cast<std::uint8_t>(1u << (7 - i % 8));
  return ip;
}

core::IpAddress step(core::IpAddress ip, int delta) {  // ±1 with wrap-around
  for (int i = ip.bits() / 8; i-- > 0;) {
    auto& b = ip.bytes[static_cast<std::size_t>(i)];
    const bool carry = delta > 0 ? b == 0xFF : b == 0x00;
    b = static_cast<std::uint8_t>(b + delta);
    if (!carry) break;
  }
  return ip;
}

// Random prefixes clustered under a few anchors so that they overlap a lot.
core::Prefix random_prefix(std::mt19937_64& rng) {
  static const std::array<std::array<std::uint8_t, 4>, 4> v4_anchors{{{10, 0, 0, 0}, {100, 64, 0, 0}, {192, 168, 0, 0}, {203, 0, 113, 0}}};
  static const std::array<std::array<std::uint8_t, 4>, 3> v6_anchors{{{0x20, 0x01, 0x0d, 0xb8}, {0x2a, 0x00, 0x14, 0x50}, {0x26, 0x00, 0x00, 0x00}}};
  core::IpAddress ip;
  std::uniform_int_distribution<int> byte(0, 255);
  int length = 0;
  if (rng() % 2 == 0) {
    ip.family = core::IpFamily::v4;
    const auto& a = v4_anchors[rng() % v4_anchors.size()];
    for (std::size_t i = 0; i < 4; ++i) ip.bytes[i] = static_cast<std::uint8_t>(i < 2 ? a[i] : byte(rng));
    length = std::uniform_int_distribution<int>(rng() % 50 == 0 ? 4 : 12, 32)(rng);
  } else {
    ip.family = core::IpFamily::v6;
    const auto& a = v6_anchors[rng() % v6_anchors.size()];
    for (std::size_t i = 0; i < 16; ++i) ip.bytes[i] = static_cast<std::uint8_t>(i < 4 ? a[i] : i < 8 ? byte(rng) % 4 : byte(rng));
    length = rng() % 10 == 0 ? std::uniform_int_distribution<int>(64, 128)(rng) : std::uniform_int_distribution<int>(rng() % 50 == 0 ? 8 : 24, 64)(rng);
  }
  return {masked(ip, length), length};
}

std::optional<std::uint32_t> id_of(MMDB_lookup_result_s& r) {
  if (!r.found_entry) return std::nullopt;
  MMDB_entry_data_s data{};
  if (MMDB_get_value(&r.entry, &data, "id", nullptr) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_UINT32) {
    FAIL("record without a uint32 id");
  }
  return data.uint32;
}

}  // namespace

TEST_CASE("geo::writer: 100k random overlapping prefixes match a naive longest-match model", "[geo]") {
  std::mt19937_64 rng(20261130);
  MmdbWriter writer(options());
  NaiveModel model;
  std::vector<core::Prefix> inserted;
  constexpr std::uint32_t k_count = 100000;
  for (std::uint32_t id = 0; id < k_count; ++id) {
    // One in twenty re-inserts an earlier prefix: the later value must win.
    const core::Prefix p = (id > 0 && rng() % 20 == 0) ? inserted[rng() % inserted.size()] : random_prefix(rng);
    writer.insert(p, MmdbValue::map({{"id", MmdbValue::uint32(id)}}));
    model.insert(p, id);
    inserted.push_back(p);
  }
  REQUIRE(writer.size() == k_count);
  const auto path = write_db(writer, "random");
  Db db(path);
  CHECK(db.mmdb.metadata.node_count == writer.stats().node_count);
  CHECK(db.mmdb.metadata.record_size == static_cast<std::uint16_t>(writer.stats().record_size));

  std::size_t checked = 0, found = 0, mismatches = 0;
  auto check = [&](const core::IpAddress& ip) {
    auto r = db.lookup(ip);
    const auto got = id_of(r);
    const auto want = model.lookup(ip);
    if (got != want && ++mismatches <= 5) {
      UNSCOPED_INFO(core::format_ip(ip) << ": want " << (want ? std::to_string(*want) : "none") << ", got "
                                        << (got ? std::to_string(*got) : "none"));
    }
    ++checked;
    found += got.has_value();
  };
  // Every prefix boundary (first, last, and the addresses just outside) of a large sample,
  // plus random addresses near the anchors.
  for (std::size_t i = 0; i < inserted.size(); i += 3) {
    const core::Prefix& p = inserted[i];
    const core::IpAddress last = last_address(p);
    check(p.address);
    check(last);
    check(step(p.address, -1));
    check(step(last, +1));
  }
  for (int i = 0; i < 20000; ++i) check(random_prefix(rng).address);
  CHECK(mismatches == 0);
  CHECK(checked > 150000);
  CHECK(found > checked / 2);  // the sample mostly hits data, so the comparison is not vacuous
}

TEST_CASE("geo::writer: IPv4 is reachable through ::/96 and ::ffff:0:0/96 alike", "[geo]") {
  MmdbWriter writer(options());
  writer.insert(prefix("1.2.3.0/24"), country("FR"));
  writer.insert(prefix("::ffff:5.6.7.0/120"), country("DE"));  // an IPv4-mapped prefix is IPv4
  writer.insert(prefix("2001:db8::/32"), country("US"));
  Db db(write_db(writer, "alias"));
  auto a = db.lookup("1.2.3.4");
  auto b = db.lookup("::1.2.3.4");
  auto c = db.lookup("::ffff:1.2.3.4");
  REQUIRE(a.found_entry);
  REQUIRE(b.found_entry);
  REQUIRE(c.found_entry);
  CHECK(a.entry.offset == b.entry.offset);
  CHECK(a.entry.offset == c.entry.offset);
  CHECK(db.string_at("::ffff:1.2.3.255", {"country", "iso_code"}) == "FR");
  CHECK(db.string_at("5.6.7.8", {"country", "iso_code"}) == "DE");
  CHECK(db.string_at("::ffff:5.6.7.8", {"country", "iso_code"}) == "DE");
  CHECK(db.string_at("2001:db8:1::1", {"country", "iso_code"}) == "US");
  CHECK_FALSE(db.lookup("1.2.4.0").found_entry);
  CHECK_FALSE(db.lookup("2001:db9::").found_entry);
}

TEST_CASE("geo::writer: more specific wins whatever the order / the same prefix again replaces", "[geo]") {
  MmdbWriter writer(options());
  writer.insert(prefix("10.1.2.0/24"), country("FR"));
  writer.insert(prefix("10.1.0.0/16"), country("DE"));  // less specific, inserted later
  writer.insert(prefix("10.9.0.0/16"), country("IT"));
  writer.insert(prefix("10.9.0.0/16"), country("ES"));  // same prefix: the later value wins
  writer.insert(prefix("2001:db8::/32"), country("US"));
  writer.insert(prefix("2001:db8:ff::/48"), country("CA"));
  Db db(write_db(writer, "overlap"));
  CHECK(db.string_at("10.1.2.77", {"country", "iso_code"}) == "FR");
  CHECK(db.string_at("10.1.3.1", {"country", "iso_code"}) == "DE");
  CHECK(db.string_at("10.1.1.255", {"country", "iso_code"}) == "DE");
  CHECK(db.string_at("10.9.200.1", {"country", "iso_code"}) == "ES");
  CHECK(db.string_at("2001:db8:ff::1", {"country", "iso_code"}) == "CA");
  CHECK(db.string_at("2001:db8:fe::1", {"country", "iso_code"}) == "US");
  CHECK(writer.stats().prefixes == 5);
}

TEST_CASE("geo::writer: record sizes 24 / 28 and 32 all read back", "[geo]") {
  for (int bits : {24, 28, 32}) {
    MmdbWriter writer(options(6, bits));
    writer.insert(prefix("1.2.3.0/24"), country("FR"));
    writer.insert(prefix("2001:db8::/32"), country("US"));
    Db db(write_db(writer, "size" + std::to_string(bits)));
    INFO("record size " << bits);
    CHECK(db.mmdb.metadata.record_size == bits);
    CHECK(db.string_at("1.2.3.4", {"country", "iso_code"}) == "FR");
    CHECK(db.string_at("2001:db8::1", {"country", "iso_code"}) == "US");
    CHECK_FALSE(db.lookup("9.9.9.9").found_entry);
  }
}

TEST_CASE("geo::writer: the record size grows to 28 bits when the data section passes 16 MiB", "[geo]") {
  // 80 records of 210 KB: more data than 24-bit records can address.
  auto build = [](int forced) {
    MmdbWriter writer(options(6, forced));
    for (int i = 0; i < 80; ++i) {
      const std::string blob = std::string(210 * 1000, static_cast<char>('a' + i % 26)) + std::to_string(i);  // distinct
      writer.insert(core::Prefix{core::IpAddress{core::IpFamily::v4, {10, static_cast<std::uint8_t>(i)}}, 16},
                    MmdbValue::map({{"blob", MmdbValue::string(blob)}, {"i", MmdbValue::uint16(static_cast<std::uint16_t>(i))}}));
    }
    return writer;
  };
  MmdbWriter automatic = build(0);
  Db db(write_db(automatic, "auto28"));
  CHECK(automatic.stats().record_size == 28);
  CHECK(db.mmdb.metadata.record_size == 28);
  auto r = db.lookup("10.79.1.1");
  REQUIRE(r.found_entry);
  MMDB_entry_data_s data{};
  REQUIRE(MMDB_get_value(&r.entry, &data, "i", nullptr) == MMDB_SUCCESS);
  CHECK(data.uint16 == 79);

  MmdbWriter forced = build(24);
  auto bytes = forced.serialize();
  REQUIRE_FALSE(bytes);
  CHECK_THAT(bytes.error().message, Catch::Contains("record size 24 too small"));
}

TEST_CASE("geo::writer: identical records are stored once", "[geo]") {
  MmdbWriter writer(options());
  for (int i = 0; i < 1000; ++i) {
    writer.insert(core::Prefix{core::IpAddress{core::IpFamily::v4, {10, static_cast<std::uint8_t>(i % 256), static_cast<std::uint8_t>(i / 256)}}, 24},
                  MmdbValue::map({{"provider", MmdbValue::string("aws")}, {"region", MmdbValue::string("eu-west-3")}}));
  }
  writer.insert(prefix("192.0.2.0/24"), MmdbValue::map({{"provider", MmdbValue::string("azure")}, {"region", MmdbValue::string("eu-west-3")}}));
  Db db(write_db(writer, "dedup"));
  CHECK(writer.stats().records == 2);
  CHECK(writer.stats().prefixes == 1001);
  auto a = db.lookup("10.0.0.1");
  auto b = db.lookup("10.200.3.1");
  REQUIRE(a.found_entry);
  REQUIRE(b.found_entry);
  CHECK(a.entry.offset == b.entry.offset);
  // The second record points at the first one's "provider"/"region" strings and still reads back.
  CHECK(db.string_at("192.0.2.1", {"provider"}) == "azure");
  CHECK(db.string_at("192.0.2.1", {"region"}) == "eu-west-3");
}

TEST_CASE("geo::writer: every value type reads back through libmaxminddb", "[geo]") {
  MmdbWriter writer(options(4));
  writer.insert(prefix("198.51.100.0/24"),
                MmdbValue::map({{"s", MmdbValue::string(std::string(300, 'x'))},
                                {"u16", MmdbValue::uint16(65535)},
                                {"u32", MmdbValue::uint32(4000000000u)},
                                {"u64", MmdbValue::uint64(1ull << 40)},
                                {"i32", MmdbValue::int32(-42)},
                                {"b", MmdbValue::boolean(true)},
                                {"d", MmdbValue::real(2.5)},
                                {"a", MmdbValue::array({MmdbValue::uint32(7), MmdbValue::string("x")})}}));
  Db db(write_db(writer, "types"));
  CHECK(db.mmdb.metadata.ip_version == 4);
  CHECK(db.mmdb.metadata.build_epoch == 1796000000);
  CHECK(std::string(db.mmdb.metadata.database_type) == "residency-test");
  auto r = db.lookup("198.51.100.9");
  REQUIRE(r.found_entry);
  MMDB_entry_data_s d{};
  REQUIRE(MMDB_get_value(&r.entry, &d, "s", nullptr) == MMDB_SUCCESS);
  CHECK(d.data_size == 300);
  REQUIRE(MMDB_get_value(&r.entry, &d, "u16", nullptr) == MMDB_SUCCESS);
  CHECK(d.uint16 == 65535);
  REQUIRE(MMDB_get_value(&r.entry, &d, "u32", nullptr) == MMDB_SUCCESS);
  CHECK(d.uint32 == 4000000000u);
  REQUIRE(MMDB_get_value(&r.entry, &d, "u64", nullptr) == MMDB_SUCCESS);
  CHECK(d.uint64 == (1ull << 40));
  REQUIRE(MMDB_get_value(&r.entry, &d, "i32", nullptr) == MMDB_SUCCESS);
  CHECK(d.int32 == -42);
  REQUIRE(MMDB_get_value(&r.entry, &d, "b", nullptr) == MMDB_SUCCESS);
  CHECK(d.boolean);
  REQUIRE(MMDB_get_value(&r.entry, &d, "d", nullptr) == MMDB_SUCCESS);
  CHECK(d.double_value == 2.5);
  REQUIRE(MMDB_get_value(&r.entry, &d, "a", "1", nullptr) == MMDB_SUCCESS);
  CHECK(std::string(d.utf8_string, d.data_size) == "x");
}

TEST_CASE("geo::writer: an IPv4 database rejects IPv6 prefixes", "[geo]") {
  MmdbWriter writer(options(4));
  writer.insert(prefix("1.2.3.0/24"), country("FR"));
  writer.insert(prefix("2001:db8::/32"), country("US"));
  auto bytes = writer.serialize();
  REQUIRE_FALSE(bytes);
  CHECK_THAT(bytes.error().message, Catch::Contains("IPv6 prefix 2001:db8::/32 in an IPv4 database"));
}

TEST_CASE("geo::writer: mmdblookup reads our files", "[geo]") {
  REQUIRE(std::filesystem::exists("/usr/bin/mmdblookup"));  // installed by the test set-up (mmdb-bin)
  MmdbWriter writer(options());
  writer.insert(prefix("1.2.3.0/24"), MmdbValue::map({{"country", MmdbValue::map({{"iso_code", MmdbValue::string("FR")}})},
                                                      {"autonomous_system_number", MmdbValue::uint32(13335)}}));
  const auto path = write_db(writer, "mmdblookup");
  auto run = [&](const std::string& args) {
    auto r = test_support::run("/usr/bin/mmdblookup --file " + test_support::shell_quote(path.string()) + " " + args);
    CHECK(r.status == 0);
    return r.output;
  };
  CHECK_THAT(run("--ip 1.2.3.4 country iso_code"), Catch::Contains("\"FR\" <utf8_string>"));
  CHECK_THAT(run("--ip ::ffff:1.2.3.4 autonomous_system_number"), Catch::Contains("13335 <uint32>"));
  CHECK_THAT(run("--ip 1.2.3.4 --verbose"), Catch::Contains("residency-test"));
}

TEST_CASE("geo::MmdbValue: maps sort keys / keep the last duplicate / compare by value", "[geo]") {
  auto m = MmdbValue::map({{"b", MmdbValue::uint32(1)}, {"a", MmdbValue::string("x")}, {"b", MmdbValue::uint32(2)}});
  REQUIRE(m.entries().size() == 2);
  CHECK(m.entries()[0].first == "a");
  REQUIRE(m.find("b") != nullptr);
  CHECK(m.find("b")->as_uint() == 2);
  CHECK(m.find("zz") == nullptr);
  CHECK(m == MmdbValue::map({{"a", MmdbValue::string("x")}, {"b", MmdbValue::uint32(2)}}));
  CHECK_FALSE(m == MmdbValue::map({{"a", MmdbValue::string("x")}, {"b", MmdbValue::uint64(2)}}));
  CHECK(MmdbValue::uint32(1) < MmdbValue::uint32(2));
  m.set("c", MmdbValue::boolean(false));
  CHECK(m.to_string() == R"({"a":"x","b":2,"c":false})");
}
