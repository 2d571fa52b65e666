// audit::plan_targets and audit::run with --terraform, on the shipped rule packs: every resource's
// provider and location for the hand-written plans (tests/data/terraform/) and the four real plans
// of ../shared/data/terraform-plans/ (goldens under tests/data/terraform/expected/, rewritten by
// RESIDENCY_UPDATE_GOLDEN=1 — review the diff), region normalisation, multi-regions, global
// services, partitions, unknown regions with the closest code, and the verdicts they lead to.
#include "audit/run.hpp"
#include "audit/terraform.hpp"
#include "audit_fixtures.hpp"
#include "core/atomic_file.hpp"
#include "policy/attribute.hpp"
#include "policy/load.hpp"
#include "policy/region_names.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace {

using audit_test::k_as_of;

const policy::RuleSet& rules() { return audit_test::shipped_rules(); }

std::string source(const std::string& rel) { return std::string(RESIDENCY_SOURCE_DIR) + "/" + rel; }

std::string shared_plan(const std::string& name) {
  const fs::path p = fs::path(RESIDENCY_SOURCE_DIR) / ".." / "shared" / "data" / "terraform-plans" / name;
  INFO("real plan missing: " << fs::weakly_canonical(p).string() << " (see ../shared/data/terraform-plans/SOURCE.md)");
  REQUIRE(fs::is_regular_file(p));
  return p.string();
}

std::string_view kind_name(audit::PlanLocation::Kind k) {
  using K = audit::PlanLocation::Kind;
  switch (k) {
    case K::region:
      return "region";
    case K::multi_region:
      return "multi-region";
    case K::global:
      return "global";
    case K::undetermined:
      return "undetermined";
    case K::unknown_region:
      return "unknown-region";
    case K::unmapped:
      return "unmapped";
  }
  return "?";
}

// One line per target: address, provider, kind, region (and members).
std::string locations(const audit::PlanTargets& plan) {
  std::string out;
  for (const auto& t : plan.targets) {
    const auto& l = t.location;
    out += fmt::format("{}\t{}\t{}\t{}{}\n", t.target.id, l.provider.empty() ? "-" : l.provider, kind_name(l.kind),
                       l.region.empty() ? "-" : l.region,
                       l.members.empty() ? "" : fmt::format("\t[{}]", fmt::join(l.members, ", ")));
  }
  return out;
}

void check_golden(const std::string& name, const std::string& actual) {
  const fs::path path = source("tests/data/terraform/expected/" + name + ".tsv");
  if (std::getenv("RESIDENCY_UPDATE_GOLDEN") != nullptr) REQUIRE(core::write_file_atomic(path, actual));
  auto expected = core::read_file(path);
  INFO("golden " << path.string() << " (RESIDENCY_UPDATE_GOLDEN=1 rewrites it)\n" << actual);
  REQUIRE(expected);
  CHECK(*expected == actual);
}

audit::PlanTargets targets_of(const std::string& path) {
  auto plan = audit::plan_targets(path, rules());
  INFO(path << ": " << (plan ? "" : plan.error().to_string()));
  REQUIRE(plan);
  return std::move(*plan);
}

const audit::PlanTarget& target(const audit::PlanTargets& plan, const std::string& id) {
  auto it = std::find_if(plan.targets.begin(), plan.targets.end(), [&](const auto& t) { return t.target.id == id; });
  INFO("target " << id);
  REQUIRE(it != plan.targets.end());
  return *it;
}

core::AuditResult audit_plan(const std::string& path, std::vector<std::string> policies,
                             std::map<std::string, std::string> tags = {}) {
  audit::AuditOptions o;
  o.terraform = {path};
  o.policies = std::move(policies);
  o.plan_tags = std::move(tags);
  o.as_of = k_as_of;
  o.rules.as_of = k_as_of;
  o.tool_version = "test";
  o.started_at = "2026-11-30T00:00:00Z";
  core::Diag diag;
  diag.capture();
  auto r = audit::run(o, diag);
  INFO((r ? "" : r.error().to_string()));
  REQUIRE(r);
  return std::move(*r);
}

const core::Finding& finding(const core::AuditResult& r, const std::string& target, const std::string& requirement) {
  auto it = std::find_if(r.findings.begin(), r.findings.end(),
                         [&](const auto& f) { return f.target_id == target && f.requirement_id == requirement; });
  INFO(target << " " << requirement);
  REQUIRE(it != r.findings.end());
  return *it;
}

const core::Fact& fact(const core::AuditResult& r, const std::string& target, const std::string& path) {
  const auto t = r.target(target);
  REQUIRE(t != nullptr);
  const auto* f = t->facts.find(path);
  INFO(target << " " << path);
  REQUIRE(f != nullptr);
  return *f;
}

}  // namespace

TEST_CASE("audit::plan_targets: every resource's location in the hand-written plans", "[audit][terraform]") {
  for (const char* name : {"v0.1-aws-aliases", "v0.2-azure-display-names", "v1.0-gcp-locations", "v1.1-nested-modules",
                           "v1.2-partitions-and-unknowns"}) {
    check_golden(name, locations(targets_of(source(fmt::format("tests/data/terraform/{}.json", name)))));
  }
}

TEST_CASE("audit::plan_targets: every resource's location in the four real plans", "[audit][terraform]") {
  for (const char* name : {"P1", "P2", "P4", "P7"}) {
    check_golden(name, locations(targets_of(shared_plan(fmt::format("{}.json", name)))));
  }
  // P1: the variable says "Germany West Central"; the resources say germanywestcentral.
  const auto p1 = targets_of(shared_plan("P1.json"));
  CHECK(target(p1, "azurerm_kubernetes_cluster.aks").target.region == "germanywestcentral");
  // P2: random_* resources are not targets; Traffic Manager is global; subnets have no location.
  const auto p2 = targets_of(shared_plan("P2.json"));
  CHECK(p2.targets.size() == 57);
  CHECK(std::count_if(p2.skipped.begin(), p2.skipped.end(),
                      [](const auto& s) { return s.find("creates no cloud resource") != std::string::npos; }) == 8);
  CHECK(target(p2,
               "module.server[\"UK "
               "South\"].module.public_load_balancer.azurerm_traffic_manager_profile.example_traffic_manager")
            .location.kind == audit::PlanLocation::Kind::global);
  const auto& subnet = target(p2, "module.server[\"North Europe\"].module.example_vpc.azurerm_subnet.example_subnet");
  CHECK(subnet.location.kind == audit::PlanLocation::Kind::undetermined);
  CHECK(subnet.target.region.empty());  // never borrowed from var.location or a sibling resource
  // P4: a self-link region; global load-balancer parts.
  const auto p4 = targets_of(shared_plan("P4.json"));
  CHECK(target(p4, "google_compute_region_network_endpoint_group.serverless_neg").location.region == "us-central1");
  CHECK(target(p4, "module.lb-http.google_compute_global_forwarding_rule.https[0]").location.kind ==
        audit::PlanLocation::Kind::global);
  // P7: the region through var.aws_region in the provider block, three levels of modules down.
  const auto p7 = targets_of(shared_plan("P7.json"));
  const auto& log = target(
      p7,
      "module.vpcs[\"spoke-vpc-a\"].module.flow_logs[0].module.cloudwatch_log_group[0].aws_cloudwatch_log_group.main");
  CHECK(log.location.region == "eu-central-1");
  CHECK(log.location.where.ends_with("variables.aws_region.value"));
  CHECK(p7.targets.size() == 60);
}

TEST_CASE("policy::resolve_region_name: display names, self-links, zones and case, never a near guess",
          "[audit][terraform]") {
  auto code = [](const char* provider, const char* raw) {
    auto r = policy::resolve_region_name(rules().providers.at(provider), raw);
    return r.region != nullptr ? r.code : "?" + r.code;
  };
  CHECK(code("azure", "Germany West Central") == "germanywestcentral");
  CHECK(code("azure", "FRANCECENTRAL") == "francecentral");
  CHECK(code("azure", "centralfrance") == "francecentral");  // a feed alias
  CHECK(code("gcp", "https://www.googleapis.com/compute/v1/projects/p/regions/europe-west9") == "europe-west9");
  CHECK(code("gcp", "projects/p/zones/europe-west9-b") == "europe-west9");
  CHECK(code("gcp", "europe-west9-a") == "europe-west9");
  CHECK(code("gcp", "EUR4") == "eur4");
  CHECK(code("aws", "eu-west-3a") == "eu-west-3");
  CHECK(code("aws", "us-east-1-bos-1a") == "us-east-1");  // a Local Zone
  CHECK(code("aws", "eu-west-10") == "?eu-west-10");      // not eu-west-1 plus a zone
  CHECK(code("aws", "eu-west-3ab") == "?eu-west-3ab");
  CHECK(code("ovhcloud", "gra11") == "gra");
  CHECK(code("scaleway", "fr-par-2") == "fr-par");
  CHECK(code("outscale", "cloudgouv-eu-west-1a") == "cloudgouv-eu-west-1");
  auto typo = policy::resolve_region_name(rules().providers.at("azure"), "germanywestcentrl");
  CHECK(typo.region == nullptr);
  REQUIRE(typo.hint);
  CHECK(*typo.hint == "germanywestcentral");
}

TEST_CASE("audit::run --terraform: an unknown region is an unknown verdict and a warning with the closest code",
          "[audit][terraform]") {
  const auto r = audit_plan(source("tests/data/terraform/v0.2-azure-display-names.json"), {"gdpr-eea-residency"});
  const auto& f = finding(r, "azurerm_storage_account.typo", "GDPR-EEA-LOC");
  CHECK(f.verdict == core::Verdict::unknown);
  CHECK(f.message.find("did you mean 'francecentral'") != std::string::npos);
  CHECK(std::any_of(r.warnings.begin(), r.warnings.end(), [](const auto& w) {
    return w.find("unknown region 'francecentrall'") != std::string::npos &&
           w.find("did you mean 'francecentral'") != std::string::npos &&
           w.find("azurerm_storage_account.typo") != std::string::npos;
  }));
  CHECK(fact(r, "azurerm_storage_account.typo", "served_from.regions").status == core::FactStatus::unknown);
  // A display name is its ARM region; "global" and Traffic Manager are global, never located.
  CHECK(finding(r, "azurerm_resource_group.main", "GDPR-EEA-LOC").verdict == core::Verdict::pass);
  CHECK(fact(r, "azurerm_traffic_manager_profile.tm", "served_from.countries").status ==
        core::FactStatus::indeterminate);
  CHECK(fact(r, "azurerm_monitor_action_group.ops", "served_from.status").values ==
        std::vector<std::string>{"indeterminate"});
  CHECK(finding(r, "azurerm_subnet.app", "GDPR-EEA-LOC").verdict == core::Verdict::unknown);
  CHECK(fact(r, "azurerm_subnet.app", "served_from.countries").detail.find("region not determined by the plan") !=
        std::string::npos);
}

TEST_CASE("audit::run --terraform: multi-regions, partitions, China, unmapped providers", "[audit][terraform]") {
  const auto gcp = audit_plan(source("tests/data/terraform/v1.0-gcp-locations.json"), {"gdpr-eea-residency"});
  CHECK(fact(gcp, "google_storage_bucket.dual", "served_from.regions").values ==
        std::vector<std::string>{"gcp:europe-north1", "gcp:europe-west4"});
  CHECK(fact(gcp, "google_storage_bucket.dual", "served_from.countries").values ==
        std::vector<std::string>{"FI", "NL"});
  CHECK(gcp.target("google_storage_bucket.dual")->target.region == "eur4");
  // EU names no member regions in the rule data: unknown, never the provider's default region.
  CHECK(fact(gcp, "google_storage_bucket.eu", "served_from.countries").status == core::FactStatus::unknown);
  CHECK(finding(gcp, "google_storage_bucket.eu", "GDPR-EEA-LOC").verdict == core::Verdict::unknown);

  const auto aws =
      audit_plan(source("tests/data/terraform/v1.2-partitions-and-unknowns.json"), {"no-extraterritorial-exposure"});
  CHECK(fact(aws, "aws_s3_bucket.sovereign", "controlled_by.providers").values ==
        std::vector<std::string>{"aws-european-sovereign-cloud"});
  const auto& laws = fact(aws, "aws_s3_bucket.sovereign", "controlled_by.laws").values;
  CHECK(std::find(laws.begin(), laws.end(), "us-cloud-act") != laws.end());  // still a US parent
  const auto& cn = fact(aws, "aws_s3_bucket.china", "controlled_by.countries").values;
  CHECK(std::find(cn.begin(), cn.end(), "CN") != cn.end());  // run by a Chinese operator
  CHECK(fact(aws, "kubernetes_namespace.ns", "controlled_by.laws").status == core::FactStatus::unknown);
  CHECK(fact(aws, "kubernetes_namespace.ns", "controlled_by.laws").detail.find("not in the Terraform provider table") !=
        std::string::npos);
  CHECK(fact(aws, "aws_s3_bucket.env", "served_from.countries").detail.find("environment or a profile") !=
        std::string::npos);
}

TEST_CASE("audit::run --terraform: tags select policies, --tag fills them in, targets point into the plan",
          "[audit][terraform]") {
  const auto plan = source("tests/data/terraform/v0.1-aws-aliases.json");
  const auto tagged = audit_plan(plan, {"fr-health-data"});
  // Only aws_s3_bucket.logs carries classification=health.
  std::set<std::string> judged;
  for (const auto& f : tagged.findings) judged.insert(f.target_id.str());
  CHECK(judged == std::set<std::string>{"aws_s3_bucket.logs"});
  CHECK(finding(tagged, "aws_s3_bucket.logs", "HDH-IMMUNITY").verdict == core::Verdict::fail);
  CHECK(finding(tagged, "aws_s3_bucket.logs", "HDH-LOC").verdict == core::Verdict::pass);
  const auto all = audit_plan(plan, {"fr-health-data"}, {{"classification", "health"}});
  CHECK(std::any_of(all.findings.begin(), all.findings.end(),
                    [](const auto& f) { return f.target_id == "aws_instance.us"; }));
  CHECK(finding(all, "aws_instance.us", "HDH-LOC").verdict == core::Verdict::fail);
  const auto t = all.target("aws_instance.us");
  REQUIRE(t != nullptr);
  CHECK(t->target.kind == core::TargetKind::cloud_resource);
  CHECK(t->target.service == "aws_instance");
  CHECK(t->target.declared_at.file == plan);
  CHECK(t->target.declared_at.line > 0);
  CHECK(std::find(all.inputs.begin(), all.inputs.end(), plan) != all.inputs.end());
}

TEST_CASE("audit::run --terraform: a plan with no cloud resource is an expected empty audit, exit 0",
          "[audit][terraform]") {
  const fs::path dir =
      fs::path(std::getenv("RESIDENCY_TEST_TMP") != nullptr ? std::getenv("RESIDENCY_TEST_TMP") : "/tmp") / "tf-empty";
  fs::create_directories(dir);
  const fs::path path = dir / "only-random.json";
  REQUIRE(core::write_file_atomic(path, R"({"format_version": "1.2", "resource_changes": [
    {"address": "random_id.x", "mode": "managed", "type": "random_id", "name": "x", "provider_name": "registry.terraform.io/hashicorp/random",
     "change": {"actions": ["create"], "before": null, "after": {}}}]})"));
  audit::AuditOptions o;
  o.terraform = {path};
  o.policies = {"gdpr-eea-residency"};
  o.as_of = k_as_of;
  o.rules.as_of = k_as_of;
  core::Diag diag;
  diag.capture();
  auto r = audit::run(o, diag);
  REQUIRE(r);
  CHECK(r->targets.empty());
  CHECK(r->findings.empty());
  CHECK(r->exit_code == 0);
  CHECK(std::any_of(r->warnings.begin(), r->warnings.end(), [](const std::string& w) {
    return w.find("creates or changes no resource") != std::string::npos;
  }));
}

TEST_CASE("policy::attribute: a region known to exist but not located gives no country", "[audit][terraform]") {
  // Declared (a plan's "Denmark East"): the location stays unknown, with the reason.
  const auto r = audit_plan(source("tests/data/terraform/v0.2-azure-display-names.json"), {"gdpr-eea-residency"});
  CHECK(r.target("azurerm_storage_account.dk")->target.region == "denmarkeast");
  CHECK(fact(r, "azurerm_storage_account.dk", "served_from.regions").values ==
        std::vector<std::string>{"azure:denmarkeast"});
  const auto& c = fact(r, "azurerm_storage_account.dk", "served_from.countries");
  CHECK(c.status == core::FactStatus::unknown);
  CHECK(c.detail == "region azure:denmarkeast has no sourced location in the rule data");
  CHECK(finding(r, "azurerm_storage_account.dk", "GDPR-EEA-LOC").verdict == core::Verdict::unknown);
  // Observed in a provider range: the address's GeoIP country is used, never an empty one.
  policy::Observations obs;
  obs.subject = "20.251.0.10";
  obs.addresses = {"20.251.0.10"};
  obs.ranges = {{"20.251.0.10", "azure", "denmarkeast", "AzureCloud", "test feed"}};
  obs.geo = {{"20.251.0.10", "DK", core::FactStatus::known, "test geoip", "geolocation"}};
  const auto a = policy::attribute(rules(), obs, k_as_of);
  const auto* countries = a.facts.find("served_from.countries");
  REQUIRE(countries != nullptr);
  CHECK(countries->status == core::FactStatus::known);
  CHECK(countries->values == std::vector<std::string>{"DK"});
}

TEST_CASE("audit::run --terraform: resources no requirement applies to are told once per plan", "[audit][terraform]") {
  const auto r = audit_plan(source("tests/data/terraform/v0.2-azure-display-names.json"), {"fr-health-data"});
  std::vector<std::string> told;
  for (const auto& w : r.warnings) {
    if (w.find("it is not judged") != std::string::npos) told.push_back(w);
  }
  REQUIRE(told.size() == 1);  // 8 untagged resources; only azurerm_resource_group.main is health data
  CHECK(told.front().find("and so are 7 more resources of") != std::string::npos);
  CHECK(std::all_of(r.findings.begin(), r.findings.end(),
                    [](const auto& f) { return f.target_id == "azurerm_resource_group.main"; }));
}
