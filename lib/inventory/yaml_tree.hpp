// inventory::YamlNode: a manifest's YAML as a plain tree with 1-based positions, so the manifest
// checks never touch yaml-cpp types (only yaml_tree.cpp does). Internal to lib/inventory.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace inventory {

struct YamlNode {
  enum class Kind : std::uint8_t { null, scalar, sequence, map };
  Kind kind = Kind::null;
  std::string scalar;           // text of a scalar
  std::vector<YamlNode> items;  // sequence items; for a map, key and value alternate
  int line = 0;                 // 1-based
  int column = 0;               // 1-based

  bool is_map() const { return kind == Kind::map; }
  bool is_seq() const { return kind == Kind::sequence; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_null() const { return kind == Kind::null; }
  std::size_t map_size() const { return items.size() / 2; }
  const YamlNode& key(std::size_t i) const { return items[2 * i]; }
  const YamlNode& value(std::size_t i) const { return items[2 * i + 1]; }
  // Return the value for `name` in a map, or nullptr.
  const YamlNode* get(std::string_view name) const;
};

// Parse YAML text into a tree; a syntax error or a duplicate map key carries file:line:column.
core::Result<YamlNode> parse_yaml_tree(std::string_view text, const std::string& file_name);

}  // namespace inventory
