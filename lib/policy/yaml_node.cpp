// Rule packs through the shared YAML adapter (lib/yaml): one document per file, bounded.
#include "policy/node.hpp"

namespace policy {

core::Result<Node> parse_yaml(std::string_view text, const std::string& file_name, int file_index) {
  return yaml::parse(text, file_name, {.what = "rule pack", .file_index = file_index});
}

}  // namespace policy
