#include "inventory/manifest.hpp"

#include "core/atomic_file.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace inventory;
namespace fs = std::filesystem;

namespace {

const fs::path k_data = fs::path(RESIDENCY_SOURCE_DIR) / "tests/data/manifests";

core::Date date(const char* text) { return *core::parse_date(text); }

LoadOptions at(const char* as_of) { return LoadOptions{date(as_of)}; }

const TargetEntry& find(const Manifest& m, const std::string& id) {
  auto it = std::ranges::find_if(m.targets, [&](const TargetEntry& e) { return e.target.id == id; });
  REQUIRE(it != m.targets.end());
  return *it;
}

Diagnostics problems_of(const std::string& text, const LoadOptions& options = at("2026-11-30")) {
  Diagnostics d;
  auto m = parse_manifest(text, "m.yaml", options, d);
  CHECK_FALSE(m);
  return d;
}

}  // namespace

TEST_CASE("inventory::load_manifest: metadata / default policies and every target kind", "[inventory]") {
  Diagnostics d;
  auto m = load_manifest(k_data / "full.yaml", at("2026-11-30"), d);
  INFO(to_string(d));
  REQUIRE(m);
  CHECK(d.empty());
  CHECK(m->metadata.organisation == "Example Health Data Platform");
  CHECK(m->metadata.auditor == "Jeanne Martin (DPO office)");
  CHECK(m->metadata.scope == "Production services holding pseudonymised health data");
  CHECK(m->metadata.waiver_max_days == 180);
  REQUIRE(m->policies.size() == 2);
  CHECK(m->policies[1].id == "gdpr-eea-residency");
  CHECK(m->policies[1].declared_at.to_string().ends_with("full.yaml:9:28"));
  REQUIRE(m->targets.size() == 8);

  const auto& portal = find(*m, "portal").target;
  CHECK(portal.kind == core::TargetKind::host);
  CHECK(portal.value == "portal.example.fr");
  CHECK(portal.host == "portal.example.fr");
  CHECK(portal.tags == std::map<std::string, std::string>{{"classification", "health"}, {"owner", "platform-team"}});
  CHECK(portal.declared_at.line == 11);
  CHECK(portal.declared_at.column == 5);

  const auto& api = find(*m, "https://api.example.fr:8443/v1/records?x=1").target;
  CHECK(api.kind == core::TargetKind::url);
  CHECK(api.host == "api.example.fr");
  CHECK(api.tags.at("classification") == "health");

  CHECK(find(*m, "status-v6").target.host == "2001:db8::10");
  CHECK(find(*m, "192.0.2.10").target.kind == core::TargetKind::ip);
  CHECK(find(*m, "example.fr").target.kind == core::TargetKind::mail_domain);
  CHECK(find(*m, "bücher.example.de").target.host == "bücher.example.de");  // IDN kept as written
}

TEST_CASE("inventory::load_manifest: cloud resources / offers and per-target policies", "[inventory]") {
  Diagnostics d;
  auto m = load_manifest(k_data / "full.yaml", at("2026-11-30"), d);
  REQUIRE(m);
  const auto& storage = find(*m, "hdh-storage");
  CHECK(storage.target.kind == core::TargetKind::cloud_resource);
  CHECK(storage.target.provider == "azure");
  CHECK(storage.target.region == "francecentral");
  CHECK(storage.target.service == "storage");
  CHECK(storage.target.host.empty());
  CHECK(m->policies_for(storage) == std::vector<std::string>{"fr-health-data", "gdpr-eea-residency"});

  const auto& hpc = find(*m, "ovhcloud:eu-west-par:hpc");
  CHECK(hpc.target.tags.at("offer") == "ovhcloud-hpc-snc");
  CHECK(hpc.policy_mode == PolicyMode::replace);
  CHECK(m->policies_for(hpc) == std::vector<std::string>{"fr-secnumcloud"});

  const auto& mail = find(*m, "example.fr");
  CHECK(mail.policy_mode == PolicyMode::extend);
  CHECK(m->policies_for(mail) ==
        std::vector<std::string>{"fr-health-data", "gdpr-eea-residency", "no-extraterritorial-exposure"});
}

TEST_CASE("inventory::load_manifest: waivers keep owner / basis / globs / expiry and position", "[inventory]") {
  Diagnostics d;
  auto m = load_manifest(k_data / "full.yaml", at("2026-11-30"), d);
  REQUIRE(m);
  REQUIRE(m->waivers.size() == 2);
  const auto& w = m->waivers[0];
  CHECK(w.id == "W-AZURE");
  CHECK(w.requirement_glob == "SNC-*");
  CHECK(w.target_glob == "hdh-storage");
  CHECK(w.owner == "cto-office@example.fr");
  CHECK(w.legal_basis == "SCC 2021/914 + TIA-2026-04");
  CHECK(w.expires == date("2027-03-31"));
  CHECK(w.declared_at.line == 34);
  CHECK(m->waivers[1].id == "W2");  // default id: position in the list
  CHECK(m->waivers[1].legal_basis.empty());
}

TEST_CASE("inventory::parse_manifest: the waiver horizon is inclusive and relative to as_of", "[inventory]") {
  const std::string text =
      "schema: residency/manifest/v1\n"
      "metadata: {waiver_max_days: 30}\n"
      "targets: [{host: a.example.fr}]\n"
      "waivers:\n"
      "  - {requirement: X, target: '*', reason: r, owner: o, expires: 2026-12-30}\n";
  Diagnostics d;
  CHECK(parse_manifest(text, "m.yaml", at("2026-11-30"), d));  // exactly 30 days ahead
  auto late = problems_of(text, at("2026-11-29"));             // 31 days ahead
  REQUIRE(late.size() == 1);
  CHECK(late[0].to_string() ==
        "m.yaml:5:65: waiver W1 expires on 2026-12-30, 31 days after the audit date 2026-11-29; expected at most "
        "waiver_max_days (30) days ahead");
  // An already expired waiver loads: applying waivers reports it.
  Diagnostics d2;
  CHECK(parse_manifest(text, "m.yaml", at("2027-06-01"), d2));
}

TEST_CASE("inventory::parse_manifest: default horizon is 365 days / owner and reason are required", "[inventory]") {
  const std::string text =
      "schema: residency/manifest/v1\n"
      "targets: [{host: a.example.fr}]\n"
      "waivers:\n"
      "  - {requirement: X, target: '*', expires: 2027-12-01}\n";
  auto d = problems_of(text);
  REQUIRE(d.size() == 3);
  CHECK(d[0].to_string() == "m.yaml:4:5: waiver W1 has no 'reason'; expected why the exception is accepted");
  CHECK(d[1].to_string() == "m.yaml:4:5: waiver W1 has no 'owner'; expected the person or team accountable for it");
  CHECK(d[2].message.find("366 days after the audit date 2026-11-30") != std::string::npos);
}

TEST_CASE("inventory::parse_manifest: the error summarises every problem", "[inventory]") {
  Diagnostics d;
  auto m = parse_manifest("schema: x\ntargets: [{hots: a}, {ip: 1.2.3}]\n", "m.yaml", at("2026-11-30"), d);
  REQUIRE_FALSE(m);
  CHECK(m.error().to_string() == "m.yaml: 3 problems in the manifest");
  CHECK(m.error().code == core::ErrorCode::config);
  CHECK(d.size() == 3);
}

TEST_CASE("inventory::parse_manifest: empty documents and non-map roots", "[inventory]") {
  CHECK(to_string(problems_of("")) ==
        "m.yaml:1:1: the manifest is empty; expected a map with schema, metadata, policies, targets, waivers\n");
  CHECK(to_string(problems_of("- host: a\n")) ==
        "m.yaml:1:1: the manifest is a list; expected a map with schema, metadata, policies, targets, waivers\n");
}

TEST_CASE("inventory::load_manifest: a missing file is an I/O error", "[inventory]") {
  Diagnostics d;
  auto m = load_manifest(k_data / "no-such-manifest.yaml", at("2026-11-30"), d);
  REQUIRE_FALSE(m);
  CHECK(m.error().code == core::ErrorCode::io);
  CHECK(d.size() == 1);
}

// Golden files: tests/data/manifests/broken/NAME.yaml gives exactly the lines of NAME.expected.
// RESIDENCY_UPDATE_GOLDEN=1 rewrites the expected files (review the diff).
TEST_CASE("inventory::parse_manifest: broken manifests give file:line:column messages (goldens)", "[inventory]") {
  const bool update = std::getenv("RESIDENCY_UPDATE_GOLDEN") != nullptr;
  int cases = 0;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(k_data / "broken")) {
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  }
  std::ranges::sort(files);
  for (const auto& path : files) {
    auto text = core::read_file(path);
    REQUIRE(text);
    Diagnostics d;
    const std::string name = "broken/" + path.filename().string();
    auto m = parse_manifest(*text, name, at("2026-11-30"), d);
    INFO(name);
    CHECK_FALSE(m);
    CHECK_FALSE(d.empty());
    fs::path expected_path = path;
    expected_path.replace_extension(".expected");
    if (update) REQUIRE(core::write_file_atomic(expected_path, to_string(d)));
    auto expected = core::read_file(expected_path);
    REQUIRE(expected);
    CHECK(to_string(d) == *expected);
    ++cases;
  }
  CHECK(cases >= 8);
}

TEST_CASE("inventory::parse_manifest: odd YAML gives diagnostics / never a crash", "[inventory]") {
  const char* inputs[] = {
      "schema: residency/manifest/v1\ntargets:\n  - {[a]: b}\n",
      "schema: residency/manifest/v1\ntargets:\n  - host:\n",
      "schema: residency/manifest/v1\ntargets:\n  - host: {a: b}\n    tags: {x: [1]}\n",
      "schema: residency/manifest/v1\ntargets: &t [*t]\n",
      "schema: residency/manifest/v1\ntargets:\n  -\n  - ~\n",
      "\x01\x02\xff\xfe: [\n",
      "schema: residency/manifest/v1\ntargets: [{host: a.fr}]\nwaivers: {a: b}\n",
      "schema: residency/manifest/v1\ntargets: [{host: a.fr, policies: {replace: x}}]\nwaivers: [x]\n",
  };
  for (const char* text : inputs) {
    INFO(text);
    Diagnostics d;
    auto m = parse_manifest(text, "m.yaml", at("2026-11-30"), d);
    CHECK_FALSE(m);
    CHECK_FALSE(d.empty());
    for (const auto& e : d) CHECK(e.where.starts_with("m.yaml:"));
  }
}

TEST_CASE("inventory::parse_manifest: recursive aliases and alias bombs are bounded", "[inventory]") {
  auto d = problems_of("schema: residency/manifest/v1\ntargets: &t [*t]\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message.find("recursive alias") != std::string::npos);

  std::string bomb = "schema: residency/manifest/v1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 7; ++i) {
    bomb += fmt::format("a{}: &a{} [", i, i);
    for (int j = 0; j < 10; ++j) bomb += fmt::format("{}*a{}", j == 0 ? "" : ", ", i - 1);
    bomb += "]\n";
  }
  auto b = problems_of(bomb + "targets: [{host: a.fr}]\n");
  REQUIRE(b.size() == 1);
  CHECK(b[0].message.find("aliases expand the document beyond") != std::string::npos);
}

TEST_CASE("inventory::parse_manifest: `https: true` marks a host target for the HTTPS probe", "[inventory]") {
  Diagnostics d;
  auto m = parse_manifest(
      "schema: residency/manifest/v1\npolicies: [p]\ntargets:\n  - host: a.example\n    https: true\n  - host: "
      "b.example\n",
      "m.yaml", at("2026-11-30"), d);
  REQUIRE(m);
  CHECK(find(*m, "a.example").target.https);
  CHECK_FALSE(find(*m, "b.example").target.https);
  CHECK(to_string(problems_of("schema: residency/manifest/v1\ntargets:\n  - host: a.example\n    https: yes\n")) ==
        "m.yaml:4:12: 'https' is 'yes'; expected true or false\n");
  CHECK(
      to_string(problems_of("schema: residency/manifest/v1\ntargets:\n  - url: https://a.example/\n    https: true\n"))
          .starts_with("m.yaml:4:12: 'https' applies to host targets"));
  CHECK(to_string(problems_of("schema: residency/manifest/v1\ntargets:\n"
                              "  - cloud_resource: {provider: azure, region: x, service: y}\n    https: true\n"))
            .starts_with("m.yaml:4:12: 'https' applies to host targets"));
}
