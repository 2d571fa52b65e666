// The yaml-cpp adapter of lib/inventory: parse text with yaml-cpp and copy it into a YamlNode
// tree with 1-based positions (yaml-cpp marks are 0-based). A null value takes its key's
// position, since yaml-cpp marks it at the next token. Every yaml-cpp exception stops here.
// Duplicate map keys, which yaml-cpp accepts silently, are reported. Depth and node count are
// bounded (nodes by the text size), so a recursive alias (`&a [*a]`) or an alias bomb is an error, not a crash.
#include "inventory/yaml_tree.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <set>

namespace inventory {

namespace {

constexpr int k_max_depth = 64;
// Without aliases a document cannot hold more nodes than it has bytes; more means an alias bomb.
constexpr std::size_t k_node_slack = 1024;

struct Converter {
  const std::string& file_name;
  std::string error_where;
  std::string error_message;
  std::size_t max_nodes = 0;
  int depth = 0;
  std::size_t nodes = 0;

  void set_error(const YamlNode& at, std::string message) {
    if (!error_where.empty()) return;
    error_where = fmt::format("{}:{}:{}", file_name, at.line, at.column);
    error_message = std::move(message);
  }

  YamlNode convert(const YAML::Node& in, const YamlNode* parent, bool map_value = false) {
    YamlNode out;
    const YAML::Mark mark = in.Mark();
    if (mark.line >= 0 && !(in.IsNull() && map_value)) {
      out.line = mark.line + 1;
      out.column = mark.column + 1;
    } else if (parent != nullptr) {
      out.line = parent->line;
      out.column = parent->column;
    }
    if (depth >= k_max_depth) {
      set_error(out, fmt::format("the document nests deeper than {} levels or has a recursive alias; expected a "
                                 "plain manifest",
                                 k_max_depth));
      return out;
    }
    if (++nodes > max_nodes) {
      set_error(out, fmt::format("aliases expand the document beyond {} nodes; expected a plain manifest", max_nodes));
      return out;
    }
    if (!error_where.empty()) return out;
    ++depth;
    fill(out, in);
    --depth;
    return out;
  }

  void fill(YamlNode& out, const YAML::Node& in) {
    if (in.IsScalar()) {
      out.kind = YamlNode::Kind::scalar;
      out.scalar = in.Scalar();
    } else if (in.IsSequence()) {
      out.kind = YamlNode::Kind::sequence;
      for (const auto& item : in) out.items.push_back(convert(item, &out));
    } else if (in.IsMap()) {
      out.kind = YamlNode::Kind::map;
      std::set<std::string> keys;
      for (auto it = in.begin(); it != in.end(); ++it) add_pair(out, keys, it->first, it->second);
    }
  }

  void add_pair(YamlNode& map, std::set<std::string>& keys, const YAML::Node& key, const YAML::Node& value) {
    YamlNode k = convert(key, &map);
    if (k.is_scalar() && !keys.insert(k.scalar).second) {
      set_error(k, fmt::format("duplicate key '{}'; expected each key once per map", k.scalar));
    }
    YamlNode v = convert(value, &k, true);
    map.items.push_back(std::move(k));
    map.items.push_back(std::move(v));
  }
};

}  // namespace

const YamlNode* YamlNode::get(std::string_view name) const {
  if (kind != Kind::map) return nullptr;
  for (std::size_t i = 0; i < map_size(); ++i) {
    if (key(i).is_scalar() && key(i).scalar == name) return &value(i);
  }
  return nullptr;
}

core::Result<YamlNode> parse_yaml_tree(std::string_view text, const std::string& file_name) {
  try {
    // Every document is read: one after the first would otherwise be ignored without a word.
    std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    while (documents.size() > 1 && documents.back().IsNull()) documents.pop_back();  // a trailing '---'
    if (documents.size() > 1) {
      const YAML::Mark mark = documents[1].Mark();
      return core::fail(
          core::ErrorCode::config,
          fmt::format("a second YAML document starts here; expected one {} per file (split the documents into "
                      "files)",
                      "manifest"),
          fmt::format("{}:{}:{}", file_name, mark.line >= 0 ? mark.line + 1 : 1,
                      mark.column >= 0 ? mark.column + 1 : 1));
    }
    const YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
    Converter conv{file_name, {}, {}, text.size() + k_node_slack};
    YamlNode out = conv.convert(root, nullptr);
    if (out.line == 0) out.line = out.column = 1;
    if (!conv.error_where.empty()) return core::fail(core::ErrorCode::config, conv.error_message, conv.error_where);
    return out;
  } catch (const YAML::Exception& e) {
    const int line = e.mark.line >= 0 ? e.mark.line + 1 : 1;
    const int column = e.mark.column >= 0 ? e.mark.column + 1 : 1;
    return core::fail(core::ErrorCode::config, fmt::format("YAML syntax error: {}; expected valid YAML", e.msg),
                      fmt::format("{}:{}:{}", file_name, line, column));
  } catch (const std::exception& e) {
    return core::fail(core::ErrorCode::config, fmt::format("cannot parse YAML: {}", e.what()), file_name);
  }
}

}  // namespace inventory
