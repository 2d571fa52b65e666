// The yaml-cpp adapter: scan every document, refuse a second one, and copy the first into a
// yaml::Node tree with 1-based positions (yaml-cpp marks are 0-based). The scan replaces
// YAML::LoadAll, which loops for ever (growing) on a token no rule consumes, such as a lone ','
// (yaml-cpp 0.7, jbeder/yaml-cpp#1040): a document that is a null at the same place as the one
// before is a syntax error. A null map value takes its key's position, since yaml-cpp marks it at
// the next token. Every yaml-cpp exception stops here.
// Aliases are shared in yaml-cpp's graph but copied into ours, so the copy is bounded: depth,
// nodes and scalar bytes, each relative to the size of the text.
#include "yaml/tree.hpp"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <sstream>

namespace yaml {

namespace {

constexpr std::size_t k_slack = 64 * 1024;

// Records where one document's root starts and whether the document is nothing but a null.
class DocumentScan : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> root;
  bool lone_null = false;

  void reset() {
    root.reset();
    lone_null = false;
  }
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { lone_null = node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override { node(mark); }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}

 private:
  // Note a node event; true when it is the document's first.
  bool node(const YAML::Mark& mark) {
    if (root) return false;
    root = mark;
    return true;
  }
};

std::string where_of(const std::string& file_name, const YAML::Mark& mark) {
  return fmt::format("{}:{}:{}", file_name, mark.line >= 0 ? mark.line + 1 : 1, mark.column >= 0 ? mark.column + 1 : 1);
}

// Walk the documents of `text` without building them; fail on a second document that holds
// something (trailing empty documents are fine) and where yaml-cpp stops making progress.
core::Result<void> check_documents(std::string_view text, const std::string& file_name, const ParseOptions& options) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  DocumentScan scan;
  std::optional<YAML::Mark> second;         // the root of the second document, if any
  std::optional<YAML::Mark> previous_null;  // the root of the previous document, when a lone null
  for (int index = 0;; ++index) {
    scan.reset();
    if (!parser.HandleNextDocument(scan)) return {};
    const YAML::Mark root = scan.root.value_or(YAML::Mark::null_mark());
    const bool empty = scan.lone_null || !scan.root;
    if (empty && previous_null && previous_null->pos == root.pos) {
      const char c = root.pos >= 0 && static_cast<std::size_t>(root.pos) < text.size() ? text[root.pos] : ' ';
      const bool printable = c > ' ' && c < 0x7f;
      return core::fail(core::ErrorCode::config,
                        fmt::format("YAML syntax error: unexpected {}; expected valid YAML",
                                    printable ? fmt::format("'{}'", c) : std::string("character")),
                        where_of(file_name, root));
    }
    previous_null = empty ? std::optional(root) : std::nullopt;
    if (index == 1) second = root;
    if (index >= 1 && !empty) {
      return core::fail(core::ErrorCode::config,
                        fmt::format("a second YAML document starts here; expected one {} per file (split the documents "
                                    "into files)",
                                    options.what),
                        where_of(file_name, *second));
    }
  }
}

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
    if (auto ok = check_documents(text, file_name, options); !ok) return std::unexpected(ok.error());
    const YAML::Node root = YAML::Load(std::string(text));
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
