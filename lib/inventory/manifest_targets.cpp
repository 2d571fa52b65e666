// The `targets:` section of a manifest. Each list item is a map with exactly one kind key
// (host, url, ip, mail_domain, cloud_resource), an optional id (default: the value), tags and
// per-target policies (a list extends the defaults; {replace: […]} overrides them). Values are
// checked by set_target_value(); duplicate ids are reported with the first declaration.
#include "inventory/checker.hpp"
#include "inventory/target_value.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace inventory {

namespace {

const std::vector<std::string> k_kinds = {"host", "url", "ip", "mail_domain", "cloud_resource"};
const std::vector<std::string> k_target_keys = {
    "id", "host", "url", "ip", "mail_domain", "cloud_resource", "tags", "policies", "tls_terminated_by", "https"};
const std::vector<std::string> k_cloud_keys = {"provider", "region", "service", "offer"};
const std::vector<std::string> k_policy_modes = {"extend", "replace"};

core::TargetKind kind_of(std::string_view key) {
  if (key == "url") return core::TargetKind::url;
  if (key == "ip") return core::TargetKind::ip;
  if (key == "mail_domain") return core::TargetKind::mail_domain;
  if (key == "cloud_resource") return core::TargetKind::cloud_resource;
  return core::TargetKind::host;
}

// Find the one kind key of a target item; report none, several, or an unknown kind.
const YamlNode* find_kind_key(const YamlNode& item, Checker& check, std::vector<std::string>& reported) {
  const YamlNode* found = nullptr;
  for (std::size_t i = 0; i < item.map_size(); ++i) {
    const YamlNode& key = item.key(i);
    if (!key.is_scalar() || std::ranges::find(k_kinds, key.scalar) == k_kinds.end()) continue;
    if (found != nullptr) {
      check.error(key,
                  fmt::format("target has both '{}' and '{}'; expected exactly one kind", found->scalar, key.scalar));
      continue;
    }
    found = &key;
  }
  if (found != nullptr) return found;
  for (std::size_t i = 0; i < item.map_size(); ++i) {
    const YamlNode& key = item.key(i);
    if (!key.is_scalar() || std::ranges::find(k_target_keys, key.scalar) != k_target_keys.end()) continue;
    const auto hint = core::closest(key.scalar, k_kinds);
    check.error(key, fmt::format("unknown target kind '{}'{}; expected one of: {}", key.scalar,
                                 hint ? fmt::format(" (did you mean '{}'?)", *hint) : std::string(), join(k_kinds)));
    reported.push_back(key.scalar);
    return nullptr;
  }
  check.error(item, fmt::format("target has no kind; expected one of: {}", join(k_kinds)));
  return nullptr;
}

bool check_cloud(const YamlNode& node, core::Target& t, Checker& check) {
  if (!node.is_map()) {
    check.error(node,
                fmt::format("'cloud_resource' is {}; expected a map with provider, region, service", describe(node)));
    return false;
  }
  check.check_keys(node, k_cloud_keys, "cloud_resource");
  auto provider = check.required(node, "provider", "cloud_resource", "a provider id such as azure");
  auto region = check.required(node, "region", "cloud_resource", "a region code such as francecentral");
  auto service = check.required(node, "service", "cloud_resource", "a service name such as storage");
  if (!provider || !region || !service) return false;
  t.kind = core::TargetKind::cloud_resource;
  t.provider = *provider;
  t.region = *region;
  t.service = *service;
  t.declared_fields["provider"] = check.where(*node.get("provider"));
  t.declared_fields["region"] = check.where(*node.get("region"));
  t.value = fmt::format("{}:{}:{}", t.provider, t.region, t.service);
  if (t.id.empty()) t.id = t.value;
  if (const YamlNode* offer = node.get("offer")) {
    if (auto text = check.scalar(*offer, "offer", "an offer id such as ovhcloud-hpc-snc")) {
      t.declared_fields["offer"] = check.where(*offer);
      auto [it, added] = t.tags.emplace("offer", *text);
      if (!added && it->second != *text) {
        check.error(*offer,
                    fmt::format("offer '{}' contradicts tag offer '{}'; expected one offer", *text, it->second));
      }
    }
  }
  return true;
}

void check_tags(const YamlNode& node, core::Target& t, Checker& check) {
  if (!node.is_map()) {
    check.error(node, fmt::format("'tags' is {}; expected a map such as {{classification: health}}", describe(node)));
    return;
  }
  for (std::size_t i = 0; i < node.map_size(); ++i) {
    auto key = check.scalar(node.key(i), "tag name", "a tag name");
    auto value = check.scalar(node.value(i), key.value_or("tag"), "a tag value (text)");
    if (!key || !value) continue;
    t.tags[*key] = *value;
    // Ids the rule packs must know; a cloud resource's own fields win over its tags.
    if ((*key == "provider" || *key == "region" || *key == "offer") && !t.declared_fields.contains(*key)) {
      t.declared_fields[*key] = check.where(node.value(i));
    }
  }
}

// `https: true` on a host target: probe https://HOST/ as well (url targets are always probed).
void check_https(const YamlNode& node, core::Target& t, Checker& check) {
  auto text = check.scalar(node, "https", "true or false");
  if (!text) return;
  if (*text != "true" && *text != "false") {
    check.error(node, fmt::format("'https' is '{}'; expected true or false", *text));
    return;
  }
  if (t.kind != core::TargetKind::host) {
    check.error(node,
                fmt::format("'https' applies to host targets; expected it only on '- host:' items (a url target is "
                            "always probed over HTTP(S), a {} is not)",
                            core::to_string(t.kind)));
    return;
  }
  t.https = *text == "true";
}

// tls_terminated_by: origin | a provider id | a list of them. A declaration, not an observation.
void check_tls(const YamlNode& node, core::Target& t, Checker& check) {
  const std::string expected = "'origin' or a provider id (or a list of them), e.g. tls_terminated_by: origin";
  std::vector<const YamlNode*> items;
  if (node.is_seq()) {
    for (const auto& item : node.items) items.push_back(&item);
  } else {
    items.push_back(&node);
  }
  if (items.empty()) check.error(node, fmt::format("'tls_terminated_by' is an empty list; expected {}", expected));
  for (const YamlNode* item : items) {
    if (auto v = check.scalar(*item, "tls_terminated_by", expected)) t.tls_terminated_by.push_back(*v);
  }
  t.declared_fields["tls_terminated_by"] = check.where(node);
}

void check_policies(const YamlNode& node, TargetEntry& entry, Checker& check) {
  if (node.is_seq()) {
    entry.policies = check.policy_list(node, "policies");
    return;
  }
  if (!node.is_map() || node.map_size() != 1) {
    check.error(node, fmt::format("'policies' is {}; expected a list of policy ids, or {{replace: [ids]}}",
                                  node.is_map() ? "a map with several keys" : describe(node)));
    return;
  }
  check.check_keys(node, k_policy_modes, "policies");
  const YamlNode& mode = node.key(0);
  if (mode.scalar == "replace") entry.policy_mode = PolicyMode::replace;
  entry.policies = check.policy_list(node.value(0), mode.scalar);
}

std::optional<TargetEntry> check_target(const YamlNode& item, Checker& check) {
  if (!item.is_map()) {
    check.error(item, fmt::format("target is {}; expected a map such as {{host: www.example.fr}}", describe(item)));
    return std::nullopt;
  }
  TargetEntry entry;
  core::Target& t = entry.target;
  t.declared_at = check.where(item);
  std::vector<std::string> skip = k_kinds;
  const YamlNode* kind_key = find_kind_key(item, check, skip);
  check.check_keys(item, k_target_keys, "a target", skip);
  if (const YamlNode* id = item.get("id")) t.id = check.scalar(*id, "id", "a target id").value_or("");
  if (const YamlNode* tags = item.get("tags")) check_tags(*tags, t, check);
  if (const YamlNode* pol = item.get("policies")) check_policies(*pol, entry, check);
  if (const YamlNode* tls = item.get("tls_terminated_by")) check_tls(*tls, t, check);
  if (kind_key == nullptr) return std::nullopt;
  const YamlNode& value = *item.get(kind_key->scalar);
  const core::TargetKind kind = kind_of(kind_key->scalar);
  if (kind == core::TargetKind::cloud_resource) {
    if (!check_cloud(value, t, check)) return std::nullopt;
    if (const YamlNode* https = item.get("https")) check_https(*https, t, check);
    return entry;
  }
  auto text = check.scalar(value, kind_key->scalar, "a value");
  if (!text) return std::nullopt;
  if (auto ok = set_target_value(t, kind, *text); !ok) {
    check.error(value, ok.error().message);
    return std::nullopt;
  }
  if (const YamlNode* https = item.get("https")) check_https(*https, t, check);
  return entry;
}

}  // namespace

std::vector<TargetEntry> check_targets(const YamlNode& seq, Checker& check) {
  std::vector<TargetEntry> out;
  if (!seq.is_seq() || seq.items.empty()) {
    check.error(seq, fmt::format("'targets' is {}; expected a non-empty list of targets such as "
                                 "'- host: www.example.fr'",
                                 seq.is_seq() ? "an empty list" : describe(seq)));
    return out;
  }
  std::map<std::string, core::SourceLocation> seen;
  for (const YamlNode& item : seq.items) {
    auto entry = check_target(item, check);
    if (!entry) continue;
    auto [it, added] = seen.emplace(entry->target.id, entry->target.declared_at);
    if (!added) {
      check.error(item, fmt::format("duplicate target id '{}' (first declared at {}); expected unique ids: set "
                                    "'id:' to tell them apart",
                                    entry->target.id, it->second.to_string()));
      continue;
    }
    out.push_back(std::move(*entry));
  }
  return out;
}

}  // namespace inventory
