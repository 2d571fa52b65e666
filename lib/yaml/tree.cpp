// The yaml-cpp adapter: load every document, refuse a second one, and copy the first into a
// yaml::Node tree with 1-based positions (yaml-cpp marks are 0-based). A null map value takes its
// key's position, since yaml-cpp marks it at the next token. Every yaml-cpp exception stops here.
// Aliases are shared in yaml-cpp's graph but copied into ours, so the copy is bounded: depth,
// nodes and scalar bytes, each relative to the size of the text.
#include "yaml/tree.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <set>

namespace yaml {

namespace {

constexpr std::size_t k_slack = 64 * 1024;

struct Converter {
  const std::string& file_name;
  const ParseOptions& options;
  std::size_t node_budget;
  std::size_t byte_budget;
  std::string error_where;
  std::string error_message;
  int depth = 0;
  std::size_t nodes = 0;
  std::size_t bytes = 0;

  void set_error(const Node& at, std::string message) {
    if (!error_where.empty()) return;
    error_where = fmt::format("{}:{}:{}", file_name, at.line, at.column);
    error_message = std::move(message);
  }

  bool over_budget(const Node& at) {
    if (depth >= options.max_depth) {
      set_error(at,
                fmt::format("the document nests deeper than {} levels or has a recursive alias; expected a plain {}",
                            options.max_depth, options.what));
    } else if (++nodes > node_budget) {
      set_error(at, fmt::format("aliases expand the document beyond {} nodes; expected a plain {}", node_budget,
                                options.what));
    } else if (bytes > byte_budget) {
      set_error(at, fmt::format("aliases expand the document beyond {} bytes of text; expected a plain {}", byte_budget,
                                options.what));
    }
    return !error_where.empty();
  }

  Node convert(const YAML::Node& in, const Node* parent, bool map_value = false) {
    Node out;
    out.file = options.file_index;
    const YAML::Mark mark = in.Mark();
    if (mark.line >= 0 && !(in.IsNull() && map_value)) {
      out.line = mark.line + 1;
      out.column = mark.column + 1;
    } else if (parent != nullptr) {
      out.line = parent->line;
      out.column = parent->column;
    }
    if (over_budget(out)) return out;
    ++depth;
    fill(out, in);
    --depth;
    return out;
  }

  void fill(Node& out, const YAML::Node& in) {
    if (in.IsScalar()) {
      out.kind = Node::Kind::scalar;
      bytes += in.Scalar().size();
      if (bytes > byte_budget) {
        over_budget(out);
        return;
      }
      out.scalar = in.Scalar();
    } else if (in.IsSequence()) {
      out.kind = Node::Kind::sequence;
      for (const auto& item : in) {
        out.items.push_back(convert(item, &out));
        if (!error_where.empty()) return;
      }
    } else if (in.IsMap()) {
      out.kind = Node::Kind::map;
      std::set<std::string, std::less<>> keys;
      for (auto it = in.begin(); it != in.end() && error_where.empty(); ++it)
        add_pair(out, keys, it->first, it->second);
    }
  }

  void add_pair(Node& map, std::set<std::string, std::less<>>& keys, const YAML::Node& key, const YAML::Node& value) {
    Node k = convert(key, &map);
    if (k.is_scalar() && !keys.insert(k.scalar).second) {
      set_error(k, fmt::format("duplicate key '{}'; expected each key once per map", k.scalar));
    }
    Node v = convert(value, &k, true);
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

std::size_t max_nodes(std::size_t text_size) { return text_size + 1024; }
std::size_t max_scalar_bytes(std::size_t text_size) { return 2 * text_size + k_slack; }

core::Result<Node> parse(std::string_view text, const std::string& file_name, const ParseOptions& options) {
  try {
    // Every document is read: one after the first would otherwise be ignored without a word.
    std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    while (documents.size() > 1 && documents.back().IsNull()) documents.pop_back();  // a trailing '---'
    if (documents.size() > 1) {
      const YAML::Mark mark = documents[1].Mark();
      return core::fail(core::ErrorCode::config,
                        fmt::format("a second YAML document starts here; expected one {} per file (split the documents "
                                    "into files)",
                                    options.what),
                        fmt::format("{}:{}:{}", file_name, mark.line >= 0 ? mark.line + 1 : 1,
                                    mark.column >= 0 ? mark.column + 1 : 1));
    }
    const YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
    Converter conv{file_name, options, max_nodes(text.size()), max_scalar_bytes(text.size()), {}, {}};
    Node out = conv.convert(root, nullptr);
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

}  // namespace yaml
