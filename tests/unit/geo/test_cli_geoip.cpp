// `residency geoip info` and `residency geoip lookup`, run as a user would: the built binary
// (RESIDENCY_BINARY) with stdout, stderr and the exit code captured.
#include "geo/mmdb_writer.hpp"

#include "mmdb_test_fixtures.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

using geo_test::fixture;
namespace fs = std::filesystem;

namespace {

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

std::string quote(const std::string& s) { return "'" + s + "'"; }

// Run the binary with `args` (already quoted), RESIDENCY_GEOIP unset unless `env` sets it.
Run run(const std::string& args, const std::string& env = "") {
  static int counter = 0;
  const fs::path dir = geo_test::scratch("cli-run-" + std::to_string(counter++));
  const std::string cmd = "env -u RESIDENCY_GEOIP " + env + " " + quote(RESIDENCY_BINARY) + " " + args + " >" +
                          quote((dir / "out").string()) + " 2>" + quote((dir / "err").string());
  const int status = std::system(cmd.c_str());
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = geo_test::read_bytes(dir / "out");
  r.err = geo_test::read_bytes(dir / "err");
  return r;
}

std::string db(const char* name) { return quote(fixture(name).string()); }

fs::path provider_db() {
  geo::WriterOptions options;
  options.database_type = "residency-provider-ranges";
  options.build_epoch = 1780000000;
  geo::MmdbWriter writer(options);
  auto prefix = core::parse_prefix("15.236.0.0/15");
  REQUIRE(prefix);
  writer.insert(*prefix, geo::MmdbValue::map({{"provider", geo::MmdbValue::string("aws")},
                                              {"region", geo::MmdbValue::string("eu-west-3")},
                                              {"service", geo::MmdbValue::string("EC2")}}));
  auto path = geo_test::scratch("cli-provider") / "provider.mmdb";
  REQUIRE(writer.write(path));
  return path;
}

}  // namespace

TEST_CASE("geo::cli: info prints type / schema / build date and tree figures", "[geo]") {
  auto r = run("geoip info " + db("GeoIP2-City-Test.mmdb"));
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::Contains("type:         GeoIP2-City"));
  CHECK_THAT(r.out, Catch::Contains("schema:       geoip2-city (from database_type)"));
  CHECK_THAT(r.out, Catch::Contains("build date:   2026-02-04T22:49:29Z"));
  CHECK_THAT(r.out, Catch::Contains("node count:   1547"));
  CHECK_THAT(r.out, Catch::Contains("record size:  28 bits"));
  CHECK_THAT(r.out, Catch::Contains("IP versions:  IPv4, IPv6"));
}

TEST_CASE("geo::cli: info --format json", "[geo]") {
  auto r = run("geoip info --format json " + db("GeoLite2-ASN-Test.mmdb") + " " + db("GeoIP2-Country-Test.mmdb"));
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["databases"].size() == 2);
  CHECK(j["databases"][0]["database_type"] == "GeoLite2-ASN");
  CHECK(j["databases"][0]["schema"] == "geoip2-asn");
  CHECK(j["databases"][1]["schema"] == "geoip2-country");
  CHECK(j["databases"][1]["node_count"].is_number_unsigned());
  CHECK(j["databases"][1]["build_date"] == "2026-02-04T22:49:29Z");
}

TEST_CASE("geo::cli: lookup text gives one line per database with provenance", "[geo]") {
  auto r = run("geoip lookup --geoip " + db("GeoIP2-City-Test.mmdb") + " --geoip " + db("GeoLite2-ASN-Test.mmdb") +
               " 81.2.69.160 1.128.0.1");
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::Contains("81.2.69.160  GeoIP2-City-Test.mmdb (GeoIP2-City, built 2026-02-04): country GB, "
                                    "registered country US; network 81.2.69.160/27"));
  CHECK_THAT(r.out, Catch::Contains("81.2.69.160  GeoLite2-ASN-Test.mmdb (GeoLite2-ASN, built 2026-02-04): not found"));
  CHECK_THAT(r.out, Catch::Contains("1.128.0.1  GeoLite2-ASN-Test.mmdb (GeoLite2-ASN, built 2026-02-04): AS1221 \"Telstra Pty Ltd\""));
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 4);
}

TEST_CASE("geo::cli: lookup --format json prints fields as stored with provenance", "[geo]") {
  auto provider = provider_db();
  auto r = run("geoip lookup --format json --geoip " + quote(provider.string()) + " 15.237.1.1");
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains(R"("region": "eu-west-3")"));
  auto j = nlohmann::json::parse(r.out);
  const auto& answer = j["lookups"][0]["answers"][0];
  CHECK(j["lookups"][0]["ip"] == "15.237.1.1");
  CHECK(answer["found"] == true);
  CHECK(answer["network"] == "15.236.0.0/15");
  CHECK(answer["record"]["provider"] == "aws");
  CHECK(answer["database"]["path"] == provider.string());
  CHECK(answer["database"]["database_type"] == "residency-provider-ranges");
  CHECK(answer["database"]["schema"] == "residency-provider-ranges");
}

TEST_CASE("geo::cli: RESIDENCY_GEOIP names a folder of databases", "[geo]") {
  auto dir = geo_test::scratch("cli-env");
  fs::copy_file(fixture("GeoLite2-ASN-Test.mmdb"), dir / "b-asn.mmdb");
  fs::copy_file(fixture("GeoIP2-Country-Test.mmdb"), dir / "a-country.mmdb");
  auto r = run("geoip lookup 2001:218::1", "RESIDENCY_GEOIP=" + quote(dir.string()));
  CHECK(r.code == 0);
  const auto country = r.out.find("a-country.mmdb");
  const auto asn = r.out.find("b-asn.mmdb");
  REQUIRE(country != std::string::npos);
  REQUIRE(asn != std::string::npos);
  CHECK(country < asn);
  CHECK_THAT(r.out, Catch::Contains("country JP"));
}

TEST_CASE("geo::cli: an invalid IP exits 2 with a clear message and no report", "[geo]") {
  auto r = run("geoip lookup --geoip " + db("GeoIP2-City-Test.mmdb") + " 1.2.3.999");
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("not an IP address: '1.2.3.999'"));
}

TEST_CASE("geo::cli: bad databases exit 2 with one error naming the file", "[geo]") {
  auto dir = geo_test::scratch("cli-bad");
  auto empty = geo_test::write_bytes(dir / "empty.mmdb", "");
  std::string bytes = geo_test::read_bytes(fixture("GeoIP2-City-Test.mmdb"));
  auto truncated = geo_test::write_bytes(dir / "truncated.mmdb", bytes.substr(0, bytes.size() / 2));
  bytes.replace(0, 1547 * 7, 1547 * 7, '\xff');
  auto broken = geo_test::write_bytes(dir / "broken-tree.mmdb", bytes);
  const std::vector<std::pair<fs::path, std::string>> cases{
      {empty, "not a MaxMind DB file (empty file, 0 bytes)"},
      {truncated, "not a MaxMind DB file (metadata marker not found)"},
      {broken, "corrupt search tree"},
      {dir / "missing.mmdb", "cannot open: No such file or directory"}};
  for (const auto& [path, message] : cases) {
    CAPTURE(path);
    for (const std::string cmd : {"geoip lookup 1.1.1.1 --geoip ", "geoip info "}) {
      auto r = run(cmd + quote(path.string()));
      CHECK(r.code == 2);
      CHECK(r.out.empty());
      CHECK_THAT(r.err, Catch::Contains(path.string() + ": " + message));
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
  }
}

TEST_CASE("geo::cli: without any database the error says where it looked and how to get data", "[geo]") {
  const fs::path source_data = fs::path(RESIDENCY_SOURCE_DIR) / "geoip" / "data";
  std::error_code ec;
  bool has_default = false;
  for (fs::directory_iterator it(source_data, ec), end; !ec && it != end; it.increment(ec)) {
    has_default = has_default || it->path().extension() == ".mmdb";
  }
  auto r = run("geoip lookup 1.1.1.1");
  if (has_default) {  // the fetched default data is used instead
    CHECK(r.code == 0);
    CHECK_FALSE(r.out.empty());
  } else {
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("no GeoIP database found"));
    CHECK_THAT(r.err, Catch::Contains(source_data.string()));
    CHECK_THAT(r.err, Catch::Contains("scripts/fetch-geoip.sh"));
  }
}
