// policy::Node: the format-neutral tree a rule file becomes before validation. The YAML adapter
// (yaml_node.cpp) and the embedded compiled packs (node_codec.cpp) both produce it, so every
// message about a shipped pack points at the same rules/ file:line:column either way.
#pragma once

#include "core/error.hpp"
#include "yaml/tree.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace policy {

// The tree of lib/yaml (positions, kinds, map access), shared with the manifest loader.
using Node = yaml::Node;

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
