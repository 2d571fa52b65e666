// yaml::Node: a YAML document as a plain tree with 1-based positions, the one adapter over
// yaml-cpp that the rule-pack loader (lib/policy) and the manifest loader (lib/inventory) share,
// so that neither touches yaml-cpp types. Parsing is bounded: depth, node count and the bytes of
// expanded scalars, so a recursive alias or an alias bomb is an error, never a crash or a
// runaway allocation. Duplicate map keys and a second document are errors.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yaml {

struct Node {
  enum class Kind : std::uint8_t { null, scalar, sequence, map };
  Kind kind = Kind::null;
  std::string scalar;       // text of a scalar
  std::vector<Node> items;  // sequence items; for a map, key and value alternate
  int file = 0;             // index into a caller's file table (rule packs)
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

struct ParseOptions {
  std::string_view what = "document";  // in messages: "expected one manifest per file"
  int file_index = 0;
  int max_depth = 64;
};

// Parse YAML text; a syntax error, a duplicate key, a second document or an expansion past the
// bounds is an error whose `where` is file:line:column.
core::Result<Node> parse(std::string_view text, const std::string& file_name, const ParseOptions& options = {});

// The most nodes, and bytes of scalars, a document of `text_size` bytes may expand to: without
// aliases a document cannot hold more nodes or scalar bytes than it has bytes.
std::size_t max_nodes(std::size_t text_size);
std::size_t max_scalar_bytes(std::size_t text_size);

}  // namespace yaml
