// policy::Node: the format-neutral tree a rule file becomes before validation. The YAML adapter
// (yaml_node.cpp) and the embedded compiled packs (node_codec.cpp) both produce it, so every
// message about a shipped pack points at the same rules/ file:line:column either way.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace policy {

struct Node {
  enum class Kind : std::uint8_t { null, scalar, sequence, map };
  Kind kind = Kind::null;
  std::string scalar;       // text of a scalar
  std::vector<Node> items;  // sequence items; for a map, key and value alternate
  int file = 0;             // index into the file table of the load
  int line = 0;             // 1-based
  int column = 0;           // 1-based

  bool is_map() const { return kind == Kind::map; }
  bool is_seq() const { return kind == Kind::sequence; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_null() const { return kind == Kind::null; }
  // Number of key/value pairs of a map.
  std::size_t map_size() const { return items.size() / 2; }
  // The key node and value node of pair `i` of a map.
  const Node& key(std::size_t i) const { return items[2 * i]; }
  const Node& value(std::size_t i) const { return items[2 * i + 1]; }
  // Return the value for `name` in a map, or nullptr.
  const Node* get(std::string_view name) const;
};

// A parsed file: its name (as shown in messages) and its root node.
struct ParsedFile {
  std::string name;
  Node root;
};

// Parse YAML text into a Node tree; a syntax error carries file:line:column.
core::Result<Node> parse_yaml(std::string_view text, const std::string& file_name, int file_index);

// Serialise files into a compact binary blob (the embedded form of the shipped packs).
std::string encode_files(const std::vector<ParsedFile>& files);
// Read back a blob made by encode_files; a damaged blob is an error, never a crash.
core::Result<std::vector<ParsedFile>> decode_files(std::string_view blob);

}  // namespace policy
