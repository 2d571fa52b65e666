// The Terraform plan reader, as a list of named steps: parse (BOM accepted; a syntax error gets
// line and column), check the format version, index the configuration (module tree, each
// resource's provider_config_key), then read resource_changes — skipping data sources and
// deletions — and add managed resources that appear only in planned_values. Values come from the
// change's `after`, then planned_values, then prior_state. Every structural problem is an error
// with the JSON location of the value at fault; nothing is returned from a plan read half-way.
#include "inventory/terraform_plan.hpp"

#include "core/atomic_file.hpp"
#include "core/json_text.hpp"
#include "inventory/terraform_json.hpp"
#include "inventory/terraform_provider.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>
#include <iterator>
#include <set>

namespace inventory {

namespace {

using detail::Json;
using detail::json_type;
using detail::location_key;
using detail::member;

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

// Check the format version: 0.x and 1.x are understood (minor versions only add fields).
core::Result<std::string> check_format(const Json& root, const std::string& name) {
  if (!root.is_object()) {
    return core::fail(
        core::ErrorCode::data,
        fmt::format("(top level): is {}; expected an object (terraform show -json PLANFILE)", json_type(root)), name);
  }
  const Json* fv = member(root, "format_version");
  if (fv == nullptr || !fv->is_string()) {
    return core::fail(core::ErrorCode::data,
                      fv == nullptr
                          ? "format_version: missing; expected the output of terraform show -json PLANFILE"
                          : fmt::format("format_version: is {}; expected a string such as \"1.2\"", json_type(*fv)),
                      name);
  }
  const std::string v = fv->get<std::string>();
  if (!(v.starts_with("0.") || v.starts_with("1.")) || v.size() < 3) {
    return core::fail(
        core::ErrorCode::data,
        fmt::format("format_version: unsupported version '{}'; expected 0.x or 1.x (0.1 to 1.2 are known)", v), name);
  }
  if (member(root, "resource_changes") == nullptr && member(root, "planned_values") == nullptr &&
      member(root, "values") != nullptr) {
    return core::fail(core::ErrorCode::data,
                      "(top level): this is a state, not a plan; expected the output of terraform show -json PLANFILE",
                      name);
  }
  return v;
}

class Reader {
 public:
  Reader(const Json& root, std::string_view text, std::string file, const PlanOptions& options)
      : m_root(root), m_text(text), m_file(std::move(file)), m_options(options), m_providers(root) {}

  core::Result<Plan> run() {
    m_plan.file = m_file;
    if (auto ok = read_header(); !ok) return std::unexpected(ok.error());
    if (auto ok = m_providers.index(); !ok) return fail(ok.error().where, ok.error().message);
    if (auto ok = read_changes(); !ok) return std::unexpected(ok.error());
    if (auto ok = read_planned_only(); !ok) return std::unexpected(ok.error());
    return std::move(m_plan);
  }

 private:
  std::unexpected<core::Error> fail(const std::string& where, const std::string& what) const {
    return core::fail(core::ErrorCode::data, fmt::format("{}: {}", where, what), m_file);
  }

  core::Result<void> read_header() {
    auto fv = check_format(m_root, m_file);
    if (!fv) return std::unexpected(fv.error());
    m_plan.format_version = *fv;
    if (const Json* tv = member(m_root, "terraform_version"); tv != nullptr && tv->is_string())
      m_plan.terraform_version = tv->get<std::string>();
    if (const Json* e = member(m_root, "errored"); e != nullptr && e->is_boolean()) m_plan.errored = e->get<bool>();
    for (const char* key : {"resource_changes", "variables", "configuration", "planned_values", "prior_state"}) {
      const Json* v = member(m_root, key);
      const bool want_array = std::string_view(key) == "resource_changes";
      if (v == nullptr || v->is_null() || (want_array ? v->is_array() : v->is_object())) continue;
      return fail(key, fmt::format("is {}; expected {}", json_type(*v), want_array ? "a list" : "an object"));
    }
    return {};
  }

  // A string member of a resource change (required unless `optional`).
  core::Result<std::string> text_member(const Json& obj, const std::string& where, const char* key,
                                        bool optional = false) const {
    const Json* v = member(obj, key);
    if ((v == nullptr || v->is_null()) && optional) return std::string();
    if (v == nullptr) return fail(where, fmt::format("missing '{}'; expected a string", key));
    if (!v->is_string()) return fail(where + location_key(key), fmt::format("is {}; expected a string", json_type(*v)));
    return v->get<std::string>();
  }

  core::Result<void> read_changes() {
    const Json* changes = member(m_root, "resource_changes");
    if (changes == nullptr || changes->is_null()) return {};
    const auto offsets = detail::array_element_offsets(m_text, "resource_changes");
    const auto places = detail::locate_offsets(m_text, offsets, m_file);
    for (std::size_t i = 0; i < changes->size(); ++i) {
      const std::string where = fmt::format("resource_changes[{}]", i);
      const core::SourceLocation at = i < places.size() ? places[i] : core::SourceLocation{m_file, 0, 0};
      if (auto ok = read_change((*changes)[i], where, at); !ok) return ok;
    }
    return {};
  }

  core::Result<void> read_change(const Json& rc, const std::string& where, const core::SourceLocation& at) {
    if (!rc.is_object()) return fail(where, fmt::format("is {}; expected an object", json_type(rc)));
    auto address = text_member(rc, where, "address");
    if (!address) return std::unexpected(address.error());
    auto mode = text_member(rc, where, "mode", true);
    auto type = text_member(rc, where, "type");
    auto provider = text_member(rc, where, "provider_name");
    auto module_address = text_member(rc, where, "module_address", true);
    for (const auto* r : {&mode, &type, &provider, &module_address}) {
      if (!*r) return std::unexpected(r->error());
    }
    const Json* change = member(rc, "change");
    if (change == nullptr || !change->is_object()) {
      return fail(where + ".change", change == nullptr ? "missing; expected an object with actions, before and after"
                                                       : fmt::format("is {}; expected an object", json_type(*change)));
    }
    auto actions = read_actions(*change, where + ".change");
    if (!actions) return std::unexpected(actions.error());
    for (const char* key : {"before", "after", "after_unknown"}) {
      const Json* v = member(*change, key);
      if (v != nullptr && !v->is_null() && !v->is_object() &&
          !(std::string_view(key) == "after_unknown" && v->is_boolean())) {
        return fail(where + ".change." + key, fmt::format("is {}; expected an object or null", json_type(*v)));
      }
    }
    m_seen.insert(*address);
    if (*mode == "data") return skip(*address, "data source (read, not created)");
    if (is_removal(*actions)) return skip(*address, fmt::format("{} by the plan", fmt::join(*actions, "/")));
    const Json* after = member(*change, "after");
    std::string values_at = where + ".change.after";
    if (after == nullptr || !after->is_object()) {
      std::tie(after, values_at) = fallback_values(*address);
      if (after == nullptr)
        return fail(where + ".change.after", "is null for a resource that is not deleted; expected its planned values");
    }
    PlanResource r;
    r.address = *address;
    r.type = *type;
    r.provider_name = *provider;
    r.actions = std::move(*actions);
    r.json_location = where;
    r.declared_at = at;
    const Json* unknown = member(*change, "after_unknown");
    const std::string module_path = !module_address->empty()
                                        ? detail::strip_instance_keys(*module_address)
                                        : detail::module_path_of(detail::strip_instance_keys(*address));
    read_attributes(r, *after, unknown, values_at, m_providers.configured(module_path, r.address));
    read_tags(r, *after);
    m_providers.resolve(r, module_path, m_options.provider_attributes);
    m_plan.resources.push_back(std::move(r));
    return {};
  }

  core::Result<std::vector<std::string>> read_actions(const Json& change, const std::string& where) const {
    const Json* a = member(change, "actions");
    if (a == nullptr || !a->is_array() || a->empty()) {
      return fail(where + ".actions", a == nullptr ? "missing; expected a list such as [\"create\"]"
                                                   : fmt::format("is {}; expected a non-empty list of actions",
                                                                 a->is_array() ? "empty" : json_type(*a)));
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < a->size(); ++i) {
      const Json& v = (*a)[i];
      static const std::set<std::string> k_known{"no-op", "create", "read", "update", "delete", "forget"};
      if (!v.is_string() || !k_known.contains(v.get<std::string>())) {
        return fail(fmt::format("{}.actions[{}]", where, i),
                    fmt::format("is {}; expected one of no-op, create, read, update, delete, forget",
                                v.is_string() ? "'" + v.get<std::string>() + "'" : json_type(v)));
      }
      out.push_back(v.get<std::string>());
    }
    return out;
  }

  static bool is_removal(const std::vector<std::string>& actions) {
    for (const auto& a : actions) {
      if (a == "create" || a == "update" || a == "no-op") return false;
    }
    return true;  // delete, forget, read alone
  }

  core::Result<void> skip(const std::string& address, std::string why) {
    m_plan.skipped.push_back({address, std::move(why)});
    return {};
  }

  // Values of a resource whose change has no `after`: planned_values, then prior_state.
  std::pair<const Json*, std::string> fallback_values(const std::string& address) const {
    for (const char* section : {"planned_values", "prior_state"}) {
      std::string where;
      if (const Json* r = find_in_values(section, address, where)) {
        if (const Json* v = member(*r, "values"); v != nullptr && v->is_object()) return {v, where + ".values"};
      }
    }
    return {nullptr, ""};
  }

  const Json* find_in_values(const char* section, const std::string& address, std::string& where) const {
    const Json* s = member(m_root, section);
    if (s != nullptr && std::string_view(section) == "prior_state") s = member(*s, "values");
    const Json* module = s == nullptr ? nullptr : member(*s, "root_module");
    const std::string base =
        std::string(section) + (std::string_view(section) == "prior_state" ? ".values" : "") + ".root_module";
    return module == nullptr ? nullptr : find_in_module(*module, base, address, where, 0);
  }

  static const Json* find_in_module(const Json& module, const std::string& base, const std::string& address,
                                    std::string& where, int depth) {
    if (depth > 64) return nullptr;
    if (const Json* rs = member(module, "resources"); rs != nullptr && rs->is_array()) {
      for (std::size_t i = 0; i < rs->size(); ++i) {
        const Json* a = member((*rs)[i], "address");
        if (a != nullptr && a->is_string() && a->get<std::string>() == address) {
          where = fmt::format("{}.resources[{}]", base, i);
          return &(*rs)[i];
        }
      }
    }
    if (const Json* cs = member(module, "child_modules"); cs != nullptr && cs->is_array()) {
      for (std::size_t i = 0; i < cs->size(); ++i) {
        if (const Json* hit =
                find_in_module((*cs)[i], fmt::format("{}.child_modules[{}]", base, i), address, where, depth + 1))
          return hit;
      }
    }
    return nullptr;
  }

  // `configured`: the attributes the configuration sets (nullptr: not known, so any may be set).
  void read_attributes(PlanResource& r, const Json& values, const Json* unknown, const std::string& where,
                       const std::set<std::string>* configured) const {
    for (const auto& name : m_options.resource_attributes) {
      PlanValue v;
      v.where = where + location_key(name);
      const Json* j = member(values, name);
      const Json* u = unknown == nullptr ? nullptr : member(*unknown, name);
      if (j != nullptr && j->is_string() && !j->get<std::string>().empty()) {
        v.state = PlanValue::State::known;
        v.value = j->get<std::string>();
      } else if (u != nullptr && u->is_boolean() && u->get<bool>()) {
        const bool set = configured == nullptr || configured->contains(name);
        v.state = set ? PlanValue::State::after_apply : PlanValue::State::computed;
        v.why = set ? fmt::format("'{}' is set to a value known only after apply", name)
                    : fmt::format("'{}' is computed by the provider at apply", name);
      } else if (j != nullptr && !j->is_null() && !j->is_string()) {
        v.state = PlanValue::State::unresolved;
        v.why = fmt::format("'{}' is {}, not a region name", name, json_type(*j));
      }
      r.attributes[name] = std::move(v);
    }
  }

  static void read_tags(PlanResource& r, const Json& values) {
    for (const char* key : {"labels", "terraform_labels", "tags", "tags_all"}) {
      const Json* t = member(values, key);
      if (t == nullptr || !t->is_object()) continue;
      for (const auto& [k, v] : t->items()) {
        if (v.is_string()) r.tags[k] = v.get<std::string>();
      }
    }
  }

  // Managed resources in planned_values that resource_changes does not list (older plans).
  core::Result<void> read_planned_only() {
    const Json* pv = member(m_root, "planned_values");
    const Json* root = pv == nullptr ? nullptr : member(*pv, "root_module");
    if (root == nullptr) return {};
    return read_planned_module(*root, "planned_values.root_module", 0);
  }

  core::Result<void> read_planned_module(const Json& module, const std::string& base, int depth) {
    if (depth > 64) return fail(base, "modules nested deeper than 64 levels; expected a real plan");
    if (!module.is_object()) return fail(base, fmt::format("is {}; expected an object", json_type(module)));
    if (const Json* rs = member(module, "resources"); rs != nullptr && rs->is_array()) {
      for (std::size_t i = 0; i < rs->size(); ++i) {
        if (auto ok = read_planned((*rs)[i], fmt::format("{}.resources[{}]", base, i)); !ok) return ok;
      }
    }
    if (const Json* cs = member(module, "child_modules"); cs != nullptr && cs->is_array()) {
      for (std::size_t i = 0; i < cs->size(); ++i) {
        if (auto ok = read_planned_module((*cs)[i], fmt::format("{}.child_modules[{}]", base, i), depth + 1); !ok)
          return ok;
      }
    }
    return {};
  }

  core::Result<void> read_planned(const Json& res, const std::string& where) {
    if (!res.is_object()) return fail(where, fmt::format("is {}; expected an object", json_type(res)));
    auto address = text_member(res, where, "address");
    if (!address) return std::unexpected(address.error());
    if (m_seen.contains(*address)) return {};
    auto mode = text_member(res, where, "mode", true);
    auto type = text_member(res, where, "type");
    auto provider = text_member(res, where, "provider_name");
    for (const auto* r : {&mode, &type, &provider}) {
      if (!*r) return std::unexpected(r->error());
    }
    m_seen.insert(*address);
    if (*mode == "data") return skip(*address, "data source (read, not created)");
    const Json* values = member(res, "values");
    if (values != nullptr && !values->is_null() && !values->is_object()) {
      return fail(where + ".values", fmt::format("is {}; expected an object", json_type(*values)));
    }
    PlanResource r;
    r.address = *address;
    r.type = *type;
    r.provider_name = *provider;
    r.actions = {"no-op"};
    r.json_location = where;
    r.declared_at = {m_file, 0, 0};
    static const Json k_empty = Json::object();
    const std::string module_path = detail::module_path_of(detail::strip_instance_keys(*address));
    read_attributes(r, values != nullptr && values->is_object() ? *values : k_empty, nullptr, where + ".values",
                    m_providers.configured(module_path, r.address));
    if (values != nullptr && values->is_object()) read_tags(r, *values);
    m_providers.resolve(r, module_path, m_options.provider_attributes);
    m_plan.resources.push_back(std::move(r));
    return {};
  }

  const Json& m_root;
  std::string_view m_text;
  std::string m_file;
  const PlanOptions& m_options;
  detail::ProviderConfigs m_providers;
  std::set<std::string> m_seen;
  Plan m_plan;
};

}  // namespace

core::Result<Plan> parse_plan(std::string_view text, const std::string& name, const PlanOptions& options) {
  if (text.starts_with(k_bom)) text.remove_prefix(k_bom.size());
  auto root = core::parse_json_text(text, name, "the output of terraform show -json PLANFILE");
  if (!root) return std::unexpected(root.error());
  return Reader(*root, text, name, options).run();
}

core::Result<Plan> load_plan(const std::filesystem::path& path, const PlanOptions& options) {
  if (path == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return parse_plan(text, "<stdin>", options);
  }
  auto text = core::read_file(path);
  if (!text) return std::unexpected(text.error());
  return parse_plan(*text, path.string(), options);
}

}  // namespace inventory
