// inventory::parse_plan / load_plan on hand-written plans of every format_version (0.1 to 1.2,
// tests/data/terraform/) and on the four real plans of ../shared/data/terraform-plans/ (read
// there at test time; a missing file fails naming its path): provider configuration keys
// (aliases, module-scoped keys inheriting from the root or through a module call's `providers`),
// variables through modules, after_unknown, skipped changes, JSON locations, line and column of
// each entry, a UTF-8 BOM, and malformed plans (each error names the JSON location at fault).
#include "core/atomic_file.hpp"
#include "inventory/terraform_plan.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using inventory::PlanValue;

namespace {

const inventory::PlanOptions k_options{{"location", "region", "zone", "availability_zone", "subregion_name"},
                                       {"region", "zone"}};

std::string source(const std::string& rel) { return std::string(RESIDENCY_SOURCE_DIR) + "/" + rel; }

// ../shared/data/terraform-plans/<name> beside the checkout; REQUIRE names the path when missing.
std::string shared_plan(const std::string& name) {
  const fs::path p = fs::path(RESIDENCY_SOURCE_DIR) / ".." / "shared" / "data" / "terraform-plans" / name;
  INFO("real plan missing: " << fs::weakly_canonical(p).string() << " (see ../shared/data/terraform-plans/SOURCE.md)");
  REQUIRE(fs::is_regular_file(p));
  return p.string();
}

inventory::Plan load(const std::string& path) {
  auto plan = inventory::load_plan(path, k_options);
  INFO(path << ": " << (plan ? "" : plan.error().to_string()));
  REQUIRE(plan);
  return std::move(*plan);
}

const inventory::PlanResource& find(const inventory::Plan& plan, const std::string& address) {
  auto it =
      std::find_if(plan.resources.begin(), plan.resources.end(), [&](const auto& r) { return r.address == address; });
  INFO("resource " << address);
  REQUIRE(it != plan.resources.end());
  return *it;
}

bool skipped(const inventory::Plan& plan, const std::string& address, const std::string& why_part) {
  return std::any_of(plan.skipped.begin(), plan.skipped.end(),
                     [&](const auto& s) { return s.address == address && s.why.find(why_part) != std::string::npos; });
}

std::string error_of(const std::string& text) {
  auto plan = inventory::parse_plan(text, "bad.json", k_options);
  REQUIRE_FALSE(plan);
  CHECK(plan.error().code == core::ErrorCode::data);
  return plan.error().to_string();
}

std::string file_text(const std::string& path) {
  auto t = core::read_file(path);
  REQUIRE(t);
  return *t;
}

}  // namespace

TEST_CASE("inventory::load_plan: every format_version from 0.1 to 1.2 is read", "[inventory][terraform]") {
  const std::vector<std::pair<std::string, std::string>> files = {{"v0.1-aws-aliases.json", "0.1"},
                                                                  {"v0.2-azure-display-names.json", "0.2"},
                                                                  {"v1.0-gcp-locations.json", "1.0"},
                                                                  {"v1.1-nested-modules.json", "1.1"},
                                                                  {"v1.2-partitions-and-unknowns.json", "1.2"}};
  for (const auto& [name, version] : files) {
    const auto plan = load(source("tests/data/terraform/" + name));
    CHECK(plan.format_version == version);
    CHECK_FALSE(plan.resources.empty());
    CHECK_FALSE(plan.errored);
  }
}

TEST_CASE("inventory::load_plan: format 0.1 (no full_name, bare provider names, 0.12 module keys)",
          "[inventory][terraform]") {
  const auto plan = load(source("tests/data/terraform/v0.1-aws-aliases.json"));
  CHECK(plan.terraform_version == "0.12.31");
  const auto& logs = find(plan, "aws_s3_bucket.logs");
  CHECK(logs.provider_name == "aws");
  CHECK(logs.provider_key == "aws");
  CHECK(logs.tags.at("classification") == "health");
  // The variable's value in the plan wins over the configuration's default (eu-west-1).
  const auto& region = logs.provider_attributes.at("region");
  CHECK(region.state == PlanValue::State::known);
  CHECK(region.value == "eu-west-3");
  CHECK(region.where == "variables.region.value");
  // Computed by the provider (not in the configuration's expressions): not a set value.
  CHECK(logs.attributes.at("region").state == PlanValue::State::computed);
  // An alias.
  const auto& us = find(plan, "aws_instance.us");
  CHECK(us.provider_key == "aws.us");
  CHECK(us.provider_attributes.at("region").value == "us-east-1");
  CHECK(us.provider_attributes.at("region").where == "configuration.provider_config[\"aws.us\"].expressions.region");
  // A 0.12-style module key with no entry of its own inherits the root's configuration.
  const auto& db = find(plan, "module.db.aws_db_instance.main");
  CHECK(db.provider_key == "aws");
  CHECK(db.provider_note.find("'module.db:aws' inherits 'aws'") != std::string::npos);
  CHECK(db.provider_attributes.at("region").value == "eu-west-3");
  // A zone on the resource.
  const auto& subnet = find(plan, "aws_subnet.a");
  CHECK(subnet.attributes.at("availability_zone").value == "eu-west-3a");
  CHECK(subnet.attributes.at("availability_zone").where == "resource_changes[2].change.after.availability_zone");
  // Not targets: a deletion with `before` only, a data source.
  CHECK(skipped(plan, "aws_s3_bucket.old", "delete"));
  CHECK(skipped(plan, "data.aws_caller_identity.me", "data source"));
  CHECK(plan.resources.size() == 6);  // random_id.suffix is a resource here; the audit drops non-cloud providers
}

TEST_CASE("inventory::load_plan: nested modules with keys holding spaces, dots and brackets",
          "[inventory][terraform]") {
  const auto plan = load(source("tests/data/terraform/v1.1-nested-modules.json"));
  // module.app.module.store:scaleway has no entry: it inherits module.app's own provider block,
  // whose region is var.region of module.app, set by the module call from the root's var.scw_region.
  const auto& bucket = find(plan, "module.app[\"eu west\"].module.store[\"a.b [x]\"].scaleway_object_bucket.b");
  CHECK(bucket.provider_key == "module.app:scaleway");
  const auto& region = bucket.provider_attributes.at("region");
  REQUIRE(region.state == PlanValue::State::known);
  CHECK(region.value == "nl-ams");
  CHECK(region.where == "variables.scw_region.value");
  // The module call's `providers` map sends module.backup's scaleway to the root's scaleway.waw.
  const auto& copy = find(plan, "module.backup.scaleway_object_bucket.copy");
  CHECK(copy.provider_key == "scaleway.waw");
  CHECK(copy.provider_attributes.at("region").value == "pl-waw");
  // The resource's own zone.
  CHECK(find(plan, "module.app[\"eu west\"].scaleway_instance_server.web").attributes.at("zone").value == "fr-par-2");
  // A provider block that sets no region: absent, with the reason.
  const auto& kube = find(plan, "ovh_cloud_project_kube.k");
  CHECK(kube.provider_attributes.at("region").state == PlanValue::State::absent);
  CHECK(kube.provider_attributes.at("region").why.find("sets no 'region'") != std::string::npos);
  CHECK(kube.attributes.at("region").value == "GRA11");
}

TEST_CASE("inventory::load_plan: references that the plan cannot evaluate stay unresolved", "[inventory][terraform]") {
  const auto plan = load(source("tests/data/terraform/v1.2-partitions-and-unknowns.json"));
  auto region_of = [&](const std::string& address) { return find(plan, address).provider_attributes.at("region"); };
  CHECK(region_of("aws_s3_bucket.from_local").state == PlanValue::State::unresolved);
  CHECK(region_of("aws_s3_bucket.from_local").why.find("local.region") != std::string::npos);
  CHECK(region_of("aws_s3_bucket.from_index").why.find("uses part of var.regions") != std::string::npos);
  CHECK(region_of("aws_s3_bucket.from_list").why.find("is a list") != std::string::npos);
  CHECK(region_of("aws_s3_bucket.env").state == PlanValue::State::absent);
  CHECK(region_of("aws_s3_bucket.sovereign").value == "eusc-de-east-1");
  CHECK(find(plan, "aws_s3_bucket.own_region").provider_name == "registry.opentofu.org/hashicorp/aws");
  CHECK(skipped(plan, "aws_s3_bucket.forgotten", "forget"));
}

TEST_CASE("inventory::load_plan: after_unknown is computed, or set but known only after apply",
          "[inventory][terraform]") {
  const std::string text = R"({"format_version": "1.2", "resource_changes": [
    {"address": "azurerm_key_vault.a", "mode": "managed", "type": "azurerm_key_vault", "name": "a", "provider_name": "registry.terraform.io/hashicorp/azurerm",
     "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"location": true}}},
    {"address": "azurerm_key_vault.b", "mode": "managed", "type": "azurerm_key_vault", "name": "b", "provider_name": "registry.terraform.io/hashicorp/azurerm",
     "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"location": true}}}],
   "configuration": {"root_module": {"resources": [
     {"address": "azurerm_key_vault.a", "mode": "managed", "type": "azurerm_key_vault", "name": "a", "provider_config_key": "azurerm"},
     {"address": "azurerm_key_vault.b", "mode": "managed", "type": "azurerm_key_vault", "name": "b", "provider_config_key": "azurerm",
      "expressions": {"location": {"references": ["azurerm_resource_group.rg.location"]}}}]}}})";
  auto plan = inventory::parse_plan(text, "p.json", k_options);
  REQUIRE(plan);
  CHECK(find(*plan, "azurerm_key_vault.a").attributes.at("location").state == PlanValue::State::computed);
  CHECK(find(*plan, "azurerm_key_vault.b").attributes.at("location").state == PlanValue::State::after_apply);
  CHECK(find(*plan, "azurerm_key_vault.b").provider_note == "no provider block 'azurerm' in the configuration");
}

TEST_CASE("inventory::load_plan: each target points at its entry's line and column", "[inventory][terraform]") {
  const std::string path = source("tests/data/terraform/v0.2-azure-display-names.json");
  const auto plan = load(path);
  const std::string text = file_text(path);
  std::vector<std::size_t> line_starts{0};
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts.push_back(i + 1);
  }
  for (const auto& r : plan.resources) {
    INFO(r.address);
    CHECK(r.declared_at.file == path);
    REQUIRE(r.declared_at.line > 0);
    REQUIRE(static_cast<std::size_t>(r.declared_at.line) <= line_starts.size());
    const std::size_t at = line_starts[static_cast<std::size_t>(r.declared_at.line - 1)] +
                           static_cast<std::size_t>(r.declared_at.column - 1);
    REQUIRE(at < text.size());
    CHECK(text[at] == '{');
    // The first address after that brace is the resource's own.
    const std::size_t key = text.find("\"address\"", at);
    REQUIRE(key != std::string::npos);
    CHECK(text.compare(text.find('"', key + 9), r.address.size() + 2, "\"" + r.address + "\"") == 0);
    CHECK(r.json_location.starts_with("resource_changes["));
  }
}

TEST_CASE("inventory::parse_plan: a UTF-8 BOM is accepted", "[inventory][terraform]") {
  const std::string text = file_text(source("tests/data/terraform/v0.1-aws-aliases.json"));
  auto with_bom = inventory::parse_plan("\xEF\xBB\xBF" + text, "bom.json", k_options);
  auto plain = inventory::parse_plan(text, "bom.json", k_options);
  REQUIRE(with_bom);
  REQUIRE(plain);
  REQUIRE(with_bom->resources.size() == plain->resources.size());
  for (std::size_t i = 0; i < plain->resources.size(); ++i) {
    CHECK(with_bom->resources[i].address == plain->resources[i].address);
    CHECK(with_bom->resources[i].declared_at == plain->resources[i].declared_at);
  }
}

TEST_CASE("inventory::parse_plan: malformed plans name the JSON location at fault", "[inventory][terraform]") {
  const std::string change =
      R"({"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "provider_name": "aws", "change": {"actions": ["create"], "before": null, "after": {}}})";
  const std::string bad_after =
      R"({"address": "aws_s3_bucket.x", "mode": "managed", "type": "aws_s3_bucket", "name": "x", "provider_name": "aws", "change": {"actions": ["create"], "before": null, "after": "eu-west-3"}})";
  const std::string four = "{\"format_version\": \"1.2\", \"resource_changes\": [" + change + "," + change + "," +
                           change + "," + bad_after + "]}";
  CHECK(error_of(four) == "bad.json: resource_changes[3].change.after: is a string; expected an object or null");
  CHECK(error_of("{\"format_version\": \"1.2\",\n \"resource_changes\": [{\"address\": 1}").starts_with("bad.json:2:"));
  CHECK(error_of("{\"format_version\": \"1.2\",\n \"resource_changes\": [{\"address\": 1}").find("invalid JSON") !=
        std::string::npos);
  CHECK(error_of(R"({"format_version": "1.2", "resource_changes": [{"address": 1}]})") ==
        "bad.json: resource_changes[0].address: is a number; expected a string");
  CHECK(error_of(R"({"format_version": "2.0", "resource_changes": []})")
            .find("format_version: unsupported version '2.0'") != std::string::npos);
  CHECK(error_of(R"({"resource_changes": []})").find("format_version: missing") != std::string::npos);
  CHECK(error_of(R"({"format_version": "1.0", "values": {"root_module": {}}})").find("a state, not a plan") !=
        std::string::npos);
  CHECK(error_of(R"({"format_version": "1.2", "resource_changes": {}})") ==
        "bad.json: resource_changes: is an object; expected a list");
  CHECK(
      error_of(
          R"({"format_version": "1.2", "resource_changes": [{"address": "a.b", "mode": "managed", "type": "a", "name": "b", "provider_name": "aws", "change": {"actions": ["explode"]}}]})")
          .find("resource_changes[0].change.actions[0]: is 'explode'") != std::string::npos);
  CHECK(
      error_of(
          R"({"format_version": "1.2", "resource_changes": [{"address": "a.b", "mode": "managed", "type": "a", "name": "b", "provider_name": "aws", "change": {"actions": ["create"], "after": null}}]})")
          .find("resource_changes[0].change.after: is null for a resource that is not deleted") != std::string::npos);
  CHECK(error_of(R"({"format_version": "1.2", "configuration": {"root_module": {"module_calls": []}}})") ==
        "bad.json: configuration.root_module.module_calls: is a list; expected an object");
  CHECK(error_of("[1, 2]").find("(top level): is a list") != std::string::npos);
  CHECK(error_of("").find("invalid JSON") != std::string::npos);
  CHECK(error_of("{\"format_version\": \"1.2\",\n \"variables\": {\"n\": {\"value\": 1e999}}}") ==
        "bad.json:2:31: invalid JSON: number overflow parsing '1e999'; the file should be the output of terraform show -json "
        "PLANFILE");
}

TEST_CASE("inventory::parse_plan: hostile nesting is an answer, not a crash", "[inventory][terraform]") {
  std::string deep =
      "{\"format_version\": \"1.2\", \"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK(inventory::parse_plan(deep, "deep.json", k_options).has_value());
  std::string unbalanced = "{\"format_version\": \"1.2\", \"x\": " + std::string(100000, '[');
  CHECK_FALSE(inventory::parse_plan(unbalanced, "deep.json", k_options).has_value());
}

TEST_CASE("inventory::load_plan: the four real plans of ../shared/data/terraform-plans", "[inventory][terraform]") {
  const auto p1 = load(shared_plan("P1.json"));
  CHECK(p1.format_version == "1.1");
  CHECK(p1.resources.size() == 2);
  CHECK(find(p1, "azurerm_kubernetes_cluster.aks").attributes.at("location").value == "germanywestcentral");

  const auto p2 = load(shared_plan("P2.json"));
  CHECK(p2.resources.size() == 65);  // 57 azurerm resources and 8 random_* ones
  const auto& vm = find(p2, "module.server[\"North Europe\"].azurerm_linux_virtual_machine.main[0]");
  CHECK(vm.attributes.at("location").value == "northeurope");
  CHECK(vm.provider_key == "azurerm");

  const auto p4 = load(shared_plan("P4.json"));
  CHECK(p4.format_version == "1.2");
  const auto& neg = find(p4, "google_compute_region_network_endpoint_group.serverless_neg");
  CHECK(neg.attributes.at("region").value ==
        "https://www.googleapis.com/compute/v1/projects/dev-diego-421803/regions/us-central1");
  CHECK(find(p4, "module.lb-http.google_compute_url_map.default[0]").provider_key == "google-beta");

  const auto p7 = load(shared_plan("P7.json"));
  const auto& inst = find(p7, "module.compute[\"spoke-vpc-a\"].aws_instance.ec2_instance[0]");
  CHECK(inst.provider_attributes.at("region").value == "eu-central-1");
  CHECK(inst.provider_attributes.at("region").where == "variables.aws_region.value");
  CHECK(inst.attributes.at("availability_zone").state == PlanValue::State::computed);
  CHECK(skipped(p7, "data.aws_ec2_transit_gateway_vpn_attachment.vpn_tgw_attachment", "data source"));
}
