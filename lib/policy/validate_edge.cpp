// The reader of a provider's `edge` section (docs/rules.md): response headers its edge network
// adds and certificate issuers only it uses, with their source and as_of. Header names must be
// lower-case field names; a header that already identifies another provider is a warning, since
// the HTTPS probe would then attribute one response to both.
#include "policy/builder.hpp"

#include <fmt/format.h>

namespace policy {

namespace {

bool header_name_ok(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// The provider (other than `self`) whose edge already claims `name` with no value condition.
std::string claimed_by(Builder& b, const std::string& self, const std::string& name) {
  for (const auto& [id, p] : b.rules().providers) {
    if (id == self) continue;
    for (const auto& h : p.edge.headers) {
      if (h.name == name && h.contains.empty()) return id;
    }
  }
  return {};
}

void read_header(Builder& b, Provider& p, const Node& n) {
  EdgeHeader h;
  h.loc = b.at(n);
  const Node* name_node = &n;
  if (n.is_map()) {
    if (!b.check_map(n, "edge header", {"name", "contains"}, {"name"})) return;
    name_node = n.get("name");
    h.contains = b.text(n, "contains").value_or("");
    if (const Node* c = n.get("contains"); c != nullptr && h.contains.empty()) {
      b.error(*c, "'contains' is empty; expected a text the header's value holds, or no 'contains'");
    }
  } else if (!n.is_scalar()) {
    b.error(
        n,
        "an edge header is neither a name nor a map; expected e.g. x-amz-cf-id or {name: via, contains: CloudFront}");
    return;
  }
  if (name_node == nullptr || !name_node->is_scalar()) return;
  h.name = name_node->scalar;
  if (!header_name_ok(h.name)) {
    b.error(*name_node,
            fmt::format("malformed header name '{}'; expected a lower-case field name such as x-amz-cf-pop", h.name));
    return;
  }
  for (const auto& other : p.edge.headers) {
    if (other.name == h.name && other.contains == h.contains) {
      b.error(*name_node, fmt::format("header '{}' is listed twice; expected each header once", h.name));
      return;
    }
  }
  if (h.contains.empty()) {
    if (const std::string other = claimed_by(b, p.id, h.name); !other.empty()) {
      b.warning(*name_node, fmt::format("header '{}' also identifies provider '{}'; a response carrying it would be "
                                        "attributed to both",
                                        h.name, other));
    }
  }
  p.edge.headers.push_back(std::move(h));
}

void read_issuer(Builder& b, Provider& p, const Node& n) {
  if (!b.check_map(n, "certificate issuer", {"organisation", "country", "confidence"}, {"organisation"})) return;
  EdgeIssuer i;
  i.loc = b.at(n);
  i.organisation = b.text(n, "organisation").value_or("");
  i.country = b.text(n, "country").value_or("");
  if (!i.country.empty()) b.refer(Ref::Kind::country, i.country, *n.get("country"));
  if (auto c = b.text(n, "confidence")) {
    if (*c != "high" && *c != "medium" && *c != "low") {
      b.error(*n.get("confidence"), fmt::format("unknown confidence '{}'; expected high, medium or low", *c));
    } else {
      i.confidence = *c;
    }
  }
  if (i.organisation.empty()) return;
  p.edge.certificate_issuers.push_back(std::move(i));
}

template <typename F>
void each(Builder& b, const Node& map, std::string_view key, F&& read) {
  const Node* list = map.get(key);
  if (list == nullptr || list->is_null()) return;
  if (!list->is_seq()) {
    b.error(*list, fmt::format("'{}' is not a list; expected a list", key));
    return;
  }
  for (const auto& item : list->items) read(item);
}

}  // namespace

void read_edge(Builder& b, Provider& p, const Node& n) {
  if (!b.check_map(n, "edge", {"headers", "certificate_issuers", "source", "as_of"}, {"source", "as_of"})) return;
  p.edge.loc = b.at(n);
  p.edge.sourcing = b.sourcing(n);
  each(b, n, "headers", [&](const Node& item) { read_header(b, p, item); });
  each(b, n, "certificate_issuers", [&](const Node& item) { read_issuer(b, p, item); });
  if (n.get("headers") == nullptr && n.get("certificate_issuers") == nullptr) {
    b.error(n, "the edge section lists nothing; expected 'headers' or 'certificate_issuers'");
  }
}

}  // namespace policy
