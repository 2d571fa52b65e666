// core::TargetStore and its encoding: a target read back from the scratch file is the target that
// was added, field for field, and a report rendered from stored targets is the one rendered from
// targets in memory (tests/unit/report/test_formats.cpp).
#include "core/target_store.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const char* name) {
  fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A target with every field of every part set to something other than its default.
core::TargetReport full_target(const std::string& id) {
  core::TargetReport t;
  t.target.id = id;
  t.target.kind = core::TargetKind::url;
  t.target.value = "https://" + id + "/path";
  t.target.host = id;
  t.target.tags = {{"classification", "health"}, {"offer", "azure-public"}};
  t.target.https = true;
  t.target.provider = "azure";
  t.target.region = "francecentral";
  t.target.service = "storage";
  t.target.tls_terminated_by = {"origin", "cloudflare"};
  t.target.declared_at = {"audit.yaml", 12, 5};
  t.target.credentials_dropped = true;
  t.target.declared_fields = {{"provider", {"audit.yaml", 13, 7}}, {"region", {"audit.yaml", 14, 7}}};
  core::Fact known;
  known.values = {"US", "FR"};
  known.provenance = {core::intern(core::Provenance{"geoip", "country.mmdb", "2026-11-30T00:00:00Z"}),
                      core::intern(core::Provenance{"dns", "127.0.0.1:53", ""})};
  known.possible = {"DE"};
  known.confidence = "low";
  t.facts.set("served_from.countries", known);
  core::Fact partial;
  partial.values = {"52.96.10.10"};
  partial.status = core::FactStatus::unknown;
  partial.detail = "timeout: unreachable";
  partial.partial = true;
  t.facts.set("dns.addresses", partial);
  t.facts.set_status("served_from.regions", core::FactStatus::indeterminate, "anycast network");
  t.evidence.push_back({"address", id, "52.96.10.10", "dns A", "high", "127.0.0.1:53"});
  t.evidence.push_back({"law", "US", "us-cloud-act", "18 U.S.C. § 2713", "", "rules/laws.yaml (as of 2026-11-30)"});
  t.certifications.push_back({"azure", "hds", "azure-public", "HDS", "ref-1", "valid", "covers the offer", "2024-01-01",
                              "2027-01-01", "rules/providers/azure.yaml"});
  t.placement.served = core::Placement::Served::elsewhere;
  t.placement.control = core::Placement::Control::non_eu;
  t.placement.served_note = "US";
  t.placement.control_note = "US · anycast";
  return t;
}

}  // namespace

TEST_CASE("core::decode_target reads back every field encode_target wrote", "[core]") {
  const core::TargetReport t = full_target("portal.example.fr");
  std::string bytes;
  core::encode_target(t, bytes);
  auto back = core::decode_target(bytes);
  REQUIRE(back);
  CHECK(back->target == t.target);
  CHECK(back->facts == t.facts);
  CHECK(back->evidence == t.evidence);
  CHECK(back->certifications == t.certifications);
  CHECK(back->placement == t.placement);
  CHECK(*back == t);
  // The interned parts come back as the same pooled texts and records, not copies.
  CHECK(back->facts.find("served_from.countries")->provenance == t.facts.find("served_from.countries")->provenance);
  CHECK(back->evidence.front().method.pooled() == t.evidence.front().method.pooled());

  const core::TargetReport empty;
  bytes.clear();
  core::encode_target(empty, bytes);
  auto none = core::decode_target(bytes);
  REQUIRE(none);
  CHECK(*none == empty);
}

TEST_CASE("core::decode_target refuses a cut or padded encoding", "[core]") {
  std::string bytes;
  core::encode_target(full_target("a.example"), bytes);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    INFO("first " << n << " of " << bytes.size() << " bytes");
    CHECK_FALSE(core::decode_target(std::string_view(bytes).substr(0, n)));
  }
  CHECK_FALSE(core::decode_target(bytes + '\0'));
  // The whole record is more than a chain.
  CHECK_FALSE(core::decode_evidence(bytes));
  CHECK_FALSE(core::decode_evidence(""));
}

TEST_CASE("core::TargetStore finds each target it kept, and visits them in id order", "[core]") {
  auto opened = core::TargetStore::open(fresh_dir("residency-target-store"));
  REQUIRE(opened);
  core::TargetStore& store = **opened;
  // Enough targets that the first ones are in the file and the last still in its 1 MiB buffer;
  // added out of id order.
  std::vector<std::string> ids;
  for (int i = 2999; i >= 0; --i) ids.push_back(fmt::format("t{:04}.example", i));
  for (const auto& id : ids) store.add(full_target(id));
  REQUIRE(store.size() == ids.size());
  for (const char* id : {"t0000.example", "t1500.example", "t2999.example"}) {
    auto t = store.find(id);
    REQUIRE(t != nullptr);
    CHECK(*t == full_target(id));
  }
  CHECK(store.find("t3000.example") == nullptr);
  CHECK(store.find("") == nullptr);
  // The same target twice in a row is read once: the same object.
  CHECK(store.find("t0001.example") == store.find("t0001.example"));
  // A chain alone, read from the first part of the record: of a target not read whole, of the
  // one just read whole, in the buffer and in the file.
  for (const char* id : {"t0002.example", "t0001.example", "t2999.example", "t0000.example"}) {
    INFO(id);
    auto evidence = store.find_evidence(id);
    REQUIRE(evidence != nullptr);
    CHECK(*evidence == full_target(id).evidence);
    CHECK(store.find_evidence(id) == evidence);
  }
  CHECK(store.find_evidence("t3000.example") == nullptr);

  std::vector<std::string> visited;
  store.for_each([&](const core::TargetReport& t) {
    CHECK(t == full_target(t.target.id));
    visited.push_back(t.target.id);
  });
  REQUIRE(visited.size() == ids.size());
  CHECK(std::is_sorted(visited.begin(), visited.end()));
  CHECK(visited.front() == "t0000.example");
  CHECK(store.status());
  // The scratch file is anonymous: nothing is left in the folder.
  CHECK(fs::is_empty(fs::temp_directory_path() / "residency-target-store"));
}

TEST_CASE("core::AuditResult reads stored targets as it reads held ones", "[core]") {
  auto opened = core::TargetStore::open(fresh_dir("residency-target-store-result"));
  REQUIRE(opened);
  (*opened)->add(full_target("b.example"));
  (*opened)->add(full_target("a.example"));
  core::AuditResult r;
  r.stored_targets = *opened;
  CHECK(r.target_count() == 2);
  REQUIRE(r.target("a.example") != nullptr);
  CHECK(r.target("a.example")->target.value == "https://a.example/path");
  core::Finding f;
  f.target_id = "b.example";
  auto evidence = r.evidence_of(f);
  REQUIRE(evidence != nullptr);
  CHECK(*evidence == full_target("b.example").evidence);
  f.target_id = "missing.example";
  auto none = r.evidence_of(f);
  REQUIRE(none != nullptr);
  CHECK(none->empty());
  std::vector<std::string> ids;
  r.for_each_target([&](const core::TargetReport& t) { ids.push_back(t.target.id); });
  CHECK(ids == std::vector<std::string>{"a.example", "b.example"});
  CHECK(r.targets_readable());
}
