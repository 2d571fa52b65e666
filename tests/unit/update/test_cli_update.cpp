// `residency data update` and `data status` through the real binary, with the feeds served over
// HTTPS by a real nginx on 127.0.0.1 (test CA made by openssl at test time): a good update (the
// database changes, the old file is replaced by rename, provenance recorded, the rebuild is
// byte-identical from the same inputs, a second run writes nothing); a feed that shrank by 50 %,
// one with 0.0.0.0/0, one truncated mid-file, one older than the installed data, a server error
// and a stalled server, each refused with its reason, exit non-zero, the installed files
// byte-identical; a mirror that lacks a feed (skipped with a warning, exit 0); a tampered npm
// tarball; and `data status` on data younger and older than --max-data-age. The feeds are the
// real 2025 and 2026 copies read from ../shared (a missing file fails the test naming it).
#include "core/atomic_file.hpp"
#include "fakes/nginx_server.hpp"
#include "geo/mmdb_reader.hpp"
#include "support/run_command.hpp"
#include "support/shared_data.hpp"
#include "update/digest.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using test_support::shell_quote;

fs::path scratch(const std::string& name) {
  const char* base = std::getenv("RESIDENCY_TEST_TMP");
  fs::path dir = fs::path(base != nullptr ? base : fs::temp_directory_path().string()) /
                 ("cli-update-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

test_support::RunResult residency(const std::string& args) {
  return test_support::run(std::string(RESIDENCY_BINARY) + " " + args);
}

fs::path feeds_2026() { return test_support::shared_file("data/cloud-ip-ranges-2026/ip-ranges.json").parent_path(); }

// The July 2025 feeds under their upstream names (symlinks into ../shared/data/cloud-ip-ranges).
fs::path feeds_2025(const fs::path& dir) {
  const std::map<std::string, std::string> names = {
      {"ip-ranges.json", "aws-ip-ranges.json"},
      {"ServiceTags_Public_20250722.json", "microsoft-azure-ip-ranges.json"},
      {"cloud.json", "google-cloud-ip-ranges.json"},
      {"public_ip_ranges.json", "oracle-cloud-ip-ranges.json"},
      {"ips-v4", "cloudflare-v4-ip-ranges.txt"},
      {"ips-v6", "cloudflare-v6-ip-ranges.txt"},
      {"public-ip-list", "fastly-ip-ranges.json"},
      {"google.csv", "digitalocean.csv"},
      {"geoip.linode.com.csv", "linode.txt"}};
  fs::create_directories(dir);
  for (const auto& [upstream, shared] : names) {
    fs::create_symlink(test_support::shared_file("data/cloud-ip-ranges/" + shared), dir / upstream);
  }
  return dir;
}

// Every file of the data folder (recursively) → its bytes.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = *core::read_file(e.path());
  }
  return out;
}

std::string read(const fs::path& p) {
  auto text = core::read_file(p);
  REQUIRE(text);
  return *text;
}

Json sources_json(const fs::path& dir) { return Json::parse(read(dir / "SOURCES.json")); }

const Json* source_entry(const Json& state, const std::string& id) {
  for (const auto& s : state["sources"]) {
    if (s["id"] == id) return &s;
  }
  return nullptr;
}

fakes::FolderServer serve(const fs::path& dir, const fs::path& root, const std::string& config = "") {
  fakes::FolderOptions o;
  o.root = root;
  o.server_config = config;
  auto server = fakes::FolderServer::start(dir / "nginx", o);
  INFO((server ? std::string() : server.error().to_string()));
  REQUIRE(server);
  return std::move(*server);
}

std::string https_args(const fakes::FolderServer& nginx) {
  return fmt::format("--mirror {} --ca-file {}", nginx.base_url(), shell_quote(nginx.ca_file().string()));
}

// A data folder with AWS's 2026 feed installed (from the folder mirror), for the guard cases.
fs::path install_aws_2026(const fs::path& dir) {
  const fs::path data = dir / "data";
  auto r = residency(fmt::format("data update --geoip {} --source aws --mirror {}", shell_quote(data.string()),
                                 shell_quote(feeds_2026().string())));
  INFO(r.output);
  REQUIRE(r.status == 0);
  REQUIRE(fs::exists(data / "providers.mmdb"));
  return data;
}

// AWS's 2026 feed edited by `edit`, with createDate/syncToken a day later (so only the guard
// under test can fire).
std::string aws_variant(const std::function<void(Json&)>& edit) {
  Json feed = Json::parse(read(feeds_2026() / "ip-ranges.json"));
  feed["createDate"] = "2026-08-23-21-17-05";
  feed["syncToken"] = "1787519825";
  edit(feed);
  return feed.dump();
}

// Serve `file` as ip-ranges.json (or apply `config`), run `data update --source aws`, and check
// that it exits `rc`, prints `reason`, and leaves the data folder byte for byte as it was.
void expect_refused(const std::string& name, const std::string& file, const std::string& config, int rc,
                    const std::string& reason, const std::string& extra = "") {
  const auto dir = scratch(name);
  const fs::path data = install_aws_2026(dir);
  const auto before = snapshot(data);
  const fs::path www = dir / "www";
  fs::create_directories(www);
  if (!file.empty()) REQUIRE(core::write_file_atomic(www / "ip-ranges.json", file));
  auto nginx = serve(dir, www, config);
  auto r = residency(fmt::format("data update --geoip {} --source aws {} --retries 1 {}", shell_quote(data.string()),
                                 https_args(nginx), extra));
  INFO(r.output);
  CHECK(r.status == rc);
  CHECK_THAT(r.output, Catch::Contains("aws: " + std::string(rc == 2 ? "refused" : "failed") + ": ") &&
                           Catch::Contains(reason) && Catch::Contains("nothing written"));
  CHECK(snapshot(data) == before);  // databases, inputs and SOURCES.json untouched
}

}  // namespace

TEST_CASE("data update: a good update over HTTPS replaces the database atomically, with provenance", "[update][cli]") {
  const auto dir = scratch("good");
  const fs::path data = dir / "data";
  auto old = residency(fmt::format("data update --geoip {} --kind provider-feed --mirror {}",
                                   shell_quote(data.string()), shell_quote(feeds_2025(dir / "feeds-2025").string())));
  INFO(old.output);
  REQUIRE(old.status == 0);
  const std::string old_bytes = read(data / "providers.mmdb");
  CHECK_FALSE(geo::Database::open(data / "providers.mmdb")->lookup(*core::parse_ip("15.248.168.1"))->has_value());
  // Hold the old database open, as a running audit would.
  const int held = ::open((data / "providers.mmdb").c_str(), O_RDONLY);
  REQUIRE(held >= 0);

  auto nginx = serve(dir, feeds_2026());
  auto r = residency(
      fmt::format("data update --geoip {} --kind provider-feed {}", shell_quote(data.string()), https_args(nginx)));
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("aws: updated: from " + nginx.base_url() +
                                       "ip-ranges.json: 2600358 bytes, 11012 "
                                       "prefixes, dated 2026-08-22 (feed), serial 1787433425"));
  CHECK_THAT(r.output,
             Catch::Contains("azure: updated: from " + nginx.base_url() + "ServiceTags_Public_20260427.json"));
  CHECK_THAT(r.output, Catch::Contains("wrote " + (data / "providers.mmdb").string()));

  // The database changed; the old file was replaced by a rename (the open one still reads the old bytes).
  const std::string new_bytes = read(data / "providers.mmdb");
  CHECK(new_bytes != old_bytes);
  std::string still(old_bytes.size(), '\0');
  CHECK(::pread(held, still.data(), still.size(), 0) == static_cast<ssize_t>(old_bytes.size()));
  CHECK(still == old_bytes);
  ::close(held);
  for (const auto& [name, bytes] : snapshot(data)) CHECK(name.find(".tmp") == std::string::npos);
  auto db = geo::Database::open(data / "providers.mmdb");
  REQUIRE(db);
  auto sa_west = db->lookup(*core::parse_ip("15.248.168.1"));  // a 2026 prefix of AWS sa-west-1
  REQUIRE(sa_west);
  REQUIRE(sa_west->has_value());
  CHECK((*sa_west)->region == "sa-west-1");

  // Provenance: in the database's metadata and in SOURCES.json.
  const auto& inputs = db->info().provenance.inputs;
  REQUIRE(inputs.size() == 9);
  CHECK(db->info().provenance.kind == "provider-feed");
  CHECK(inputs[0].id == "aws");
  CHECK(inputs[0].url == "https://ip-ranges.amazonaws.com/ip-ranges.json");
  CHECK(inputs[0].date == "2026-08-22");
  CHECK(inputs[0].serial == "1787433425");
  CHECK(inputs[0].sha256 == update::sha256_hex(read(feeds_2026() / "ip-ranges.json")));
  CHECK(inputs[1].date == "2026-04-27");
  CHECK(inputs[1].date_basis == "file-name");
  CHECK(inputs[1].serial == "398");
  CHECK(db->info().build_epoch == 1787356800);  // 2026-08-22, the newest input: not the clock
  const Json state = sources_json(data);
  const Json* aws = source_entry(state, "aws");
  REQUIRE(aws != nullptr);
  CHECK((*aws)["fetched_from"] == nginx.base_url() + "ip-ranges.json");
  CHECK((*aws)["prefixes"] == 11012);
  CHECK((*aws)["file"] == "inputs/ip-ranges.json");
  CHECK_FALSE((*aws)["fetched_at"].get<std::string>().empty());
  CHECK_FALSE((*aws)["etag"].get<std::string>().empty());
  CHECK_FALSE(fs::exists(data / "inputs" / "ServiceTags_Public_20250722.json"));  // the replaced input is gone

  // Deterministic: the same inputs from the folder mirror give a byte-identical database.
  const fs::path other = dir / "other";
  auto again = residency(fmt::format("data update --geoip {} --kind provider-feed --mirror {}",
                                     shell_quote(other.string()), shell_quote(feeds_2026().string())));
  REQUIRE(again.status == 0);
  CHECK(read(other / "providers.mmdb") == new_bytes);

  // A second run against the same server writes nothing.
  const auto before = snapshot(data);
  auto second = residency(
      fmt::format("data update --geoip {} --kind provider-feed {}", shell_quote(data.string()), https_args(nginx)));
  INFO(second.output);
  CHECK(second.status == 0);
  CHECK_THAT(second.output, Catch::Contains("aws: unchanged: not modified since the installed copy (HTTP 304") &&
                                Catch::Contains("nothing to write"));
  CHECK(snapshot(data) == before);
}

TEST_CASE("data update: a new licence or attribution in the sources file rebuilds the database", "[update][cli]") {
  // The credit every report carries comes from the database's provenance, so it must follow the
  // sources file even when no feed changed.
  const auto dir = scratch("credit");
  const fs::path data = install_aws_2026(dir);
  const fs::path src = dir / "src";
  fs::create_directories(src);
  fs::copy_file(fs::path(RESIDENCY_SOURCE_DIR) / "geoip" / "data.lock", src / "data.lock");
  std::string yaml = read(fs::path(RESIDENCY_SOURCE_DIR) / "geoip" / "sources.yaml");
  const std::string old_licence = "licence: published by Amazon Web Services for anyone to use";
  REQUIRE(yaml.find(old_licence) != std::string::npos);
  yaml.replace(yaml.find(old_licence), old_licence.size(),
               "licence: test licence\n    attribution: credit to the test feed");
  REQUIRE(core::write_file_atomic(src / "sources.yaml", yaml));
  const std::string update = fmt::format("data update --geoip {} --source aws --mirror {}", shell_quote(data.string()),
                                         shell_quote(feeds_2026().string()));

  const std::string before = read(data / "providers.mmdb");
  auto same = residency(update);  // the shipped sources file: nothing changed, nothing written
  INFO(same.output);
  REQUIRE(same.status == 0);
  CHECK(read(data / "providers.mmdb") == before);

  auto r = residency(update + " --sources " + shell_quote((src / "sources.yaml").string()));
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(read(data / "providers.mmdb") != before);
  REQUIRE(core::write_file_atomic(dir / "list.txt", "35.180.0.1\n"));
  auto audit =
      residency(fmt::format("audit --list {} --policy gdpr-eea-residency --geoip {} --no-fail-on-unknown "
                            "--as-of 2026-09-01",
                            shell_quote((dir / "list.txt").string()), shell_quote(data.string())));
  INFO(audit.output);
  CHECK(audit.status == 0);
  CHECK_THAT(audit.output, Catch::Contains("  attribution: providers.mmdb, test licence: credit to the test feed\n"));
}

TEST_CASE("data update: a feed that shrank by 50 % is refused", "[update][cli]") {
  // Keep the entries of every other distinct prefix: half of the distinct prefixes go.
  const std::string shrunk = aws_variant([](Json& feed) {
    for (auto [list, key] : {std::pair{"prefixes", "ip_prefix"}, std::pair{"ipv6_prefixes", "ipv6_prefix"}}) {
      std::map<std::string, bool> keep;
      Json half = Json::array();
      for (const auto& item : feed[list]) {
        auto [it, fresh] = keep.emplace(item[key].get<std::string>(), keep.size() % 2 == 0);
        if (it->second) half.push_back(item);
      }
      feed[list] = half;
    }
  });
  expect_refused("shrunk", shrunk, "", 2, "shrink guard: ip-ranges.json shrank by 50% (");
}

TEST_CASE("data update: --force accepts a refused feed with a warning", "[update][cli]") {
  const auto dir = scratch("force");
  const fs::path data = install_aws_2026(dir);
  const std::string before = read(data / "providers.mmdb");
  const fs::path www = dir / "www";
  fs::create_directories(www);
  REQUIRE(core::write_file_atomic(www / "ip-ranges.json", aws_variant([](Json& feed) {
                                    feed["prefixes"].erase(feed["prefixes"].begin() + 100, feed["prefixes"].end());
                                  })));
  auto nginx = serve(dir, www);
  // A dry run says what it would write, and writes nothing.
  const auto snapshot_before = snapshot(data);
  auto dry = residency(fmt::format("data update --geoip {} --source aws --force --dry-run {}",
                                   shell_quote(data.string()), https_args(nginx)));
  INFO(dry.output);
  CHECK(dry.status == 0);
  CHECK_THAT(dry.output, Catch::Contains("would write " + (data / "providers.mmdb").string()));
  CHECK(snapshot(data) == snapshot_before);
  auto r = residency(
      fmt::format("data update --geoip {} --source aws --force {}", shell_quote(data.string()), https_args(nginx)));
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("warning: aws: accepted with --force despite the size guard") &&
                           Catch::Contains("the shrink guard: ip-ranges.json shrank by"));
  CHECK(read(data / "providers.mmdb") != before);
}

TEST_CASE("data update: a feed with 0.0.0.0/0 is refused", "[update][cli]") {
  const std::string wide = aws_variant([](Json& feed) {
    feed["prefixes"].push_back(Json{
        {"ip_prefix", "0.0.0.0/0"}, {"region", "GLOBAL"}, {"service", "AMAZON"}, {"network_border_group", "GLOBAL"}});
  });
  // The importer refuses a default route before the wide-prefix guard would weigh it.
  expect_refused("wide", wide, "", 2, "'0.0.0.0/0' covers every address; expected a provider's own range");
}

TEST_CASE("data update: a feed truncated mid-file is refused", "[update][cli]") {
  const std::string full = read(feeds_2026() / "ip-ranges.json");
  expect_refused("truncated", full.substr(0, full.size() / 2), "", 2, "parse guard: ");
}

TEST_CASE("data update: a feed older than the installed one is refused", "[update][cli]") {
  expect_refused(
      "older", read(test_support::shared_file("data/cloud-ip-ranges/aws-ip-ranges.json")), "", 2,
      "older guard: ip-ranges.json is older than the installed feed (dated 2025-07-24, installed 2026-08-22)");
}

TEST_CASE("data update: a server error is retried, then fails", "[update][cli]") {
  expect_refused("error500", "", "    location = /ip-ranges.json { return 500; }\n", 3,
                 "HTTP status 500 after 2 attempt(s)");
}

TEST_CASE("data update: a stalled server times out", "[update][cli]") {
  auto silent = fakes::SilentListener::open("127.0.0.1");
  REQUIRE(silent);
  expect_refused(
      "stalled", "",
      fmt::format("    location = /ip-ranges.json {{ proxy_pass http://127.0.0.1:{}; proxy_read_timeout 60s; }}\n",
                  silent->port()),
      3, "after 2 attempt(s)", "--stall-timeout 1s");
}

TEST_CASE("data update: an official URL that answers 404 is a data problem (exit 2)", "[update][cli]") {
  const auto dir = scratch("gone");
  const fs::path data = install_aws_2026(dir);
  const auto before = snapshot(data);
  fs::create_directories(dir / "www");
  auto nginx = serve(dir, dir / "www");
  auto r = residency(fmt::format("data update --geoip {} --source aws --url aws={}moved.json --ca-file {}",
                                 shell_quote(data.string()), nginx.base_url(), shell_quote(nginx.ca_file().string())));
  INFO(r.output);
  CHECK(r.status == 2);
  CHECK_THAT(r.output,
             Catch::Contains("aws: failed: " + nginx.base_url() + "moved.json: HTTP status 404 after 1 attempt(s)"));
  CHECK(snapshot(data) == before);
}

TEST_CASE("data update: a mirror that lacks a feed skips it with a warning", "[update][cli]") {
  const auto dir = scratch("lacks");
  const fs::path data = install_aws_2026(dir);
  const Json aws_before = *source_entry(sources_json(data), "aws");
  const fs::path www = dir / "www";
  fs::create_directories(www);
  fs::copy_file(feeds_2026() / "cloud.json", www / "cloud.json");  // no ip-ranges.json
  auto nginx = serve(dir, www);
  auto r = residency(
      fmt::format("data update --geoip {} --source aws,gcp {}", shell_quote(data.string()), https_args(nginx)));
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("aws: skipped: no ip-ranges.json in " + nginx.base_url()) &&
                           Catch::Contains("warning: aws: skipped") && Catch::Contains("the installed input is kept"));
  CHECK_THAT(r.output, Catch::Contains("gcp: updated: from " + nginx.base_url() + "cloud.json"));
  const Json state = sources_json(data);
  CHECK(*source_entry(state, "aws") == aws_before);
  auto db = geo::Database::open(data / "providers.mmdb");
  REQUIRE(db);
  REQUIRE(db->info().provenance.inputs.size() == 2);  // AWS (installed) and Google (new), in file order
  CHECK(db->info().provenance.inputs[0].id == "aws");
  CHECK(db->info().provenance.inputs[1].id == "gcp");
}

TEST_CASE("data update: a tarball that is not the pinned one is refused, even with --force", "[update][cli]") {
  const auto dir = scratch("integrity");
  const fs::path mirror = dir / "mirror";
  fs::create_directories(mirror);
  REQUIRE(core::write_file_atomic(mirror / "ip-location-db-asn-2.3.2026061719.tgz", "not the package"));
  auto r = residency(fmt::format("data update --geoip {} --source asn --force --mirror {}",
                                 shell_quote((dir / "data").string()), shell_quote(mirror.string())));
  INFO(r.output);
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Catch::Contains("asn: refused: integrity check: integrity sha512-") &&
                           Catch::Contains("differs from the pin"));
  CHECK_FALSE(fs::exists(dir / "data" / "asn.mmdb"));
}

TEST_CASE("data update: usage errors", "[update][cli]") {
  const auto dir = scratch("usage");
  auto typo = residency(fmt::format("data update --geoip {} --source awz --mirror {}", shell_quote(dir.string()),
                                    shell_quote(dir.string())));
  CHECK(typo.status == 2);
  CHECK_THAT(typo.output, Catch::Contains("--source 'awz': no such source (did you mean 'aws'?)"));
  auto kind = residency(fmt::format("data update --geoip {} --kind feeds", shell_quote(dir.string())));
  CHECK(kind.status == 2);
  CHECK_THAT(kind.output, Catch::Contains("--kind 'feeds': expected provider-feed, registry, geolocation or asn"));
  auto url = residency(fmt::format("data update --geoip {} --url azure", shell_quote(dir.string())));
  CHECK(url.status == 2);
  CHECK_THAT(url.output, Catch::Contains("expected ID=URL"));
}

TEST_CASE("data status: ages on data younger and older than --max-data-age", "[update][cli]") {
  const auto dir = scratch("status");
  const fs::path data = install_aws_2026(dir);
  const std::string geoip = "--geoip " + shell_quote(data.string());
  auto young = residency("data status " + geoip + " --as-of 2026-09-01 --fail-on-stale-data");
  INFO(young.output);
  CHECK(young.status == 0);
  CHECK_THAT(young.output, Catch::Contains("providers.mmdb  residency-provider-ranges, built 2026-08-22T00:00:00Z"));
  CHECK_THAT(young.output, Catch::Contains("AWS ip-ranges.json") && Catch::Contains("2026-08-22    10 days"));
  CHECK_THAT(young.output, !Catch::Contains("STALE") && !Catch::Contains("warning"));

  auto old = residency("data status " + geoip + " --as-of 2026-12-01 --fail-on-stale-data");
  INFO(old.output);
  CHECK(old.status == 3);
  CHECK_THAT(old.output, Catch::Contains("2026-08-22   101 days  STALE"));
  CHECK_THAT(old.output, Catch::Contains("warning: providers.mmdb (AWS ip-ranges.json of 2026-08-22) is 101 days old, "
                                         "older than --max-data-age 90"));
  CHECK(residency("data status " + geoip + " --as-of 2026-12-01").status == 0);  // a warning, not a failure
  CHECK(residency("data status " + geoip + " --as-of 2026-12-01 --max-data-age 120 --fail-on-stale-data").status == 0);

  auto json = residency("data status " + geoip + " --as-of 2026-12-01 --format json");
  REQUIRE(json.status == 0);
  const auto open = json.output.find('{'), close = json.output.rfind('}');
  REQUIRE(open != std::string::npos);
  const Json doc = Json::parse(json.output.substr(open, close - open + 1));
  const Json& s = doc["databases"][0]["data_sources"][0];
  CHECK(s["name"] == "AWS ip-ranges.json");
  CHECK(s["kind"] == "provider-feed");
  CHECK(s["date"] == "2026-08-22");
  CHECK(s["age_days"] == 101);
  CHECK(s["stale"] == true);
  CHECK(s["url"] == "https://ip-ranges.amazonaws.com/ip-ranges.json");
  CHECK(s["sha256"].get<std::string>().size() == 64);
}

TEST_CASE("audit: every report names the data's age, stale data warns, --fail-on-stale-data exits 3", "[update][cli]") {
  const auto dir = scratch("audit-age");
  const fs::path data = install_aws_2026(dir);
  REQUIRE(core::write_file_atomic(dir / "list.txt", "35.180.0.1\n"));  // AWS eu-west-3 (Paris)
  const std::string base = fmt::format("audit --list {} --policy gdpr-eea-residency --geoip {} --no-fail-on-unknown",
                                       shell_quote((dir / "list.txt").string()), shell_quote(data.string()));
  const std::string line_young = "providers.mmdb: AWS ip-ranges.json of 2026-08-22, 10 days old";
  const std::string line_old =
      "providers.mmdb: AWS ip-ranges.json of 2026-08-22, 131 days old, older than --max-data-age 90";

  auto young = residency(base + " --as-of 2026-09-01 --fail-on-stale-data");
  INFO(young.output);
  CHECK(young.status == 0);
  CHECK_THAT(young.output,
             Catch::Contains("data: 1 data source, aged on 2026-09-01: none older than --max-data-age 90"));
  CHECK_THAT(young.output, Catch::Contains("  " + line_young + "\n") && !Catch::Contains("warning"));

  auto old = residency(base + " --as-of 2026-12-31");
  INFO(old.output);
  CHECK(old.status == 0);  // a warning on every run, not a failure
  CHECK_THAT(old.output, Catch::Contains("  " + line_old + "\n"));
  CHECK_THAT(old.output, Catch::Contains("warning: providers.mmdb (AWS ip-ranges.json of 2026-08-22) is 131 days old, "
                                         "older than --max-data-age 90"));
  auto failing = residency(base + " --as-of 2026-12-31 --fail-on-stale-data");
  CHECK(failing.status == 3);
  CHECK_THAT(failing.output,
             Catch::Contains("exit code 3: no proven failure, but data sources are older than --max-data-age 90"));
  CHECK(residency(base + " --as-of 2026-12-31 --fail-on-stale-data --max-data-age 200").status == 0);
  // --fail-on none turns off exits 1 and 3, stale data included, and says so.
  auto none = residency(base + " --as-of 2026-12-31 --fail-on-stale-data --fail-on none");
  CHECK(none.status == 0);
  CHECK_THAT(none.output,
             Catch::Contains("exit code 0: --fail-on none (failures, unknowns and stale data are reported"));
  CHECK_THAT(none.output, Catch::Contains("  " + line_old + "\n"));

  // Every format carries the same line (JSON and SARIF as data, the others as text).
  auto all =
      residency(base + fmt::format(" --as-of 2026-12-31 --format json --format sarif --format junit --format markdown "
                                   "--format html --format csv --format text -o {}",
                                   shell_quote((dir / "reports").string())));
  REQUIRE(all.status == 0);
  const Json json = Json::parse(read(dir / "reports" / "report.json"));
  CHECK(json["data_sources"][0]["age_days"] == 131);
  CHECK(json["data_sources"][0]["stale"] == true);
  CHECK(json["data_sources"][0]["licence"] == "published by Amazon Web Services for anyone to use");
  // The run's warnings keep the stale source (the inventory's warnings must not replace it).
  const Json stale_warning =
      "providers.mmdb (AWS ip-ranges.json of 2026-08-22) is 131 days old, older than --max-data-age 90";
  CHECK(std::find(json["warnings"].begin(), json["warnings"].end(), stale_warning) != json["warnings"].end());
  const Json sarif = Json::parse(read(dir / "reports" / "report.sarif"));
  CHECK(sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"] == line_old);
  CHECK(sarif["runs"][0]["properties"]["data_sources"][0]["date"] == "2026-08-22");
  for (const char* name : {"report.xml", "report.md", "report.html", "report.csv", "report.text"}) {
    INFO(name);
    CHECK_THAT(read(dir / "reports" / name), Catch::Contains(line_old));
  }
}
