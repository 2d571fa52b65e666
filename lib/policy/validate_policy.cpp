// Readers for policy packs (policies/<id>.yaml): the policy, its sets, its requirements and their
// predicates. A predicate has exactly one operator; regexes of `matches` are compiled here, once (RE2);
// fact paths are checked against docs/facts.md and the values a leaf names are recorded so the
// final pass can check them against the fact's domain (law ids, provider ids, country codes, …).
#include "policy/builder.hpp"

#include "core/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace policy {

namespace {

constexpr int k_max_predicate_depth = 64;
const std::vector<std::string> k_predicate_keys{"all",    "any",      "not",     "fact",   "in",     "not_in",
                                                "equals", "contains", "matches", "exists", "before", "after"};

void check_fact_path(Builder& b, const Node& n) {
  const std::string& path = n.scalar;
  if (path.starts_with("target.tags.") && path.size() > 12) return;
  const auto& known = known_fact_paths();
  if (std::find(known.begin(), known.end(), path) != known.end()) return;
  auto hint = core::closest(path, known);
  b.error(n, fmt::format("unknown fact '{}'; expected a fact path from docs/facts.md{}", path,
                         hint ? fmt::format(" (did you mean '{}'?)", *hint) : ""));
}

void refer_value(Builder& b, const std::string& fact, const Node& n) {
  if (n.scalar.starts_with("@")) b.refer(Ref::Kind::set, n.scalar.substr(1), n);
  b.refer(Ref::Kind::fact_value, n.scalar, n, fact);
}

void read_leaf_operand(Builder& b, Predicate& p, const Node& v) {
  switch (p.op) {
    case Op::in:
    case Op::not_in:
      if (v.is_seq() && v.items.empty()) {
        b.error(v, fmt::format("'{}' takes an empty list; expected at least one value or \"@SET\"", to_string(p.op)));
      } else if (v.is_scalar() && v.scalar.starts_with("@")) {
        p.values.push_back(v.scalar);
        refer_value(b, p.fact, v);
      } else if (v.is_seq()) {
        for (const auto& item : v.items) {
          if (!item.is_scalar()) {
            b.error(item,
                    fmt::format("an item of '{}' is not a scalar; expected a value or \"@SET\"", to_string(p.op)));
            continue;
          }
          p.values.push_back(item.scalar);
          refer_value(b, p.fact, item);
        }
      } else {
        b.error(v, fmt::format("'{}' takes '{}'; expected a list of values or \"@SET\"", to_string(p.op), v.scalar));
      }
      return;
    case Op::exists:
      if (v.is_scalar() && (v.scalar == "true" || v.scalar == "false"))
        p.exists = v.scalar == "true";
      else
        b.error(v, "'exists' is not a boolean; expected true or false");
      return;
    default:
      break;
  }
  if (!v.is_scalar()) {
    b.error(v, fmt::format("'{}' takes a list or map; expected a single value", to_string(p.op)));
    return;
  }
  p.value = v.scalar;
  if (p.op == Op::equals || p.op == Op::contains) refer_value(b, p.fact, v);
  if (p.op == Op::before || p.op == Op::after) {
    if (p.value != "@as_of" && !core::parse_date(p.value)) {
      b.error(v,
              fmt::format("malformed date '{}' for '{}'; expected YYYY-MM-DD or \"@as_of\"", p.value, to_string(p.op)));
    }
  }
  if (p.op == Op::matches) {
    auto re = Regex::compile(p.value);
    if (re)
      p.regex = std::move(*re);
    else
      b.error(v, fmt::format("bad regular expression '{}': {}; expected RE2 syntax (no backreferences or lookaround)",
                             p.value, re.error().message));
  }
}

}  // namespace

const std::vector<std::string>& explain_placeholders() {
  static const std::vector<std::string> names{"target",   "served_from", "outside",     "set",
                                              "operator", "laws",        "terminators", "certification",
                                              "reason",   "controllers", "regions"};
  return names;
}

const std::vector<std::string>& known_fact_paths() {
  static const std::vector<std::string> paths{"target.id",
                                              "target.kind",
                                              "dns.status",
                                              "dns.addresses",
                                              "dns.cname_chain",
                                              "dns.ns",
                                              "dns.mx",
                                              "dns.ptr",
                                              "network.asns",
                                              "served_from.countries",
                                              "served_from.regions",
                                              "served_from.status",
                                              "controlled_by.providers",
                                              "controlled_by.entities",
                                              "controlled_by.countries",
                                              "controlled_by.laws",
                                              "certifications",
                                              "certifications.schemes",
                                              "tls.terminated_by",
                                              "tls.issuer.organisation",
                                              "tls.issuer.country",
                                              "tls.version",
                                              "tls.verification",
                                              "http.server",
                                              "http.edge_headers"};
  return paths;
}

namespace {

// Sort a predicate map's keys into operators and the `fact` key; report unknown keys.
std::vector<const Node*> scan_keys(Builder& b, const Node& n, const Node*& fact) {
  std::vector<const Node*> ops;
  for (std::size_t i = 0; i < n.map_size(); ++i) {
    const Node& k = n.key(i);
    if (k.scalar == "fact") {
      fact = &n.value(i);
    } else if (std::find(k_predicate_keys.begin(), k_predicate_keys.end(), k.scalar) != k_predicate_keys.end()) {
      ops.push_back(&k);
    } else {
      auto hint = core::closest(k.scalar, k_predicate_keys);
      b.error(k,
              fmt::format("unknown key '{}' in predicate; expected one of {}{}", k.scalar,
                          fmt::join(k_predicate_keys, ", "), hint ? fmt::format(" (did you mean '{}'?)", *hint) : ""));
    }
  }
  return ops;
}

void read_combinator(Builder& b, Predicate& p, const std::string& op, const Node& operand, const Node* fact,
                     int depth) {
  if (fact != nullptr) b.error(*fact, fmt::format("'fact' next to '{}'; expected 'fact' only in a leaf test", op));
  p.kind = op == "all" ? PredicateKind::all : op == "any" ? PredicateKind::any : PredicateKind::negation;
  if (p.kind == PredicateKind::negation) {
    p.children.push_back(read_predicate(b, operand, depth + 1));
  } else if (!operand.is_seq() || operand.items.empty()) {
    b.error(operand, fmt::format("'{}' takes {}; expected a non-empty list of predicates", op,
                                 operand.is_seq() ? "an empty list" : "no list"));
  } else {
    for (const auto& item : operand.items) p.children.push_back(read_predicate(b, item, depth + 1));
  }
}

}  // namespace

Predicate read_predicate(Builder& b, const Node& n, int depth) {
  Predicate p;
  p.loc = b.at(n);
  if (depth > k_max_predicate_depth) {
    b.error(n, "predicate nested too deeply; expected at most 64 levels");
    return p;
  }
  if (!n.is_map()) {
    b.error(n, "a predicate is not a map; expected {all: […]}, {any: […]}, {not: …} or {fact: PATH, OP: VALUE}");
    return p;
  }
  const Node* fact = nullptr;
  const auto ops = scan_keys(b, n, fact);
  if (ops.empty()) {
    b.error(n,
            "predicate has no operator; expected exactly one of all, any, not, or 'fact' with one of in, not_in, "
            "equals, contains, matches, exists, before, after");
    return p;
  }
  if (ops.size() > 1) {
    b.error(*ops[1], fmt::format("predicate has two operators '{}' and '{}'; expected exactly one", ops[0]->scalar,
                                 ops[1]->scalar));
    return p;
  }
  const std::string& op = ops[0]->scalar;
  if (op == "all" || op == "any" || op == "not") {
    read_combinator(b, p, op, *n.get(op), fact, depth);
    return p;
  }
  p.op = *parse_op(op);
  if (fact == nullptr || !fact->is_scalar()) {
    b.error(n, fmt::format("leaf test '{}' has no fact; expected 'fact: PATH'", op));
    return p;
  }
  p.fact = fact->scalar;
  check_fact_path(b, *fact);
  read_leaf_operand(b, p, *n.get(op));
  return p;
}

namespace {

// explain: {pass, fail, unknown}: each a sentence whose {placeholders} must be known.
void read_explain(Builder& b, const Node& n, Explain& out) {
  if (!b.check_map(n, "explain", {"pass", "fail", "unknown"}, {})) return;
  for (auto [key, field] :
       {std::pair{"pass", &out.pass}, std::pair{"fail", &out.fail}, std::pair{"unknown", &out.unknown}}) {
    auto text = b.text(n, key);
    if (!text) continue;
    *field = *text;
    const Node& at = *n.get(key);
    for (std::size_t open = text->find('{'); open != std::string::npos; open = text->find('{', open + 1)) {
      const auto close = text->find('}', open);
      if (close == std::string::npos) {
        b.error(at, fmt::format("unclosed '{{' in explain.{}; expected {{placeholder}}", key));
        break;
      }
      const std::string name = text->substr(open + 1, close - open - 1);
      const auto& known = explain_placeholders();
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        auto hint = core::closest(name, known);
        b.error(at, fmt::format("unknown placeholder '{{{}}}' in explain.{}; expected one of {}{}", name, key,
                                fmt::join(known, ", "), hint ? fmt::format(" (did you mean '{}'?)", *hint) : ""));
      }
    }
  }
}

Requirement read_requirement(Builder& b, const Node& n, const std::string& policy_id) {
  Requirement r;
  r.policy = policy_id;
  r.loc = b.at(n);
  if (!b.check_map(n, "requirement",
                   {"id", "title", "severity", "rationale", "references", "remediation", "applies_to", "on_unknown",
                    "min_confidence", "accept_declared", "explain", "check"},
                   {"id", "title", "severity", "rationale", "references", "check"})) {
    return r;
  }
  r.id = b.id(n, "id", Builder::IdStyle::upper).value_or("");
  r.title = b.text(n, "title").value_or("");
  if (auto s = b.text(n, "severity")) {
    if (auto sev = core::parse_severity(*s))
      r.severity = *sev;
    else
      b.error(*n.get("severity"),
              fmt::format("unknown severity '{}'; expected info, low, medium, high or critical", *s));
  }
  r.rationale = b.text(n, "rationale").value_or("");
  r.remediation = b.text(n, "remediation").value_or("");
  if (const Node* refs = n.get("references"); refs != nullptr && !refs->is_null()) {
    if (!refs->is_seq() || refs->items.empty())
      b.error(*refs, "'references' is not a non-empty list; expected [{citation, url}, …]");
    for (const auto& item : refs->items) {
      if (!b.check_map(item, "reference", {"citation", "url"}, {"citation"})) continue;
      r.references.push_back({b.text(item, "citation").value_or(""), b.text(item, "url").value_or("")});
    }
  }
  if (const Node* sel = n.get("applies_to"); sel != nullptr && !sel->is_null()) {
    if (!sel->is_map()) b.error(*sel, "'applies_to' is not a map; expected {tag: value or [values]}");
    for (std::size_t i = 0; sel->is_map() && i < sel->map_size(); ++i) {
      auto values = b.texts(*sel, sel->key(i).scalar, true);
      const Node& given = sel->value(i);
      if (values.empty() && (given.is_null() || (given.is_seq() && given.items.empty()))) {
        b.error(sel->value(i),
                fmt::format("applies_to '{}' lists no value; expected a value or a list of values the tag may take",
                            sel->key(i).scalar));
      }
      r.applies_to[sel->key(i).scalar] = std::move(values);
    }
  }
  if (auto u = b.text(n, "on_unknown")) {
    if (*u == "fail")
      r.on_unknown = OnUnknown::fail;
    else if (*u == "warn")
      r.on_unknown = OnUnknown::warn;
    else if (*u == "pass")
      r.on_unknown = OnUnknown::pass;
    else
      b.error(*n.get("on_unknown"), fmt::format("unknown on_unknown '{}'; expected fail, warn or pass", *u));
  }
  if (auto c = b.text(n, "min_confidence")) {
    if (*c == "high" || *c == "medium" || *c == "low")
      r.min_confidence = *c;
    else
      b.error(*n.get("min_confidence"), fmt::format("unknown min_confidence '{}'; expected high, medium or low", *c));
  }
  r.accept_declared = b.boolean(n, "accept_declared").value_or(false);
  if (const Node* e = n.get("explain")) read_explain(b, *e, r.explain);
  if (const Node* c = n.get("check"); c != nullptr && !c->is_null()) r.check = read_predicate(b, *c);
  return r;
}

}  // namespace

void read_policy(Builder& b, const Node& root) {
  if (!b.check_map(root, "policy pack", {"schema", "kind", "id", "title", "description", "sets", "requirements"},
                   {"id", "title", "requirements"})) {
    return;
  }
  Policy p;
  p.id = b.id(root, "id").value_or("");
  p.title = b.text(root, "title").value_or("");
  p.description = b.text(root, "description").value_or("");
  p.loc = b.at(root);
  if (const Node* sets = root.get("sets"); sets != nullptr && !sets->is_null()) {
    if (!sets->is_seq()) b.error(*sets, "'sets' is not a list; expected a list of {id, title, members}");
    for (const auto& item : sets->items) {
      if (!b.check_map(item, "set", {"id", "title", "members", "source", "as_of"}, {"id", "members"})) continue;
      NamedSet set;
      set.id = b.id(item, "id", Builder::IdStyle::set).value_or("");
      set.title = b.text(item, "title").value_or("");
      set.members = b.texts(item, "members");
      set.owner = p.id;
      set.loc = b.at(item);
      for (const auto& m : item.get("members") != nullptr ? item.get("members")->items : std::vector<Node>{}) {
        if (m.is_scalar() && m.scalar.starts_with("@")) b.refer(Ref::Kind::set, m.scalar.substr(1), m);
      }
      if (set.id.empty() || !b.claim("set", set.id, *item.get("id"))) continue;
      p.set_ids.push_back(set.id);
      b.rules().sets[set.id] = std::move(set);
    }
  }
  const Node* reqs = root.get("requirements");
  if (reqs != nullptr && !reqs->is_seq())
    b.error(*reqs, "'requirements' is not a list; expected a list of requirements");
  for (std::size_t i = 0; reqs != nullptr && reqs->is_seq() && i < reqs->items.size(); ++i) {
    p.requirements.push_back(read_requirement(b, reqs->items[i], p.id));
  }
  if (!p.id.empty() && b.claim("policy", p.id, *root.get("id"))) b.rules().policies[p.id] = std::move(p);
}

}  // namespace policy
