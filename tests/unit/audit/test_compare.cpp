// audit::compare on the shipped rule packs: one row per offer, each judged in its best EEA region
// with TLS at its own provider; plain-words reasons; the verdict that changes when a qualification
// expires (Outscale's SecNumCloud, valid until 2026-11-30 inclusive); ordering; unknown ids.
#include "audit/compare.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

namespace {

core::ComparisonResult compare_on(const char* date, std::vector<std::string> providers,
                                  const char* policy = "fr-health-data") {
  audit::CompareOptions o;
  o.policy = policy;
  o.providers = std::move(providers);
  o.as_of = *core::parse_date(date);
  o.tool_version = "test";
  core::Diag diag;
  diag.capture();
  auto r = audit::compare(o, diag);
  INFO((r ? "" : r.error().to_string()));
  REQUIRE(r);
  return std::move(*r);
}

const core::ComparisonOffer& offer(const core::ComparisonResult& r, const std::string& provider,
                                   const std::string& id) {
  auto it = std::find_if(r.offers.begin(), r.offers.end(),
                         [&](const auto& o) { return o.provider == provider && o.offer == id; });
  INFO(provider << "/" << id);
  REQUIRE(it != r.offers.end());
  return *it;
}

const core::ComparisonCell& cell(const core::ComparisonOffer& o, const std::string& requirement) {
  auto it =
      std::find_if(o.cells.begin(), o.cells.end(), [&](const auto& c) { return c.requirement_id == requirement; });
  REQUIRE(it != o.cells.end());
  return *it;
}

}  // namespace

TEST_CASE("audit::compare: fr-health-data before and after a qualification expires", "[audit][compare]") {
  const auto before = compare_on("2026-11-30", {"outscale", "azure", "ovhcloud"});
  const auto after = compare_on("2026-12-01", {"outscale", "azure", "ovhcloud"});
  REQUIRE(before.requirements.size() == 6);
  CHECK(before.tags == std::map<std::string, std::string>{{"classification", "health"}});

  const auto& snc_before = offer(before, "outscale", "outscale-iaas");
  CHECK(snc_before.region == "cloudgouv-eu-west-1");
  CHECK(cell(snc_before, "HDH-SECNUMCLOUD").verdict == core::Verdict::pass);
  CHECK(cell(snc_before, "HDH-SECNUMCLOUD").reason == "SecNumCloud qualified (ANSSI decision 2118), until 2026-11-30");
  const auto& snc_after = offer(after, "outscale", "outscale-iaas");
  CHECK(cell(snc_after, "HDH-SECNUMCLOUD").verdict == core::Verdict::fail);
  CHECK(cell(snc_after, "HDH-SECNUMCLOUD").reason.find("SecNumCloud expired on 2026-11-30") != std::string::npos);
  auto valid = [](const core::ComparisonOffer& o, const std::string& key) {
    return std::any_of(o.certifications.begin(), o.certifications.end(),
                       [&](const auto& c) { return c.key == key && c.valid; });
  };
  CHECK(valid(snc_before, "secnumcloud:outscale-iaas"));
  CHECK_FALSE(valid(snc_after, "secnumcloud:outscale-iaas"));
  // Its HDS certificate names no region, so both French regions are offered; on 2026-11-30 the
  // tie goes to the region the SecNumCloud qualification names.
  CHECK(snc_before.eea_regions == std::vector<std::string>{"cloudgouv-eu-west-1", "eu-west-2"});
}

TEST_CASE("audit::compare: reasons in plain words, one row per offer, most passes first", "[audit][compare]") {
  const auto r = compare_on("2026-12-01", {"azure", "ovhcloud", "alibaba", "outscale"});
  const auto& azure = offer(r, "azure", "azure-public");
  CHECK(cell(azure, "HDH-IMMUNITY").verdict == core::Verdict::fail);
  CHECK(cell(azure, "HDH-IMMUNITY").reason.starts_with("operator Microsoft Corporation (US): CLOUD Act"));
  CHECK(cell(azure, "HDH-HDS").verdict == core::Verdict::pass);
  CHECK(cell(azure, "HDH-HDS").reason == "HDS certified (Schellman certificate 1042480-3), until 2027-10-30");
  CHECK(cell(azure, "HDH-NO-FOREIGN-CDN").verdict == core::Verdict::fail);
  CHECK(cell(azure, "HDH-LOC").verdict == core::Verdict::pass);
  CHECK(std::find(azure.eea_regions.begin(), azure.eea_regions.end(), "francecentral") != azure.eea_regions.end());
  CHECK(std::find(azure.eea_regions.begin(), azure.eea_regions.end(), "uksouth") == azure.eea_regions.end());
  // OVHcloud: one row per certified offer; its qualified Hosted Private Cloud passes everything.
  const auto ovh_rows =
      std::count_if(r.offers.begin(), r.offers.end(), [](const auto& o) { return o.provider == "ovhcloud"; });
  CHECK(ovh_rows == 9);
  const auto& hpc = offer(r, "ovhcloud", "ovhcloud-hpc-snc");
  CHECK(cell(hpc, "HDH-SECNUMCLOUD").verdict == core::Verdict::pass);  // qualified until 2026-12-29
  CHECK(cell(hpc, "HDH-SECNUMCLOUD").reason == "SecNumCloud qualified (ANSSI decision 2279), until 2026-12-29");
  CHECK(cell(hpc, "HDH-IMMUNITY").reason ==
        "operator OVH SAS (FR), parent OVH Groupe SA (FR): no law with extraterritorial reach");
  // OVH's US and Canadian regions are not EEA regions.
  CHECK(std::find(hpc.eea_regions.begin(), hpc.eea_regions.end(), "us-east-va") == hpc.eea_regions.end());
  for (std::size_t i = 1; i < r.offers.size(); ++i) {
    const auto& a = r.offers[i - 1].counts;
    const auto& b = r.offers[i].counts;
    CHECK((a.pass > b.pass || (a.pass == b.pass && a.fail <= b.fail)));
  }
  // A provider with no certified offer and no EEA region in the rule data: one row, location unknown.
  const auto& ali = offer(r, "alibaba", "");
  CHECK(ali.region.empty());
  CHECK(cell(ali, "HDH-LOC").verdict == core::Verdict::unknown);
  CHECK(cell(ali, "HDH-IMMUNITY").reason.starts_with("parent Alibaba Group Holding Ltd (CN): "));
  CHECK(r.offers.back().provider == "alibaba");
}

TEST_CASE("audit::compare: a requirement that does not select the judged target is n/a", "[audit][compare]") {
  const auto r = compare_on("2026-11-30", {"scaleway"}, "gdpr-eea-residency");
  for (const auto& o : r.offers) {
    for (const auto& c : o.cells) {
      CHECK(c.applies);  // gdpr-eea-residency applies to every target
      CHECK_FALSE(c.reason.empty());
    }
  }
}

TEST_CASE("audit::compare: unknown policy and provider ids are usage errors with a hint", "[audit][compare]") {
  core::Diag diag;
  diag.capture();
  audit::CompareOptions o;
  o.policy = "fr-health-dta";
  o.as_of = *core::parse_date("2026-11-30");
  auto r = audit::compare(o, diag);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == core::ErrorCode::usage);
  CHECK(r.error().message.find("did you mean 'fr-health-data'") != std::string::npos);
  o.policy = "fr-health-data";
  o.providers = {"ovhclod"};
  r = audit::compare(o, diag);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("did you mean 'ovhcloud'") != std::string::npos);
}
