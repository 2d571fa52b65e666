// geo importers: each vendor format on a small real fixture (tests/data/ranges, see SOURCE.md),
// error messages with file:line or JSON position, the range→CIDR cover, build_range_database,
// the `geoip build` command, and (when /work/shared is present) the full real feeds.
#include "geo/importers.hpp"

#include "mmdb_test_fixtures.hpp"

#include <maxminddb.h>

#include <catch2/catch.hpp>

#include "support/run_command.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <sys/wait.h>

namespace {

namespace fs = std::filesystem;
using geo::RangeFormat;

fs::path ranges(const std::string& name) { return fs::path(RESIDENCY_SOURCE_DIR) / "tests" / "data" / "ranges" / name; }

geo::RangeTable import(RangeFormat format, const std::string& name) {
  auto table = geo::import_ranges(format, ranges(name));
  INFO((table ? std::string() : table.error().to_string()));
  REQUIRE(table);
  return *table;
}

// Prefix text → the record's rendering, for the rows of a table (the last row wins on repeats).
std::map<std::string, std::string> rows_of(const geo::RangeTable& t) {
  std::map<std::string, std::string> out;
  for (const auto& row : t.rows) out[core::format_prefix(row.prefix)] = t.records.at(row.record).to_string();
  return out;
}

std::string error_of(RangeFormat format, std::string_view text, std::string_view source = "feed") {
  auto table = geo::parse_ranges(format, text, source);
  REQUIRE_FALSE(table);
  return table.error().to_string();
}

std::vector<std::string> cover(const char* first, const char* last) {
  std::vector<std::string> out;
  for (const auto& p : core::range_to_prefixes(*core::parse_ip(first), *core::parse_ip(last))) out.push_back(core::format_prefix(p));
  return out;
}

// The reference cover: split the address space recursively, keep blocks inside [first, last].
void reference_cover(const core::IpAddress& node, int length, const core::IpAddress& first, const core::IpAddress& last,
                     std::vector<core::Prefix>& out) {
  core::IpAddress node_last = node;
  for (int i = length; i < node.bits(); ++i) node_last.bytes[static_cast<std::size_t>(i / 8)] |= static_cast<std::uint8_t>(1u << (7 - i % 8));
  if (node_last < first || last < node) return;
  if (!(node < first) && !(last < node_last)) {
    out.push_back({node, length});
    return;
  }
  core::IpAddress right = node;
  right.bytes[static_cast<std::size_t>(length / 8)] |= static_cast<std::uint8_t>(1u << (7 - length % 8));
  reference_cover(node, length + 1, first, last, out);
  reference_cover(right, length + 1, first, last, out);
}

using Run = test_support::RunResult;

Run run_residency(const std::string& args) { return test_support::run(std::string(RESIDENCY_BINARY) + " " + args); }

std::string lookup_string(const fs::path& db, const char* ip, const char* key) {
  MMDB_s mmdb{};
  REQUIRE(MMDB_open(db.c_str(), MMDB_MODE_MMAP, &mmdb) == MMDB_SUCCESS);
  int gai = 0, err = 0;
  auto r = MMDB_lookup_string(&mmdb, ip, &gai, &err);
  std::string out = "(none)";
  MMDB_entry_data_s d{};
  if (r.found_entry && MMDB_get_value(&r.entry, &d, key, nullptr) == MMDB_SUCCESS && d.has_data) {
    out = d.type == MMDB_DATA_TYPE_UTF8_STRING ? std::string(d.utf8_string, d.data_size) : std::to_string(d.uint32);
  }
  MMDB_close(&mmdb);
  return out;
}

}  // namespace

TEST_CASE("geo::importers: asn-csv gives GeoLite2-ASN-shaped records and minimal CIDR sets", "[geo]") {
  auto t = import(RangeFormat::asn_csv, "asn.csv");
  CHECK(t.rows.size() == 22);  // what Python's ipaddress.summarize_address_range gives for the 10 lines
  CHECK(t.records.size() == 9);  // WIDE Project appears twice with the same record
  auto rows = rows_of(t);
  CHECK(rows["1.0.0.0/24"] == R"({"autonomous_system_number":13335,"autonomous_system_organization":"Cloudflare, Inc."})");
  CHECK(rows["2.26.200.0/21"] == R"({"autonomous_system_number":201907,"autonomous_system_organization":"LLC \"SPUTNIK\""})");
  CHECK(rows["2.26.208.0/21"] == rows["2.26.200.0/21"]);
  CHECK(rows["2001:200:1bb::/48"] == R"({"autonomous_system_number":2500,"autonomous_system_organization":"WIDE Project"})");
  CHECK(rows.count("2001:200:c00::/39") == 1);
  CHECK(geo::database_type_of(RangeFormat::asn_csv) == "residency-asn");
}

TEST_CASE("geo::importers: range to CIDR cover on edge ranges", "[geo]") {
  CHECK(cover("0.0.0.0", "255.255.255.255") == std::vector<std::string>{"0.0.0.0/0"});
  CHECK(cover("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == std::vector<std::string>{"::/0"});
  CHECK(cover("10.0.0.7", "10.0.0.7") == std::vector<std::string>{"10.0.0.7/32"});
  CHECK(cover("255.255.255.255", "255.255.255.255") == std::vector<std::string>{"255.255.255.255/32"});
  CHECK(cover("0.0.0.1", "255.255.255.254").size() == 62);
  CHECK(cover("2001:200:1bb::", "2001:200:dff:ffff:ffff:ffff:ffff:ffff") ==
        std::vector<std::string>{"2001:200:1bb::/48", "2001:200:1bc::/46", "2001:200:1c0::/42", "2001:200:200::/39",
                                 "2001:200:400::/38", "2001:200:800::/38", "2001:200:c00::/39"});
  CHECK(cover("::1", "::").empty());
  CHECK(cover("1.2.3.4", "::1").empty());

  // Random ranges (including ones that touch the ends of the space) against a reference cover.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 600; ++i) {
    const bool v6 = i % 3 == 0;
    core::IpAddress a{v6 ? core::IpFamily::v6 : core::IpFamily::v4, {}};
    core::IpAddress b = a;
    for (int j = 0; j < a.bits() / 8; ++j) {
      const auto byte = static_cast<std::uint8_t>(rng());
      a.bytes[static_cast<std::size_t>(j)] = byte;
      // Share a random number of leading bytes so that ranges are of every size.
      b.bytes[static_cast<std::size_t>(j)] = j < static_cast<int>(rng() % 4) ? byte : static_cast<std::uint8_t>(rng());
    }
    if (i % 50 == 1) a.bytes.fill(0);
    if (i % 50 == 2) std::fill(b.bytes.begin(), b.bytes.begin() + b.bits() / 8, std::uint8_t{0xFF});
    if (b < a) std::swap(a, b);
    std::vector<core::Prefix> want;
    reference_cover(core::IpAddress{a.family, {}}, 0, a, b, want);
    INFO(core::format_ip(a) << " - " << core::format_ip(b));
    REQUIRE(core::range_to_prefixes(a, b) == want);
  }
}

TEST_CASE("geo::importers: asn-csv errors name file:line", "[geo]") {
  const std::string good = "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n";
  CHECK_THAT(error_of(RangeFormat::asn_csv, good + "\n1.0.4.0,1.0.7.255,38803\n", "asn.csv"),
             Catch::Contains("asn.csv:3: expected 4 fields (start_ip,end_ip,asn,org), got 3"));
  CHECK_THAT(error_of(RangeFormat::asn_csv, good + "1.0.4.x,1.0.7.255,38803,X\n", "asn.csv"),
             Catch::Contains("asn.csv:2: bad start IP: '1.0.4.x'"));
  CHECK_THAT(error_of(RangeFormat::asn_csv, "1.0.7.255,1.0.4.0,1,X\n", "asn.csv"), Catch::Contains("asn.csv:1: bad range"));
  CHECK_THAT(error_of(RangeFormat::asn_csv, "1.0.0.0,::1,1,X\n", "asn.csv"), Catch::Contains("asn.csv:1: bad range"));
  CHECK_THAT(error_of(RangeFormat::asn_csv, "1.0.0.0,1.0.0.1,AS13335,X\n", "asn.csv"), Catch::Contains("asn.csv:1: bad AS number: 'AS13335'"));
  CHECK_THAT(error_of(RangeFormat::asn_csv, "1.0.0.0,1.0.0.1,1,\"Cloudflare, Inc.\n", "asn.csv"),
             Catch::Contains("asn.csv:1: unbalanced quotes"));
}

TEST_CASE("geo::importers: aws prefers a specific service over AMAZON", "[geo]") {
  auto rows = rows_of(import(RangeFormat::aws, "aws-ip-ranges.json"));
  CHECK(rows["35.180.0.0/16"] == R"({"provider":"aws","region":"eu-west-3","service":"EC2"})");  // EC2 and AMAZON
  CHECK(rows["52.93.198.0/25"] == R"({"provider":"aws","region":"eu-west-3","service":"AMAZON"})");  // AMAZON only
  bool global = false, ipv6 = false;
  for (const auto& [p, r] : rows) {
    global = global || r.find(R"("region":"GLOBAL")") != std::string::npos;
    ipv6 = ipv6 || p.find(':') != std::string::npos;
  }
  CHECK(global);
  CHECK(ipv6);
}

TEST_CASE("geo::importers: azure keeps regional records over regionless ones", "[geo]") {
  auto rows = rows_of(import(RangeFormat::azure, "azure-servicetags.json"));
  // Listed by AzureCloud.centralfrance and by the global AzureCloud tag.
  CHECK(rows["4.176.0.0/16"] == R"({"provider":"azure","region":"centralfrance","service":"AzureCloud"})");
  CHECK(rows["2603:1020:800::/47"] == R"({"provider":"azure","region":"centralfrance","service":"AzureCloud"})");
  // Listed by Storage.FranceCentral, AzureCloud.centralfrance and AzureCloud: the specific service.
  CHECK(rows["20.33.132.0/24"] == R"({"provider":"azure","region":"centralfrance","service":"Storage"})");
  // Regionless ActionGroup prefix inside AzureCloud.centralfrance's 98.66.128.0/17: dropped.
  CHECK(rows.count("98.66.132.188/30") == 0);
  CHECK(rows["98.66.128.0/17"] == R"({"provider":"azure","region":"centralfrance","service":"AzureCloud"})");
  // Regionless prefixes no regional prefix covers stay, without a region.
  CHECK(rows["4.145.74.52/30"] == R"({"provider":"azure","service":"ActionGroup"})");
  CHECK(rows["9.160.0.0/17"] == R"({"provider":"azure","service":"AzureCloud"})");
  CHECK(rows["4.156.0.0/15"] == R"({"provider":"azure","region":"eastus","service":"AzureCloud"})");
}

TEST_CASE("geo::importers: gcp and plain csv", "[geo]") {
  auto gcp = rows_of(import(RangeFormat::gcp, "gcp-cloud.json"));
  CHECK(gcp.size() == 6);
  CHECK(gcp["34.155.0.0/16"] == R"({"provider":"gcp","region":"europe-west9","service":"Google Cloud"})");

  auto csv = rows_of(import(RangeFormat::csv, "plain.csv"));
  CHECK(csv.size() == 4);
  CHECK(csv["51.15.0.0/16"] == R"({"country":"FR","provider":"scaleway","region":"fr-par"})");
  CHECK(csv["51.15.128.0/17"] == R"({"country":"NL","provider":"scaleway","region":"nl-ams"})");
  CHECK(csv["2001:bc8::/32"] == R"({"country":"FR","provider":"scaleway"})");
  CHECK(csv["198.51.100.0/24"] == R"({"provider":"example","region":"region, with comma"})");
}

TEST_CASE("geo::importers: csv and JSON errors say where", "[geo]") {
  const std::string head = "cidr,provider,region,country\n# comment\n";
  CHECK_THAT(error_of(RangeFormat::csv, head + "10.0.0.0/33,x,,\n", "r.csv"), Catch::Contains("r.csv:3: prefix length 33 too long"));
  CHECK_THAT(error_of(RangeFormat::csv, head + "10.0.0.1/8,x,,\n", "r.csv"), Catch::Contains("r.csv:3: host bits set"));
  CHECK_THAT(error_of(RangeFormat::csv, head + "10.0.0.0/8,x\n", "r.csv"), Catch::Contains("r.csv:3: expected 4 fields"));
  CHECK_THAT(error_of(RangeFormat::csv, head + "10.0.0.0/8,x,r,France\n", "r.csv"), Catch::Contains("r.csv:3: country must be"));
  CHECK_THAT(error_of(RangeFormat::csv, head + "10.0.0.0/8,,r,FR\n", "r.csv"), Catch::Contains("r.csv:3: empty provider"));

  CHECK_THAT(error_of(RangeFormat::aws, "{\"prefixes\": [ {\"ip_prefix\": } ] }", "ip-ranges.json"),
             Catch::Contains("ip-ranges.json: byte 30: invalid JSON"));
  CHECK_THAT(error_of(RangeFormat::aws, R"({"prefixes": [{"ip_prefix": "1.2.3.0/24", "service": "EC2"}]})", "ip-ranges.json"),
             Catch::Contains("ip-ranges.json: prefixes[0].region: missing"));
  CHECK_THAT(error_of(RangeFormat::aws, R"({"prefixes": [{"ip_prefix": "1.2.3.0/244", "region": "r", "service": "EC2"}]})", "a.json"),
             Catch::Contains("a.json: prefixes[0].ip_prefix: prefix length 244 too long"));
  CHECK_THAT(error_of(RangeFormat::azure, R"({"values": [{"name": "X", "properties": {"addressPrefixes": [7]}}]})", "tags.json"),
             Catch::Contains("tags.json: values[0].properties.addressPrefixes[0]: expected a string"));
  CHECK_THAT(error_of(RangeFormat::gcp, R"({"prefixes": {}})", "cloud.json"), Catch::Contains("cloud.json: prefixes: expected an array"));
  CHECK_THAT(error_of(RangeFormat::gcp, "[]", "cloud.json"), Catch::Contains("cloud.json: (root): expected an object"));
}

TEST_CASE("geo::importers: --from parsing and format names", "[geo]") {
  auto in = geo::parse_range_input("aws:/tmp/ip-ranges.json");
  REQUIRE(in);
  CHECK(in->format == RangeFormat::aws);
  CHECK(in->file == "/tmp/ip-ranges.json");
  auto bad = geo::parse_range_input("asn_csv:x.csv");
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Catch::Contains("did you mean 'asn-csv'?"));
  CHECK_FALSE(geo::parse_range_input("aws"));
  CHECK(geo::range_format_name(RangeFormat::asn_csv) == "asn-csv");
}

TEST_CASE("geo::importers: build merges inputs: more specific wins / then the later input", "[geo]") {
  const auto dir = geo_test::scratch("build-merge");
  geo_test::write_bytes(dir / "a.csv", "10.0.0.0/8,first,r1,\n10.1.0.0/16,first,r2,\n");
  geo_test::write_bytes(dir / "b.csv", "10.0.0.0/8,second,r3,\n");
  auto summary = geo::build_range_database({{RangeFormat::csv, dir / "a.csv"}, {RangeFormat::csv, dir / "b.csv"}},
                                           dir / "out.mmdb", 1796000000);
  REQUIRE(summary);
  CHECK(summary->inputs == 2);
  CHECK(summary->rows == 3);
  CHECK(summary->stats.prefixes == 2);
  CHECK(summary->database_type == "residency-provider-ranges");
  CHECK(lookup_string(dir / "out.mmdb", "10.1.2.3", "provider") == "first");  // more specific
  CHECK(lookup_string(dir / "out.mmdb", "10.2.0.1", "provider") == "second");  // later input

  auto mixed = geo::build_range_database({{RangeFormat::csv, dir / "a.csv"}, {RangeFormat::asn_csv, dir / "a.csv"}},
                                         dir / "mixed.mmdb", 1796000000);
  REQUIRE_FALSE(mixed);
  CHECK(mixed.error().code == core::ErrorCode::usage);
  CHECK_FALSE(fs::exists(dir / "mixed.mmdb"));
  auto missing = geo::build_range_database({{RangeFormat::csv, dir / "nope.csv"}}, dir / "x.mmdb", 1796000000);
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().to_string(), Catch::Contains("nope.csv"));
}

TEST_CASE("geo::importers: residency geoip build", "[geo]") {
  const auto dir = geo_test::scratch("cli-build");
  const std::string out = (dir / "providers.mmdb").string();
  auto ok = run_residency("geoip build --from aws:" + ranges("aws-ip-ranges.json").string() + " --from azure:" +
                          ranges("azure-servicetags.json").string() + " --from gcp:" + ranges("gcp-cloud.json").string() +
                          " --from csv:" + ranges("plain.csv").string() + " -o " + out);
  INFO(ok.output);
  REQUIRE(ok.status == 0);
  CHECK_THAT(ok.output, Catch::Contains("geoip build: 4 inputs") && Catch::Contains("record size 24"));
  CHECK(lookup_string(out, "35.180.1.1", "service") == "EC2");
  CHECK(lookup_string(out, "::ffff:4.176.1.1", "region") == "centralfrance");
  CHECK(lookup_string(out, "51.15.200.1", "country") == "NL");

  auto asn = run_residency("geoip build --from asn-csv:" + ranges("asn.csv").string() + " -o " + (dir / "asn.mmdb").string());
  REQUIRE(asn.status == 0);
  CHECK(lookup_string(dir / "asn.mmdb", "1.0.0.1", "autonomous_system_organization") == "Cloudflare, Inc.");
  CHECK(lookup_string(dir / "asn.mmdb", "2001:200:1ba::1", "autonomous_system_number") == "24047");

  auto mixed = run_residency("geoip build --from asn-csv:" + ranges("asn.csv").string() + " --from aws:" +
                             ranges("aws-ip-ranges.json").string() + " -o " + (dir / "mixed.mmdb").string());
  CHECK(mixed.status == 2);
  CHECK_THAT(mixed.output, Catch::Contains("cannot mix asn-csv"));
  auto typo = run_residency("geoip build --from awz:x.json -o " + (dir / "t.mmdb").string());
  CHECK(typo.status == 2);
  CHECK_THAT(typo.output, Catch::Contains("did you mean 'aws'?"));
  auto bad = run_residency("geoip build --from csv:" + (dir / "nope.csv").string() + " -o " + (dir / "n.mmdb").string());
  CHECK(bad.status == 2);
  CHECK_FALSE(fs::exists(dir / "n.mmdb"));
}

TEST_CASE("geo::importers: the full real feeds (when the shared data set is present)", "[geo]") {
  const fs::path shared = fs::path(RESIDENCY_SOURCE_DIR) / ".." / "shared" / "data" / "cloud-ip-ranges";
  if (!fs::exists(shared / "aws-ip-ranges.json")) {
    WARN("skipped: " << shared.string() << " is absent");
    return;
  }
  auto aws = geo::import_ranges(RangeFormat::aws, shared / "aws-ip-ranges.json");
  auto azure = geo::import_ranges(RangeFormat::azure, shared / "microsoft-azure-ip-ranges.json");
  auto gcp = geo::import_ranges(RangeFormat::gcp, shared / "google-cloud-ip-ranges.json");
  REQUIRE(aws);
  REQUIRE(azure);
  REQUIRE(gcp);
  CHECK(aws->rows.size() == 6850 + 2216);  // distinct IPv4 + IPv6 prefixes of the July 2025 snapshot
  CHECK(gcp->rows.size() == 782);
  CHECK(azure->rows.size() > 30000);
  auto rows = rows_of(*azure);
  CHECK(rows["40.79.128.0/20"] == R"({"provider":"azure","region":"centralfrance","service":"AzureCloud"})");
  CHECK(rows.count("40.79.131.128/27") == 0);  // regionless AzureActiveDirectory inside centralfrance
  geo::MmdbWriter writer(geo::WriterOptions{"residency-provider-ranges", {}, {"en"}, 6, 1796000000, 0});
  for (const auto* t : {&*aws, &*azure, &*gcp}) geo::add_to_writer(*t, writer);
  const auto path = geo_test::scratch("real-feeds") / "providers.mmdb";
  REQUIRE(writer.write(path));
  CHECK(lookup_string(path, "35.180.1.1", "region") == "eu-west-3");
  CHECK(lookup_string(path, "40.79.131.130", "region") == "centralfrance");
  CHECK(lookup_string(path, "34.155.1.1", "region") == "europe-west9");
}
