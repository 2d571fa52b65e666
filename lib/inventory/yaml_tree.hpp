// inventory::YamlNode: a manifest's YAML as the plain tree of lib/yaml (1-based positions), so
// the manifest checks never touch yaml-cpp types. Internal to lib/inventory.
#pragma once

#include "core/error.hpp"
#include "yaml/tree.hpp"

#include <string>
#include <string_view>

namespace inventory {

using YamlNode = yaml::Node;

// Parse YAML text into a tree; a syntax error, a duplicate map key or a second document carries
// file:line:column.
core::Result<YamlNode> parse_yaml_tree(std::string_view text, const std::string& file_name);

}  // namespace inventory
