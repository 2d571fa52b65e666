// Internal to lib/inventory's plan reader: the configuration side of a plan. It indexes the
// module tree under configuration.root_module and each resource's provider_config_key, then finds
// the provider configuration a resource uses — an alias ("aws.eu"), or a module-scoped key
// ("module.a.module.b:aws") that inherits from its parent through the module call's `providers`
// map or the same local name — and resolves the attributes of that configuration: constant
// values, and `var.X` references through module-call inputs and variable defaults up to the
// plan's root variables. Anything else (locals, other resources, templates of several variables)
// stays unresolved, with the reason.
#pragma once

#include "inventory/terraform_json.hpp"
#include "inventory/terraform_plan.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace inventory::detail {

class ProviderConfigs {
 public:
  explicit ProviderConfigs(const Json& root) : m_root(root) {}

  // Index configuration.root_module. The error's `where` is the JSON location at fault.
  core::Result<void> index();
  // The attributes the configuration sets for the resource at `address` in `module_path`, or
  // nullptr when the configuration does not list it.
  const std::set<std::string>* configured(const std::string& module_path, const std::string& address) const;
  // Fill r.provider_key, r.provider_note and r.provider_attributes for `attributes`.
  void resolve(PlanResource& r, const std::string& module_path, const std::vector<std::string>& attributes) const;

 private:
  struct Module {
    const Json* module = nullptr;  // the module's configuration object
    const Json* call = nullptr;    // the call in the parent (nullptr for the root)
    std::string parent;            // parent module path ("" for the root's children)
    std::string where;             // JSON location of the module object
    std::string call_where;        // JSON location of the call
  };
  struct Found {
    std::string key;
    const Json* config = nullptr;  // provider_config entry
    std::string where;             // its JSON location
    std::string module;            // module where the provider block is written
    std::string note;
  };

  core::Result<void> walk(const Json& module, const std::string& path, const std::string& where, const Json* call,
                          const std::string& parent, const std::string& call_where, int depth);
  Found find_config(std::string key) const;
  PlanValue expression(const Json& expr, const std::string& where, const std::string& module, int depth) const;
  PlanValue variable(const std::string& name, const std::string& module, int depth) const;

  const Json& m_root;
  const Json* m_provider_config = nullptr;
  bool m_have_config = false;
  std::map<std::string, Module> m_modules;             // by key-less module path
  std::map<std::string, std::string> m_resource_keys;  // "module path|relative address" → provider_config_key
  std::map<std::string, std::set<std::string>> m_resource_exprs;  // same key → attributes set in the configuration
};

}  // namespace inventory::detail
