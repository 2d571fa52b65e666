// The validating builder's common part: file dispatch by `kind`, typed accessors that report
// wrong types, unknown keys (with a did-you-mean hint) and missing keys, id claims across layers
// (duplicates within a layer are errors; a later layer overriding an entry is a note), and the
// final pass that resolves cross-references once every pack is loaded.
#include "policy/builder.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace policy {

namespace {

std::string kind_name(const Node& n) {
  switch (n.kind) {
    case Node::Kind::null:
      return "empty";
    case Node::Kind::scalar:
      return "a scalar";
    case Node::Kind::sequence:
      return "a list";
    case Node::Kind::map:
      return "a map";
  }
  return "?";
}

bool id_ok(std::string_view s, Builder::IdStyle style) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool digit = c >= '0' && c <= '9';
    const bool lower = c >= 'a' && c <= 'z';
    const bool upper = c >= 'A' && c <= 'Z';
    bool ok = false;
    switch (style) {
      case Builder::IdStyle::lower:
        ok = digit || lower || (i > 0 && c == '-');
        break;
      case Builder::IdStyle::upper:
        ok = digit || upper || (i > 0 && (c == '-' || c == '.'));
        break;
      case Builder::IdStyle::set:
        ok = digit || lower || upper || (i > 0 && c == '-');
        break;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace

void Builder::add_problem(core::Level level, SourceLocation loc, std::string message) {
  m_problems.push_back({level, std::move(loc), std::move(message)});
}

void Builder::add_file(const ParsedFile& file) {
  m_file = file.name;
  m_rules.files.push_back(file.name);
  const Node& root = file.root;
  if (!root.is_map()) {
    error(root, fmt::format("the file is {}; expected a map with 'schema: residency/v1' and 'kind'", kind_name(root)));
    return;
  }
  const Node* schema = root.get("schema");
  if (schema == nullptr) {
    error(root, "missing required key 'schema'; expected 'schema: residency/v1' at the top of every pack");
  } else if (!schema->is_scalar() || schema->scalar != "residency/v1") {
    error(*schema, fmt::format("unsupported schema '{}'; expected residency/v1", schema->scalar));
    return;
  }
  const auto kind = text(root, "kind");
  if (!kind) {
    if (root.get("kind") == nullptr)
      error(root, "missing required key 'kind'; expected one of jurisdictions, laws, provider, policy, terraform");
    return;
  }
  if (*kind == "jurisdictions") return read_jurisdictions(*this, root);
  if (*kind == "laws") return read_laws(*this, root);
  if (*kind == "provider") return read_provider(*this, root);
  if (*kind == "policy") return read_policy(*this, root);
  if (*kind == "terraform") return read_terraform(*this, root);
  const std::vector<std::string> kinds{"jurisdictions", "laws", "provider", "policy", "terraform"};
  auto hint = core::closest(*kind, kinds);
  error(*root.get("kind"),
        fmt::format("unknown kind '{}'; expected one of jurisdictions, laws, provider, policy, terraform{}", *kind,
                    hint ? fmt::format(" (did you mean '{}'?)", *hint) : ""));
}

bool Builder::check_map(const Node& n, std::string_view what, std::initializer_list<std::string_view> allowed,
                        std::initializer_list<std::string_view> required) {
  if (!n.is_map()) {
    error(n, fmt::format("{} is {}; expected a map", what, kind_name(n)));
    return false;
  }
  const std::vector<std::string> names(allowed.begin(), allowed.end());
  for (std::size_t i = 0; i < n.map_size(); ++i) {
    const Node& k = n.key(i);
    if (std::find(names.begin(), names.end(), k.scalar) != names.end()) continue;
    auto hint = core::closest(k.scalar, names);
    error(k, fmt::format("unknown key '{}' in {}; expected one of {}{}", k.scalar, what, fmt::join(names, ", "),
                         hint ? fmt::format(" (did you mean '{}'?)", *hint) : ""));
  }
  for (auto key : required) {
    const Node* v = n.get(key);
    if (v == nullptr || v->is_null()) {
      error(n, fmt::format("missing required key '{}' in {}; expected '{}' to be set", key, what, key));
    }
  }
  return true;
}

std::optional<std::string> Builder::text(const Node& map, std::string_view key) {
  const Node* v = map.get(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_scalar()) {
    error(*v, fmt::format("'{}' is {}; expected a scalar", key, kind_name(*v)));
    return std::nullopt;
  }
  return v->scalar;
}

std::optional<std::string> Builder::id(const Node& map, std::string_view key, IdStyle style) {
  auto v = text(map, key);
  if (v && !id_ok(*v, style)) {
    const char* pattern = style == IdStyle::lower   ? "[a-z0-9][a-z0-9-]*"
                          : style == IdStyle::upper ? "[A-Z0-9][A-Z0-9.-]*"
                                                    : "[A-Za-z0-9][A-Za-z0-9-]*";
    error(*map.get(key), fmt::format("malformed id '{}'; expected {}", *v, pattern));
  }
  return v;
}

std::optional<core::Date> Builder::date(const Node& map, std::string_view key) {
  auto v = text(map, key);
  if (!v) return std::nullopt;
  auto d = core::parse_date(*v);
  if (!d) {
    error(*map.get(key), fmt::format("malformed date '{}' for '{}'; expected YYYY-MM-DD", *v, key));
    return std::nullopt;
  }
  return *d;
}

std::optional<bool> Builder::boolean(const Node& map, std::string_view key) {
  auto v = text(map, key);
  if (!v) return std::nullopt;
  if (*v == "true") return true;
  if (*v == "false") return false;
  error(*map.get(key), fmt::format("'{}' is '{}'; expected true or false", key, *v));
  return std::nullopt;
}

std::vector<std::string> Builder::texts(const Node& map, std::string_view key, bool single_ok) {
  std::vector<std::string> out;
  const Node* v = map.get(key);
  if (v == nullptr || v->is_null()) return out;
  if (v->is_scalar() && single_ok) return {v->scalar};
  if (!v->is_seq()) {
    error(*v, fmt::format("'{}' is {}; expected a list of scalars", key, kind_name(*v)));
    return out;
  }
  for (const auto& item : v->items) {
    if (item.is_scalar()) {
      out.push_back(item.scalar);
    } else {
      error(item, fmt::format("an item of '{}' is {}; expected a scalar", key, kind_name(item)));
    }
  }
  return out;
}

Sourcing Builder::sourcing(const Node& map) {
  Sourcing s;
  s.sources = texts(map, "source", true);
  s.as_of = date(map, "as_of");
  return s;
}

void Builder::refer(Ref::Kind kind, std::string value, const Node& where, std::string fact) {
  m_refs.push_back({kind, std::move(value), std::move(fact), at(where), m_owner, m_layer});
}

bool Builder::claim(std::string_view kind, const std::string& id, const Node& n) {
  const std::string key = fmt::format("{}:{}", kind, id);
  auto it = m_claims.find(key);
  if (it == m_claims.end()) {
    m_claims[key] = {m_layer, at(n)};
    return true;
  }
  if (it->second.layer == m_layer) {
    error(n, fmt::format("duplicate {} id '{}' (first defined at {}); expected unique ids", kind, id,
                         it->second.loc.to_string()));
    return false;
  }
  note(n,
       fmt::format("{} '{}' overrides the one defined at {} (later packs win)", kind, id, it->second.loc.to_string()));
  it->second = {m_layer, at(n)};
  return true;
}

}  // namespace policy
