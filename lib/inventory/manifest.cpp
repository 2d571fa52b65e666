// Audit manifests: parse the YAML into a position-carrying tree (yaml_tree.cpp), then check
// each section (schema, metadata, policies, targets, waivers) and collect every problem before
// failing, so a user fixes a manifest in one pass. Target and waiver checks live in
// manifest_targets.cpp and manifest_waivers.cpp; the shared helpers (Checker) are here.
#include "inventory/checker.hpp"
#include "inventory/manifest.hpp"

#include "core/atomic_file.hpp"
#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <tuple>

namespace inventory {

namespace {

const std::vector<std::string> k_top_keys = {"schema", "metadata", "policies", "targets", "waivers"};
const std::vector<std::string> k_metadata_keys = {"organisation", "auditor", "scope", "description",
                                                  "waiver_max_days"};

int parse_max_days(const YamlNode& node, Checker& check) {
  int value = 0;
  const std::string& s = node.scalar;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (!node.is_scalar() || ec != std::errc{} || ptr != s.data() + s.size() || value < 1 || value > 36500) {
    check.error(node, fmt::format("waiver_max_days is '{}'; expected a whole number of days from 1 to 36500",
                                  node.is_scalar() ? s : std::string(describe(node))));
    return k_default_waiver_max_days;
  }
  return value;
}

Metadata check_metadata(const YamlNode* node, Checker& check) {
  Metadata meta;
  if (node == nullptr) return meta;
  if (!node->is_map()) {
    check.error(*node, fmt::format("metadata is {}; expected a map with organisation, auditor, scope, description",
                                   describe(*node)));
    return meta;
  }
  check.check_keys(*node, k_metadata_keys, "metadata");
  auto text = [&](std::string_view key, std::string& out) {
    if (const YamlNode* v = node->get(key)) out = check.scalar(*v, key, "text").value_or("");
  };
  text("organisation", meta.organisation);
  text("auditor", meta.auditor);
  text("scope", meta.scope);
  text("description", meta.description);
  if (const YamlNode* v = node->get("waiver_max_days")) meta.waiver_max_days = parse_max_days(*v, check);
  return meta;
}

void check_schema(const YamlNode& root, Checker& check) {
  const YamlNode* schema = root.get("schema");
  if (schema == nullptr) {
    check.error(root, fmt::format("missing key 'schema'; expected 'schema: {}' at the top", k_manifest_schema));
  } else if (!schema->is_scalar() || schema->scalar != k_manifest_schema) {
    check.error(*schema, fmt::format("unsupported schema '{}'; expected '{}'",
                                     schema->is_scalar() ? schema->scalar : std::string(describe(*schema)),
                                     k_manifest_schema));
  }
}

Manifest check_root(const YamlNode& root, const std::string& file_name, const LoadOptions& options, Checker& check) {
  Manifest m;
  m.file = file_name;
  if (!root.is_map()) {
    check.error(root, fmt::format("the manifest is {}; expected a map with schema, metadata, policies, targets, "
                                  "waivers",
                                  describe(root)));
    return m;
  }
  check.check_keys(root, k_top_keys, "the manifest");
  check_schema(root, check);
  m.metadata = check_metadata(root.get("metadata"), check);
  if (const YamlNode* p = root.get("policies")) m.policies = check.policy_list(*p, "policies");
  const YamlNode* targets = root.get("targets");
  if (targets == nullptr) {
    check.error(root, "missing key 'targets'; expected a list of targets such as '- host: www.example.fr'");
  } else {
    m.targets = check_targets(*targets, check);
  }
  if (const YamlNode* w = root.get("waivers")) m.waivers = check_waivers(*w, m.metadata, options, check);
  return m;
}

}  // namespace

void Checker::error(const YamlNode& at, std::string message) {
  core::Error e{core::ErrorCode::config, std::move(message), where(at).to_string()};
  m_found.push_back({at.line, at.column, std::move(e)});
}

std::size_t Checker::flush() {
  std::ranges::stable_sort(m_found, [](const Found& a, const Found& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  for (auto& f : m_found) m_out.push_back(std::move(f.error));
  const std::size_t n = m_found.size();
  m_found.clear();
  return n;
}

core::SourceLocation Checker::where(const YamlNode& node) const {
  return core::SourceLocation{m_file, node.line, node.column};
}

void Checker::check_keys(const YamlNode& map, const std::vector<std::string>& allowed, std::string_view what,
                         const std::vector<std::string>& skip) {
  for (std::size_t i = 0; i < map.map_size(); ++i) {
    const YamlNode& key = map.key(i);
    if (!key.is_scalar()) {
      error(key, fmt::format("a key in {} is {}; expected a plain name", what, describe(key)));
      continue;
    }
    if (std::ranges::find(allowed, key.scalar) != allowed.end()) continue;
    if (std::ranges::find(skip, key.scalar) != skip.end()) continue;
    const auto hint = core::closest(key.scalar, allowed);
    error(key, fmt::format("unknown key '{}' in {}{}; expected one of: {}", key.scalar, what,
                           hint ? fmt::format(" (did you mean '{}'?)", *hint) : std::string(), join(allowed)));
  }
}

std::optional<std::string> Checker::scalar(const YamlNode& node, std::string_view name, std::string_view expected) {
  if (node.is_scalar() && !core::trim(node.scalar).empty()) return node.scalar;
  error(node, fmt::format("'{}' is {}; expected {}", name, node.is_scalar() ? "blank" : describe(node), expected));
  return std::nullopt;
}

std::optional<std::string> Checker::required(const YamlNode& map, std::string_view key, std::string_view what,
                                             std::string_view expected) {
  const YamlNode* value = map.get(key);
  if (value == nullptr) {
    error(map, fmt::format("{} has no '{}'; expected {}", what, key, expected));
    return std::nullopt;
  }
  return scalar(*value, key, expected);
}

std::vector<PolicyRef> Checker::policy_list(const YamlNode& node, std::string_view name) {
  std::vector<PolicyRef> out;
  if (!node.is_seq()) {
    error(node, fmt::format("'{}' is {}; expected a list of policy ids such as [fr-health-data]", name,
                            describe(node)));
    return out;
  }
  for (const YamlNode& item : node.items) {
    if (auto id = scalar(item, "policy id", "a policy id such as fr-health-data")) {
      out.push_back(PolicyRef{*id, where(item)});
    }
  }
  return out;
}

std::string_view describe(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::null: return "empty";
    case YamlNode::Kind::scalar: return "a scalar";
    case YamlNode::Kind::sequence: return "a list";
    case YamlNode::Kind::map: return "a map";
  }
  return "empty";
}

std::string join(const std::vector<std::string>& names) { return fmt::format("{}", fmt::join(names, ", ")); }

std::vector<std::string> Manifest::policies_for(const TargetEntry& entry) const {
  std::vector<std::string> ids;
  if (entry.policy_mode == PolicyMode::extend) {
    for (const auto& p : policies) ids.push_back(p.id);
  }
  for (const auto& p : entry.policies) ids.push_back(p.id);
  std::ranges::sort(ids);
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

core::Result<Manifest> parse_manifest(std::string_view text, const std::string& file_name,
                                      const LoadOptions& options, Diagnostics& diagnostics) {
  auto root = parse_yaml_tree(text, file_name);
  if (!root) {
    diagnostics.push_back(root.error());
    return std::unexpected(root.error());
  }
  Checker check(file_name, diagnostics);
  Manifest m = check_root(*root, file_name, options, check);
  const std::size_t found = check.flush();
  if (found > 0) {
    return core::fail(core::ErrorCode::config,
                      fmt::format("{} problem{} in the manifest", found, found == 1 ? "" : "s"), file_name);
  }
  return m;
}

core::Result<Manifest> load_manifest(const std::filesystem::path& path, const LoadOptions& options,
                                     Diagnostics& diagnostics) {
  auto text = core::read_file(path);
  if (!text) {
    diagnostics.push_back(text.error());
    return std::unexpected(text.error());
  }
  return parse_manifest(*text, path.string(), options, diagnostics);
}

std::string to_string(const Diagnostics& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += d.to_string() + "\n";
  return out;
}

}  // namespace inventory
