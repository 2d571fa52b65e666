// inventory::load_plan: read the JSON of `terraform show -json PLANFILE` (or `tofu show -json`),
// every format_version from 0.1 to 1.2, into the managed resources that exist once the plan is
// applied: address, type, provider, tags/labels, and — for the attributes the caller names — what
// the plan says about the resource's own location and its provider configuration's, each value
// with its JSON location (`resource_changes[3].change.after.location`). Provider configurations
// are found through the resource's provider_config_key, including aliases ("aws.eu") and
// module-scoped keys ("module.a.module.b:aws") that inherit from the root, and `var.X`
// references are resolved from the plan's variables and module calls. Nothing is guessed: what the
// plan does not determine comes back with the reason. This module knows no provider; choosing
// which attribute counts, normalising and judging are the caller's (lib/audit).
#pragma once

#include "core/error.hpp"
#include "core/target.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace inventory {

// What the plan says about one attribute.
struct PlanValue {
  enum class State {
    absent,       // not set (or null)
    known,        // `value` holds it
    after_apply,  // known only after apply (after_unknown), and set in the configuration
    computed,     // known only after apply and not set in the configuration: the provider fills it in
    unresolved,   // set, but to something the plan does not give (a local, a list, an unset variable)
  };
  State state = State::absent;
  std::string value;
  std::string where;  // JSON location of the value, e.g. resource_changes[3].change.after.location
  std::string why;    // for after_apply and unresolved: in plain words
};

struct PlanResource {
  std::string address;        // module.db["eu"].azurerm_postgresql_flexible_server.main
  std::string type;           // azurerm_postgresql_flexible_server
  std::string provider_name;  // as the plan writes it: registry.terraform.io/hashicorp/azurerm, or "azurerm"
  std::string provider_key;   // the provider configuration the resource uses ("aws.eu", "module.a:aws"), or empty
  std::string provider_note;  // how provider_key was found, or why none was
  std::vector<std::string> actions;                      // e.g. ["create"], ["no-op"], ["delete", "create"]
  std::map<std::string, PlanValue> attributes;           // the resource's own, for the names asked
  std::map<std::string, PlanValue> provider_attributes;  // its provider configuration's
  std::map<std::string, std::string> tags;               // tags / labels with string values
  std::string json_location;                             // e.g. resource_changes[3]
  core::SourceLocation declared_at;                      // the plan file, line and column of the entry
};

// A resource change that is not a target, and why.
struct PlanSkip {
  std::string address;
  std::string why;  // "data source", "deleted by the plan", …
};

struct Plan {
  std::string file;
  std::string format_version;
  std::string terraform_version;
  bool errored = false;                 // the plan did not complete ("errored": true)
  std::vector<PlanResource> resources;  // in plan order
  std::vector<PlanSkip> skipped;
};

// Which attributes to report for every resource and its provider configuration.
struct PlanOptions {
  std::vector<std::string> resource_attributes;  // e.g. location, region, zone
  std::vector<std::string> provider_attributes;  // e.g. region
};

// Read a plan file ("-" for standard input). A malformed plan is an error naming the file and
// the JSON location of the problem; nothing is returned half-read.
core::Result<Plan> load_plan(const std::filesystem::path& path, const PlanOptions& options);
// Parse plan JSON text; `name` is used in messages and declared_at. A UTF-8 BOM is accepted.
core::Result<Plan> parse_plan(std::string_view text, const std::string& name, const PlanOptions& options);

}  // namespace inventory
