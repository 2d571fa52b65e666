// The yaml-cpp adapter: parse text with yaml-cpp and copy it into a policy::Node tree, keeping
// each node's position (yaml-cpp marks are 0-based; ours are 1-based). Every yaml-cpp exception
// stops here and becomes a core::Error with file:line:column. Duplicate map keys, which yaml-cpp
// accepts silently, are reported too.
#include "policy/node.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace policy {

namespace {

// Bounds that turn a recursive alias (`a: &t [*t]`) or an alias bomb into an error, not a crash.
constexpr int k_max_depth = 64;

struct Converter {
  const std::string& file_name;
  int file_index;
  std::size_t max_nodes;
  std::string first_error;
  int depth = 0;
  std::size_t nodes = 0;

  bool too_big(const Node& at) {
    if (depth < k_max_depth && ++nodes <= max_nodes) return false;
    if (first_error.empty()) {
      first_error = fmt::format("{}:{}:{}: {}; expected a plain rule pack", file_name, at.line, at.column,
                                depth >= k_max_depth
                                    ? fmt::format("nesting deeper than {} levels or a recursive alias", k_max_depth)
                                    : fmt::format("aliases expand the file beyond {} nodes", max_nodes));
    }
    return true;
  }

  void place(Node& out, const YAML::Mark& mark, const Node* parent) {
    out.file = file_index;
    if (mark.line >= 0) {
      out.line = mark.line + 1;
      out.column = mark.column + 1;
    } else if (parent != nullptr) {
      out.line = parent->line;
      out.column = parent->column;
    }
  }

  Node convert(const YAML::Node& in, const Node* parent) {
    Node out;
    place(out, in.Mark(), parent);
    if (too_big(out)) return out;
    struct Deeper {
      int& d;
      explicit Deeper(int& x) : d(++x) {}
      ~Deeper() { --d; }
    } deeper(depth);
    switch (in.Type()) {
      case YAML::NodeType::Scalar:
        out.kind = Node::Kind::scalar;
        out.scalar = in.Scalar();
        break;
      case YAML::NodeType::Sequence:
        out.kind = Node::Kind::sequence;
        for (const auto& item : in) out.items.push_back(convert(item, &out));
        break;
      case YAML::NodeType::Map:
        out.kind = Node::Kind::map;
        for (auto it = in.begin(); it != in.end(); ++it) add_pair(out, it->first, it->second);
        break;
      default:
        out.kind = Node::Kind::null;
        break;
    }
    return out;
  }

  void add_pair(Node& map, const YAML::Node& key, const YAML::Node& value) {
    Node k = convert(key, &map);
    if (k.is_scalar() && map.get(k.scalar) != nullptr && first_error.empty()) {
      first_error = fmt::format("{}:{}:{}: duplicate key '{}'; expected each key once per map", file_name, k.line,
                                k.column, k.scalar);
    }
    Node v = convert(value, &k);
    map.items.push_back(std::move(k));
    map.items.push_back(std::move(v));
  }
};

}  // namespace

const Node* Node::get(std::string_view name) const {
  if (kind != Kind::map) return nullptr;
  for (std::size_t i = 0; i < map_size(); ++i) {
    if (key(i).is_scalar() && key(i).scalar == name) return &value(i);
  }
  return nullptr;
}

core::Result<Node> parse_yaml(std::string_view text, const std::string& file_name, int file_index) {
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
                      "rule pack"),
          fmt::format("{}:{}:{}", file_name, mark.line >= 0 ? mark.line + 1 : 1,
                      mark.column >= 0 ? mark.column + 1 : 1));
    }
    const YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
    Converter conv{file_name, file_index, text.size() + 1024, {}};
    Node out = conv.convert(root, nullptr);
    if (out.line == 0) out.line = out.column = 1;
    if (!conv.first_error.empty()) {
      auto pos = conv.first_error.find(": ");
      return core::fail(core::ErrorCode::config, conv.first_error.substr(pos + 2), conv.first_error.substr(0, pos));
    }
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

}  // namespace policy
