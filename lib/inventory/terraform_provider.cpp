// Provider configurations of a plan. A provider_config_key is "[module path:]local-name[.alias]".
// A key whose entry is missing, or a module's entry without expressions (only required_providers,
// or a proxy block), inherits: the module call's `providers` map names the parent's key, else the
// same local name one level up. A module's own provider block with expressions is used as is, even
// if it sets no region (that region then comes from the environment: unknown). Variables are
// followed through module-call inputs and defaults; a reference is resolved only when the
// expression refers to exactly one whole variable and nothing else.
#include "inventory/terraform_provider.hpp"

#include <fmt/format.h>

#include <set>

namespace inventory::detail {

namespace {

constexpr int k_max_depth = 64;

std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto colon = key.rfind(':');
  if (colon == std::string::npos) return {"", key};
  return {key.substr(0, colon), key.substr(colon + 1)};
}

// "module.a" for "module.a.module.b"; "" for "module.a".
std::string parent_path(const std::string& module) {
  const auto at = module.rfind(".module.");
  return at == std::string::npos ? std::string() : module.substr(0, at);
}

std::string join_key(const std::string& module, const std::string& local) {
  return module.empty() ? local : module + ":" + local;
}

bool has_expressions(const Json& config) {
  const Json* e = member(config, "expressions");
  return e != nullptr && e->is_object() && !e->empty();
}

PlanValue unresolved(std::string where, std::string why) {
  PlanValue v;
  v.state = PlanValue::State::unresolved;
  v.where = std::move(where);
  v.why = std::move(why);
  return v;
}

// The variable a reference names ("var.region" → "region"; "var.r[0]" → "r"), or "".
std::string var_name(const std::string& ref) {
  if (!ref.starts_with("var.")) return {};
  const auto end = ref.find_first_of(".[", 4);
  return ref.substr(4, end == std::string::npos ? std::string::npos : end - 4);
}

}  // namespace

core::Result<void> ProviderConfigs::index() {
  const Json* config = member(m_root, "configuration");
  if (config == nullptr || config->is_null()) return {};
  m_have_config = true;
  m_provider_config = member(*config, "provider_config");
  if (m_provider_config != nullptr && !m_provider_config->is_null() && !m_provider_config->is_object()) {
    return core::fail(core::ErrorCode::data, fmt::format("is {}; expected an object", json_type(*m_provider_config)),
                      "configuration.provider_config");
  }
  const Json* root = member(*config, "root_module");
  if (root == nullptr || root->is_null()) return {};
  return walk(*root, "", "configuration.root_module", nullptr, "", "", 0);
}

core::Result<void> ProviderConfigs::walk(const Json& module, const std::string& path, const std::string& where,
                                         const Json* call, const std::string& parent, const std::string& call_where,
                                         int depth) {
  if (depth > k_max_depth)
    return core::fail(core::ErrorCode::data, "modules nested deeper than 64 levels; expected a real plan", where);
  if (!module.is_object())
    return core::fail(core::ErrorCode::data, fmt::format("is {}; expected an object", json_type(module)), where);
  m_modules[path] = {&module, call, parent, where, call_where};
  if (const Json* rs = member(module, "resources"); rs != nullptr && !rs->is_null()) {
    if (!rs->is_array())
      return core::fail(core::ErrorCode::data, fmt::format("is {}; expected a list", json_type(*rs)),
                        where + ".resources");
    for (std::size_t i = 0; i < rs->size(); ++i) {
      const Json* address = member((*rs)[i], "address");
      const Json* key = member((*rs)[i], "provider_config_key");
      if (address == nullptr || !address->is_string()) {
        return core::fail(core::ErrorCode::data, "missing 'address'; expected a string",
                          fmt::format("{}.resources[{}]", where, i));
      }
      const std::string id = path + "|" + relative_address(strip_instance_keys(address->get<std::string>()));
      auto& set = m_resource_exprs[id];
      if (const Json* e = member((*rs)[i], "expressions"); e != nullptr && e->is_object()) {
        for (const auto& [name, value] : e->items()) set.insert(name);
      }
      if (key != nullptr && key->is_string()) m_resource_keys[id] = key->get<std::string>();
    }
  }
  const Json* calls = member(module, "module_calls");
  if (calls == nullptr || calls->is_null()) return {};
  if (!calls->is_object())
    return core::fail(core::ErrorCode::data, fmt::format("is {}; expected an object", json_type(*calls)),
                      where + ".module_calls");
  for (const auto& [name, c] : calls->items()) {
    const std::string cw = where + ".module_calls" + location_key(name);
    const Json* child = member(c, "module");
    if (child == nullptr || child->is_null()) continue;  // a call whose module the plan does not include
    const std::string child_path = (path.empty() ? "" : path + ".") + "module." + name;
    if (auto ok = walk(*child, child_path, cw + ".module", &c, path, cw, depth + 1); !ok) return ok;
  }
  return {};
}

ProviderConfigs::Found ProviderConfigs::find_config(std::string key) const {
  Found f;
  std::string note;
  for (int hop = 0; hop < k_max_depth; ++hop) {
    const auto [module, local] = split_key(key);
    const Json* entry = m_provider_config == nullptr ? nullptr : member(*m_provider_config, key);
    if (entry != nullptr && (module.empty() || has_expressions(*entry))) {
      f.key = key;
      f.config = entry;
      f.where = "configuration.provider_config" + location_key(key);
      f.module = module;
      f.note = note.empty() ? fmt::format("provider configuration '{}'", key)
                            : fmt::format("provider configuration '{}' ({})", key, note);
      return f;
    }
    if (module.empty()) {
      f.key = key;
      f.note = fmt::format("no provider block '{}' in the configuration", key);
      return f;
    }
    // Inherit from the parent: the call's `providers` map, else the same local name.
    auto it = m_modules.find(module);
    const std::string parent = it != m_modules.end() ? it->second.parent : parent_path(module);
    std::string parent_local = local;
    if (it != m_modules.end() && it->second.call != nullptr) {
      if (const Json* map = member(*it->second.call, "providers"); map != nullptr) {
        if (const Json* to = member(*map, local); to != nullptr && to->is_string())
          parent_local = to->get<std::string>();
      }
    }
    const std::string next = join_key(parent, parent_local);
    note += (note.empty() ? "" : ", ") + fmt::format("'{}' inherits '{}'", key, next);
    key = next;
  }
  f.note = "provider configuration chain too long";
  return f;
}

PlanValue ProviderConfigs::expression(const Json& expr, const std::string& where, const std::string& module,
                                      int depth) const {
  if (depth > k_max_depth) return unresolved(where, "variables refer to each other more than 64 levels deep");
  if (!expr.is_object()) return unresolved(where, fmt::format("is {}, not an expression", json_type(expr)));
  if (const Json* c = member(expr, "constant_value")) {
    if (c->is_string() && !c->get<std::string>().empty())
      return {PlanValue::State::known, c->get<std::string>(), where, ""};
    if (c->is_null()) return {PlanValue::State::absent, "", where, "is null"};
    return unresolved(where, fmt::format("is {}, not a region name", json_type(*c)));
  }
  const Json* refs = member(expr, "references");
  if (refs == nullptr || !refs->is_array() || refs->empty())
    return unresolved(where, "has neither a constant value nor a reference");
  std::set<std::string> vars, others;
  bool whole = false;
  for (const auto& r : *refs) {
    if (!r.is_string()) continue;
    const std::string ref = r.get<std::string>();
    const std::string v = var_name(ref);
    if (v.empty())
      others.insert(ref);
    else {
      vars.insert(v);
      if (ref == "var." + v) whole = true;
    }
  }
  if (!others.empty()) {
    return unresolved(where, fmt::format("depends on {}, which the plan does not evaluate", *others.begin()));
  }
  if (vars.size() != 1) return unresolved(where, "combines several variables");
  const std::string name = *vars.begin();
  for (const auto& r : *refs) {
    if (r.is_string() && r.get<std::string>() != "var." + name) {
      return unresolved(where, fmt::format("uses part of var.{} ({})", name, r.get<std::string>()));
    }
  }
  if (!whole) return unresolved(where, fmt::format("uses part of var.{}", name));
  return variable(name, module, depth + 1);
}

PlanValue ProviderConfigs::variable(const std::string& name, const std::string& module, int depth) const {
  if (module.empty()) {
    const Json* vars = member(m_root, "variables");
    const Json* v = vars == nullptr ? nullptr : member(*vars, name);
    const std::string where = "variables" + location_key(name) + ".value";
    if (v == nullptr) return unresolved("variables", fmt::format("var.{} is not in the plan's variables", name));
    const Json* value = member(*v, "value");
    if (value != nullptr && value->is_string() && !value->get<std::string>().empty())
      return {PlanValue::State::known, value->get<std::string>(), where, ""};
    if (value == nullptr || value->is_null())
      return unresolved(where, fmt::format("var.{} has no value in the plan", name));
    return unresolved(where, fmt::format("var.{} is {}, not a region name", name, json_type(*value)));
  }
  auto it = m_modules.find(module);
  if (it == m_modules.end())
    return unresolved("configuration", fmt::format("module {} is not in the plan's configuration", module));
  const Module& m = it->second;
  if (m.call != nullptr) {
    const Json* inputs = member(*m.call, "expressions");
    if (const Json* e = inputs == nullptr ? nullptr : member(*inputs, name)) {
      return expression(*e, m.call_where + ".expressions" + location_key(name), m.parent, depth + 1);
    }
  }
  const Json* decls = member(*m.module, "variables");
  const Json* decl = decls == nullptr ? nullptr : member(*decls, name);
  const Json* def = decl == nullptr ? nullptr : member(*decl, "default");
  const std::string where = m.where + ".variables" + location_key(name) + ".default";
  if (def != nullptr && def->is_string() && !def->get<std::string>().empty())
    return {PlanValue::State::known, def->get<std::string>(), where, ""};
  return unresolved(m.where,
                    fmt::format("var.{} of {} is not set by the module call and has no default", name, module));
}

const std::set<std::string>* ProviderConfigs::configured(const std::string& module_path,
                                                         const std::string& address) const {
  auto it = m_resource_exprs.find(module_path + "|" + relative_address(strip_instance_keys(address)));
  return it == m_resource_exprs.end() ? nullptr : &it->second;
}

void ProviderConfigs::resolve(PlanResource& r, const std::string& module_path,
                              const std::vector<std::string>& attributes) const {
  auto fill = [&](const PlanValue& v) {
    for (const auto& a : attributes) r.provider_attributes[a] = v;
  };
  if (!m_have_config) {
    r.provider_note = "the plan has no configuration section";
    return fill(
        unresolved("configuration", "the plan has no configuration section, so the provider configuration is unknown"));
  }
  auto it = m_resource_keys.find(module_path + "|" + relative_address(strip_instance_keys(r.address)));
  if (it == m_resource_keys.end()) {
    r.provider_note = "the resource is not in the plan's configuration";
    return fill(
        unresolved("configuration.root_module",
                   "the resource is not in the plan's configuration, so its provider configuration is unknown"));
  }
  const Found found = find_config(it->second);
  r.provider_key = found.key;
  r.provider_note = found.note;
  for (const auto& a : attributes) {
    if (found.config == nullptr) {
      r.provider_attributes[a] = {PlanValue::State::absent, "", "configuration.provider_config", found.note};
      continue;
    }
    const Json* exprs = member(*found.config, "expressions");
    const Json* e = exprs == nullptr ? nullptr : member(*exprs, a);
    if (e == nullptr) {
      r.provider_attributes[a] = {PlanValue::State::absent, "", found.where,
                                  fmt::format("provider configuration '{}' sets no '{}'", found.key, a)};
      continue;
    }
    r.provider_attributes[a] = expression(*e, found.where + ".expressions" + location_key(a), found.module, 0);
  }
}

}  // namespace inventory::detail
