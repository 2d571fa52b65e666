// update::load_sources: the shipped sources file loads and says what the issue asks (official
// URLs, formats, kinds, pinned npm packages); a broken one reports every problem with
// file:line:column and what was expected.
#include "update/sources_file.hpp"

#include "core/atomic_file.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;

fs::path scratch(const std::string& name) {
  const char* base = std::getenv("RESIDENCY_TEST_TMP");
  fs::path dir = fs::path(base != nullptr ? base : fs::temp_directory_path().string()) /
                 ("update-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string errors_of(const std::string& yaml, const std::string& lock = "") {
  const auto dir = scratch("broken");
  REQUIRE(core::write_file_atomic(dir / "sources.yaml", yaml));
  if (!lock.empty()) REQUIRE(core::write_file_atomic(dir / "data.lock", lock));
  core::Diag diag;
  diag.capture();
  auto file = update::load_sources(dir / "sources.yaml", diag);
  REQUIRE_FALSE(file);
  std::string all;
  for (const auto& m : diag.captured()) all += m.text + "\n";
  return all + file.error().to_string();
}

constexpr const char* k_head = R"(schema: residency/sources/v1
databases:
  - {file: providers.mmdb, kind: provider-feed, description: ranges}
sources:
)";

}  // namespace

TEST_CASE("update::sources: the shipped sources file loads", "[update]") {
  core::Diag diag;
  diag.capture();
  auto file = update::load_sources(fs::path(RESIDENCY_SOURCE_DIR) / "geoip" / "sources.yaml", diag);
  INFO((file ? std::string() : file.error().to_string()));
  for (const auto& m : diag.captured()) INFO(m.text);
  REQUIRE(file);
  REQUIRE(file->databases.size() == 3);
  std::vector<std::string> ids;
  for (const auto& s : file->sources) ids.push_back(s.id);
  CHECK(ids == std::vector<std::string>{"aws", "azure", "gcp", "oracle", "cloudflare-v4", "cloudflare-v6", "fastly",
                                        "digitalocean", "linode", "asn", "country"});
  const auto* aws = file->find("aws");
  CHECK(aws->url == "https://ip-ranges.amazonaws.com/ip-ranges.json");
  CHECK(aws->file == "ip-ranges.json");
  CHECK(aws->format == geo::RangeFormat::aws);
  CHECK(aws->kind == "provider-feed");
  const auto* azure = file->find("azure");
  CHECK(azure->date_from == update::DateFrom::file_name);
  CHECK(azure->file == "ServiceTags_Public_*.json");
  CHECK_FALSE(azure->resolve.empty());
  const auto* asn = file->find("asn");
  REQUIRE(asn->is_npm());
  CHECK(asn->version == "2.3.2026061719");
  CHECK(asn->integrity.starts_with("sha512-"));
  CHECK(asn->url == "https://registry.npmjs.org/@ip-location-db/asn/-/asn-2.3.2026061719.tgz");
  CHECK(asn->file == "ip-location-db-asn-2.3.2026061719.tgz");
  CHECK(asn->kind == "asn");
  CHECK(file->find("country")->kind == "registry");
  CHECK_FALSE(file->find("country")->format);  // the .mmdb is copied
  for (const auto& s : file->sources) {
    INFO(s.id);
    CHECK_FALSE(s.licence.empty());
    CHECK_FALSE(s.documentation.empty());
  }
}

TEST_CASE("update::sources: npm names and version dates", "[update]") {
  CHECK(update::npm_pack_name("@ip-location-db/geo-whois-asn-country-mmdb", "2.3.1") ==
        "ip-location-db-geo-whois-asn-country-mmdb-2.3.1.tgz");
  CHECK(update::npm_tarball_url("left-pad", "1.3.0") == "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz");
  CHECK(update::package_version_date("2.3.2026061719")->to_string() == "2026-06-17");
  CHECK_FALSE(update::package_version_date("1.2.3"));
  CHECK_FALSE(update::package_version_date("2.3.2026139919"));
}

TEST_CASE("update::sources: every problem with file:line:column and what was expected", "[update]") {
  const std::string all = errors_of(std::string(k_head) + R"(  - id: aws
    name: AWS
    kind: provider-feeds
    database: provider.mmdb
    url: ftp://example/ip-ranges.json
    file: ip-ranges.json
    format: awz
    licence: x
    documentaton: y
  - id: aws
    name: again
    kind: provider-feed
    database: providers.mmdb
    url: https://example/x
    file: "a*b*"
    format: geofeed
    licence: x
    documentation: y
)");
  CHECK_THAT(all, Catch::Contains("sources.yaml:7:11: unknown kind 'provider-feeds' (did you mean 'provider-feed'?)"));
  CHECK_THAT(all,
             Catch::Contains("sources.yaml:8:15: unknown database 'provider.mmdb' (did you mean 'providers.mmdb'?)"));
  CHECK_THAT(all, Catch::Contains("sources.yaml:9:10: url 'ftp://example/ip-ranges.json' must be http:// or https://"));
  CHECK_THAT(all, Catch::Contains("sources.yaml:11:13: unknown range format 'awz' (did you mean 'aws'?)"));
  CHECK_THAT(all, Catch::Contains(
                      "sources.yaml:13:5: unknown key 'documentaton' in a source (did you mean 'documentation'?)"));
  CHECK_THAT(all, Catch::Contains("missing key 'documentation'"));
  CHECK_THAT(all, Catch::Contains("sources.yaml:14:9: source id 'aws' is used twice"));
  CHECK_THAT(all, Catch::Contains("format geofeed needs 'provider'"));
  CHECK_THAT(all, Catch::Contains("'file' is one file name, with at most one '*'"));
  CHECK_THAT(all, Catch::Contains("problem(s) in the sources file"));
}

TEST_CASE("update::sources: npm sources need a pin, YAML errors have a position", "[update]") {
  const std::string unpinned = errors_of(std::string(k_head) + R"(  - id: asn
    name: asn
    kind: asn
    database: providers.mmdb
    npm: "@example/asn"
    format: asn-csv
    members: [package/a.csv]
    licence: x
    documentation: y
)");
  CHECK_THAT(unpinned, Catch::Contains("needs 'npm_lock'"));
  const std::string lock = "# pins\n@example/other 1.0.0 sha512-AAAA\n";
  const std::string missing = errors_of("npm_lock: data.lock\n" + std::string(k_head) + R"(  - id: asn
    name: asn
    kind: asn
    database: providers.mmdb
    npm: "@example/asn"
    format: asn-csv
    members: [package/a.csv]
    url: https://example/x.tgz
    licence: x
    documentation: y
)",
                                        lock);
  CHECK_THAT(missing, Catch::Contains("sources.yaml:10:10: npm package '@example/asn' is not pinned in the lock file"));
  CHECK_THAT(missing, Catch::Contains("'url' is derived for an npm source"));
  CHECK_THAT(errors_of("npm_lock: data.lock\n" + std::string(k_head), "@example/asn 1.0\n"),
             Catch::Contains("data.lock:1: expected 'NAME VERSION sha512-"));
  CHECK_THAT(errors_of("schema: [unclosed\n"), Catch::Contains("sources.yaml:"));
  CHECK_THAT(errors_of("schema: residency/sources/v2\ndatabases: []\nsources: []\ncolour: red\n"),
             Catch::Contains("sources.yaml:4:1: unknown key 'colour' in the sources file"));
}

TEST_CASE("update::sources: read through lib/yaml: duplicate keys, two documents, alias bombs", "[update]") {
  CHECK_THAT(errors_of("schema: residency/sources/v1\nschema: residency/sources/v1\ndatabases: []\nsources: []\n"),
             Catch::Contains("sources.yaml:2:1: duplicate key 'schema'"));
  CHECK_THAT(errors_of(std::string(k_head) + "---\nschema: residency/sources/v1\n"),
             Catch::Contains("a second YAML document starts here; expected one sources file per file"));
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'k'; ++c) {
    bomb += fmt::format("{}: &{} [*{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}]\n", c, c, char(c - 1), char(c - 1),
                        char(c - 1), char(c - 1), char(c - 1), char(c - 1), char(c - 1), char(c - 1), char(c - 1),
                        char(c - 1));
  }
  CHECK_THAT(errors_of(bomb), Catch::Contains("sources.yaml:1:11: aliases expand the document beyond"));
}
