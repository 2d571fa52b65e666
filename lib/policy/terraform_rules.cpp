// The Terraform provider table (`kind: terraform`, docs/rules.md): which provider id a plan's
// provider source stands for, which attributes carry a resource's region, which resource types are
// global services, and which providers make no cloud resources at all. Read and checked like the
// other packs (unknown keys, ids, sourcing); entries are keyed by source, and a later layer's entry
// for the same source replaces the earlier one.
#include "core/text.hpp"
#include "policy/builder.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace policy {

namespace {

// A source is "namespace/type" in lower case, e.g. "hashicorp/aws" (the registry host is implied).
bool source_ok(std::string_view s) {
  const auto slash = s.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == s.size() ||
      s.find('/', slash + 1) != std::string_view::npos) {
    return false;
  }
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '/';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::string> read_source(Builder& b, const Node& n, std::string_view key) {
  auto s = b.text(n, key);
  if (s && !source_ok(*s)) {
    const std::string key_form = terraform_source_key(*s);
    const bool fixable = source_ok(key_form) && key_form != *s;
    b.error(*n.get(key), fmt::format("malformed provider source '{}'; expected namespace/type in lower case{}", *s,
                                     fixable ? fmt::format(" without the registry host (did you mean '{}'?)", key_form)
                                             : ", e.g. hashicorp/aws"));
    return std::nullopt;
  }
  return s;
}

void read_entry(Builder& b, const Node& n) {
  if (!b.check_map(n, "terraform provider",
                   {"provider_source", "provider", "resource_region", "provider_region", "regional_api", "global",
                    "not_global", "partitions", "source", "as_of"},
                   {"provider_source", "provider", "source", "as_of"})) {
    return;
  }
  TerraformProvider t;
  t.source = read_source(b, n, "provider_source").value_or("");
  t.provider = b.id(n, "provider").value_or("");
  if (!t.provider.empty()) b.refer(Ref::Kind::provider, t.provider, *n.get("provider"));
  t.resource_region = b.texts(n, "resource_region");
  t.regional_api = b.boolean(n, "regional_api").value_or(false);
  t.provider_region = b.texts(n, "provider_region");
  t.global = b.texts(n, "global");
  t.not_global = b.texts(n, "not_global");
  if (const Node* parts = n.get("partitions"); parts != nullptr && parts->is_seq()) {
    for (const auto& item : parts->items) {
      if (item.is_scalar()) b.refer(Ref::Kind::provider, item.scalar, item);
    }
  }
  t.partitions = b.texts(n, "partitions");
  t.sourcing = b.sourcing(n);
  t.loc = b.at(n);
  if (t.source.empty() || !b.claim("terraform provider", t.source, *n.get("provider_source"))) return;
  b.rules().terraform.not_cloud.erase(t.source);
  b.rules().terraform.providers[t.source] = std::move(t);
}

void read_not_cloud(Builder& b, const Node& n) {
  if (!b.check_map(n, "not_cloud", {"list", "source", "as_of"}, {"list", "source", "as_of"})) return;
  b.rules().terraform.not_cloud_sourcing = b.sourcing(n);
  const Node* list = n.get("list");
  if (list == nullptr || !list->is_seq()) {
    if (list != nullptr && !list->is_null())
      b.error(*list, "'list' is not a list; expected provider sources, e.g. [hashicorp/random]");
    return;
  }
  for (const auto& item : list->items) {
    if (!item.is_scalar() || !source_ok(item.scalar)) {
      b.error(item, fmt::format(
                        "malformed provider source '{}'; expected namespace/type in lower case, e.g. hashicorp/random",
                        item.scalar));
      continue;
    }
    if (!b.claim("terraform provider", item.scalar, item)) continue;
    b.rules().terraform.providers.erase(item.scalar);
    b.rules().terraform.not_cloud[item.scalar] = b.at(item);
  }
}

// The type of a source ("aws" for "hashicorp/aws").
std::string_view type_of(std::string_view source) {
  const auto slash = source.rfind('/');
  return slash == std::string_view::npos ? source : source.substr(slash + 1);
}

}  // namespace

void read_terraform(Builder& b, const Node& root) {
  if (!b.check_map(root, "terraform pack", {"schema", "kind", "providers", "not_cloud"}, {})) return;
  if (const Node* list = root.get("providers"); list != nullptr && !list->is_null()) {
    if (!list->is_seq()) {
      b.error(*list, "'providers' is not a list; expected entries {provider_source, provider, …}");
    } else {
      for (const auto& item : list->items) read_entry(b, item);
    }
  }
  if (const Node* n = root.get("not_cloud")) read_not_cloud(b, *n);
}

std::string terraform_source_key(std::string_view name) {
  std::string s = core::to_lower(core::trim(name));
  // State files spell it provider["registry.terraform.io/hashicorp/aws"]; accept that too.
  if (s.starts_with("provider[\"") && s.ends_with("\"]")) s = s.substr(10, s.size() - 12);
  const auto parts = core::split(s, '/');
  if (parts.size() == 3) s = fmt::format("{}/{}", parts[1], parts[2]);  // drop the registry host
  if (s.starts_with("-/")) s = s.substr(2);                             // legacy (0.12) provider
  return s;
}

const TerraformProvider* TerraformTable::find(std::string_view provider_name) const {
  const std::string key = terraform_source_key(provider_name);
  if (auto it = providers.find(key); it != providers.end()) return &it->second;
  if (key.find('/') != std::string::npos) return nullptr;
  // A bare legacy name ("aws"): the hashicorp namespace first, then a unique entry of that type.
  if (auto it = providers.find("hashicorp/" + key); it != providers.end()) return &it->second;
  const TerraformProvider* found = nullptr;
  for (const auto& [source, entry] : providers) {
    if (type_of(source) != key) continue;
    if (found != nullptr) return nullptr;  // ambiguous
    found = &entry;
  }
  return found;
}

bool TerraformTable::is_not_cloud(std::string_view provider_name) const {
  const std::string key = terraform_source_key(provider_name);
  if (not_cloud.contains(key)) return true;
  if (key.find('/') != std::string::npos) return false;
  if (not_cloud.contains("hashicorp/" + key)) return true;
  return std::any_of(not_cloud.begin(), not_cloud.end(), [&](const auto& e) { return type_of(e.first) == key; });
}

}  // namespace policy
