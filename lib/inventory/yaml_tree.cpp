// Manifests through the shared YAML adapter (lib/yaml): one document per file, bounded.
#include "inventory/yaml_tree.hpp"

namespace inventory {

core::Result<YamlNode> parse_yaml_tree(std::string_view text, const std::string& file_name) {
  return yaml::parse(text, file_name, {.what = "manifest"});
}

}  // namespace inventory
