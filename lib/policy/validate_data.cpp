// Readers for the data packs of docs/rules.md: jurisdictions.yaml (countries, sets, adequacy
// decisions), laws.yaml and providers/<id>.yaml. Each reader checks keys, types, dates and ids
// and fills the RuleSet; references to countries and sets are recorded for the final pass.
#include "policy/builder.hpp"

#include <fmt/format.h>

#include <charconv>
#include <filesystem>

namespace policy {

namespace {

// The scalar nodes of the list at `key` (type errors are reported by Builder::texts).
std::vector<const Node*> scalar_nodes(Builder& b, const Node& map, std::string_view key) {
  std::vector<const Node*> out;
  b.texts(map, key);
  const Node* v = map.get(key);
  if (v == nullptr || !v->is_seq()) return out;
  for (const auto& item : v->items) {
    if (item.is_scalar()) out.push_back(&item);
  }
  return out;
}

void refer_countries(Builder& b, const Node& map, std::string_view key) {
  for (const Node* n : scalar_nodes(b, map, key)) b.refer(Ref::Kind::country, n->scalar, *n);
}

void read_country_codes(Builder& b, const Node& countries) {
  if (!b.check_map(countries, "countries", {"source", "as_of", "codes"}, {"source", "as_of", "codes"})) return;
  b.rules().countries_sourcing = b.sourcing(countries);
  const Node* codes = countries.get("codes");
  if (codes == nullptr || codes->is_null()) return;
  if (!codes->is_map()) {
    b.error(*codes, "'codes' is not a map; expected {CODE: name, …}");
    return;
  }
  for (std::size_t i = 0; i < codes->map_size(); ++i) {
    const Node& k = codes->key(i);
    const bool ok = k.scalar.size() == 2 && std::isupper(static_cast<unsigned char>(k.scalar[0])) &&
                    std::isupper(static_cast<unsigned char>(k.scalar[1]));
    if (!ok)
      b.error(k, fmt::format("malformed country code '{}'; expected ISO 3166-1 alpha-2 in upper case", k.scalar));
    b.rules().countries[k.scalar] = codes->value(i).scalar;
  }
}

void read_set(Builder& b, const Node& n, const std::string& owner) {
  if (!b.check_map(n, "set", {"id", "title", "members", "source", "as_of"}, {"id", "members"})) return;
  NamedSet set;
  set.id = b.id(n, "id", Builder::IdStyle::set).value_or("");
  set.title = b.text(n, "title").value_or("");
  set.owner = owner;
  set.loc = b.at(n);
  for (const Node* m : scalar_nodes(b, n, "members")) {
    set.members.push_back(m->scalar);
    if (m->scalar.starts_with("@")) {
      b.refer(Ref::Kind::set, m->scalar.substr(1), *m);
    } else if (owner == "jurisdictions") {
      b.refer(Ref::Kind::country, m->scalar, *m);
    }
  }
  if (set.id == "adequacy" || set.id == "adequacy-partial") {
    b.error(
        *n.get("id"),
        fmt::format("set id '{}' is reserved; expected another id (it is derived from adequacy decisions)", set.id));
    return;
  }
  if (!set.id.empty() && b.claim("set", set.id, *n.get("id"))) b.rules().sets[set.id] = std::move(set);
}

void read_adequacy(Builder& b, const Node& n) {
  if (!b.check_map(n, "adequacy decision",
                   {"id", "country", "title", "decision", "adopted", "scope", "scope_note", "ended", "ended_by",
                    "source", "as_of"},
                   {"id", "country", "title", "adopted", "scope", "source", "as_of"})) {
    return;
  }
  Adequacy a;
  a.id = b.id(n, "id").value_or("");
  a.country = b.text(n, "country").value_or("");
  if (!a.country.empty()) b.refer(Ref::Kind::country, a.country, *n.get("country"));
  a.title = b.text(n, "title").value_or("");
  a.decision = b.text(n, "decision").value_or("");
  auto adopted = b.date(n, "adopted");
  a.ended = b.date(n, "ended");
  a.ended_by = b.text(n, "ended_by").value_or("");
  a.scope_note = b.text(n, "scope_note").value_or("");
  auto scope = b.text(n, "scope");
  if (scope && *scope != "full" && *scope != "partial") {
    b.error(*n.get("scope"), fmt::format("unknown scope '{}'; expected full or partial", *scope));
  }
  a.scope = scope == "partial" ? AdequacyScope::partial : AdequacyScope::full;
  a.sourcing = b.sourcing(n);
  a.loc = b.at(n);
  if (adopted && a.ended && *a.ended < *adopted) {
    b.warning(*n.get("ended"), fmt::format("'ended' {} is before 'adopted' {}; expected ended >= adopted",
                                           a.ended->to_string(), adopted->to_string()));
  }
  if (!adopted || a.id.empty()) return;
  a.adopted = *adopted;
  if (b.claim("adequacy decision", a.id, *n.get("id"))) b.rules().adequacy[a.id] = std::move(a);
}

template <typename F>
void each_item(Builder& b, const Node& map, std::string_view key, F&& read) {
  const Node* list = map.get(key);
  if (list == nullptr || list->is_null()) return;
  if (!list->is_seq()) {
    b.error(*list, fmt::format("'{}' is not a list; expected a list of maps", key));
    return;
  }
  for (const auto& item : list->items) read(item);
}

ControlLink read_link(Builder& b, const Node& n, std::string_view what) {
  ControlLink link;
  if (!b.check_map(n, what, {"entity", "country", "role"}, {"entity", "country"})) return link;
  link.entity = b.text(n, "entity").value_or("");
  link.country = b.text(n, "country").value_or("");
  link.role = b.text(n, "role").value_or("");
  if (!link.country.empty()) b.refer(Ref::Kind::country, link.country, *n.get("country"));
  return link;
}

std::optional<CertStatus> parse_status(std::string_view s) {
  for (auto st : {CertStatus::qualified, CertStatus::certified, CertStatus::attested, CertStatus::in_progress,
                  CertStatus::withdrawn}) {
    if (to_string(st) == s) return st;
  }
  return std::nullopt;
}

// A certification date: YYYY-MM-DD, or YYYY-MM / YYYY when the sources give no day.
std::optional<core::DateSpan> date_span(Builder& b, const Node& map, std::string_view key) {
  auto v = b.text(map, key);
  if (!v) return std::nullopt;
  auto d = core::parse_date_span(*v);
  if (!d) {
    b.error(*map.get(key), fmt::format("malformed date '{}' for '{}'; expected YYYY-MM-DD (or YYYY-MM, YYYY when the "
                                       "sources give no day)",
                                       *v, key));
    return std::nullopt;
  }
  return *d;
}

// no_until: {reason, recheck}: why no end date is published, and until when the record counts.
void read_no_until(Builder& b, Certification& c, const Node& n) {
  if (!b.check_map(n, "no_until", {"reason", "recheck"}, {"reason", "recheck"})) return;
  c.no_until = b.text(n, "reason").value_or("");
  c.recheck = b.date(n, "recheck");
}

void check_certification_end(Builder& b, const Certification& c, const Provider& p, const Node& n) {
  const bool granting =
      c.status == CertStatus::qualified || c.status == CertStatus::certified || c.status == CertStatus::attested;
  if (c.until && n.get("no_until") != nullptr) {
    b.error(*n.get("no_until"),
            fmt::format("certification '{}' has both 'until' and 'no_until'; expected one of them", c.key()));
  } else if (granting && !c.until && n.get("no_until") == nullptr && n.get("until") == nullptr) {
    b.error(n, fmt::format("certification '{}' of provider '{}' has no 'until'; expected its end date, or no_until: "
                           "{{reason, recheck}} when the sources publish none",
                           c.key(), p.id));
  } else if (granting && !c.until && !c.no_until.empty() && c.recheck && (!b.as_of() || *b.as_of() <= *c.recheck)) {
    b.warning(*n.get("no_until"),
              fmt::format("certification '{}' of provider '{}' has no published end date ({}); it counts "
                          "only until its re-check date {}",
                          c.key(), p.id, c.no_until, c.recheck->to_string()));
  }
  if (c.until && c.until->latest < c.from.earliest) {
    b.warning(*n.get("until"),
              fmt::format("'until' {} is before 'from' {}; expected until >= from", c.until->text, c.from.text));
  }
}

void read_certification(Builder& b, Provider& p, const Node& n) {
  if (!b.check_map(n, "certification",
                   {"scheme", "offer", "title", "version", "regions", "status", "from", "until", "no_until",
                    "reference", "source", "as_of"},
                   {"scheme", "offer", "status", "from", "source", "as_of"})) {
    return;
  }
  Certification c;
  c.scheme = b.id(n, "scheme").value_or("");
  c.offer = b.id(n, "offer").value_or("");
  c.title = b.text(n, "title").value_or("");
  c.version = b.text(n, "version").value_or("");
  for (const Node* r : scalar_nodes(b, n, "regions")) {
    c.regions.push_back(r->scalar);
    b.refer(Ref::Kind::region, p.id + ":" + r->scalar, *r);
  }
  if (auto st = b.text(n, "status")) {
    if (auto parsed = parse_status(*st))
      c.status = *parsed;
    else
      b.error(
          *n.get("status"),
          fmt::format("unknown status '{}'; expected qualified, certified, attested, in-progress or withdrawn", *st));
  }
  auto from = date_span(b, n, "from");
  c.until = date_span(b, n, "until");
  if (const Node* nu = n.get("no_until")) read_no_until(b, c, *nu);
  c.reference = b.text(n, "reference").value_or("");
  c.sourcing = b.sourcing(n);
  c.loc = b.at(n);
  if (!from) return;
  c.from = *from;
  check_certification_end(b, c, p, n);
  p.certifications.push_back(std::move(c));
}

// subsidiaries: the provider's operating companies abroad, with the regions they run and the
// countries their addresses sit in.
void read_subsidiaries(Builder& b, Provider& p, const Node& n) {
  if (!b.check_map(n, "subsidiaries", {"source", "as_of", "list"}, {"source", "as_of", "list"})) return;
  p.subsidiary_sourcing = b.sourcing(n);
  each_item(b, n, "list", [&](const Node& item) {
    if (!b.check_map(item, "subsidiary", {"entity", "country", "regions", "address_countries"}, {"entity", "country"}))
      return;
    Subsidiary s;
    s.entity = b.text(item, "entity").value_or("");
    s.country = b.text(item, "country").value_or("");
    if (!s.country.empty()) b.refer(Ref::Kind::country, s.country, *item.get("country"));
    for (const Node* r : scalar_nodes(b, item, "regions")) {
      s.regions.push_back(r->scalar);
      b.refer(Ref::Kind::region, p.id + ":" + r->scalar, *r);
    }
    s.address_countries = b.texts(item, "address_countries");
    refer_countries(b, item, "address_countries");
    s.loc = b.at(item);
    p.subsidiaries.push_back(std::move(s));
  });
}

// A region a subsidiary runs takes it as its operator; a region that names another operator
// contradicts the subsidiary list.
void apply_subsidiaries(Builder& b, Provider& p) {
  for (const auto& s : p.subsidiaries) {
    for (const auto& code : s.regions) {
      auto it = p.regions.find(code);
      if (it == p.regions.end()) continue;  // reported by the region reference
      Region& r = it->second;
      if (r.operated_by && r.operated_by->entity != s.entity) {
        b.add_problem(
            core::Level::error, s.loc,
            fmt::format("subsidiary '{}' runs region '{}', which names another operator '{}' (at {}); expected one "
                        "operator per region",
                        s.entity, code, r.operated_by->entity, r.loc.to_string()));
        continue;
      }
      r.operated_by = ControlLink{s.entity, s.country, "subsidiary"};
    }
  }
}

void read_regions(Builder& b, Provider& p, const Node& n) {
  if (!b.check_map(n, "regions", {"source", "as_of", "list"}, {"source", "as_of", "list"})) return;
  p.region_sourcing = b.sourcing(n);
  const Node* list = n.get("list");
  if (list == nullptr || list->is_null()) return;
  if (!list->is_map()) {
    b.error(*list, "'list' is not a map; expected {region-code: {city, country, …}}");
    return;
  }
  for (std::size_t i = 0; i < list->map_size(); ++i) {
    const Node& v = list->value(i);
    Region r;
    r.code = list->key(i).scalar;
    r.loc = b.at(list->key(i));
    // `country` is optional: a feed proves a region exists before any source says where it is.
    if (!b.check_map(v, fmt::format("region '{}'", r.code), {"city", "country", "aliases", "members", "operated_by"},
                     {}))
      continue;
    r.city = b.text(v, "city").value_or("");
    r.country = b.text(v, "country").value_or("");
    if (!r.country.empty()) b.refer(Ref::Kind::country, r.country, *v.get("country"));
    r.aliases = b.texts(v, "aliases");
    for (const Node* m : scalar_nodes(b, v, "members")) {
      r.members.push_back(m->scalar);
      b.refer(Ref::Kind::region, p.id + ":" + m->scalar, *m);
    }
    if (const Node* op = v.get("operated_by")) r.operated_by = read_link(b, *op, "operated_by");
    p.regions[r.code] = std::move(r);
  }
}

void read_network(Builder& b, Provider& p, const Node& n) {
  if (!b.check_map(n, "network", {"anycast", "asns", "hostname_suffixes", "ptr_suffixes", "source", "as_of"},
                   {"source", "as_of"})) {
    return;
  }
  p.anycast = b.boolean(n, "anycast").value_or(false);
  for (const Node* a : scalar_nodes(b, n, "asns")) {
    std::uint32_t asn = 0;
    auto [ptr, ec] = std::from_chars(a->scalar.data(), a->scalar.data() + a->scalar.size(), asn);
    if (ec != std::errc{} || ptr != a->scalar.data() + a->scalar.size()) {
      b.error(*a, fmt::format("malformed ASN '{}'; expected an integer such as 8075", a->scalar));
    } else {
      p.asns.push_back(asn);
    }
  }
  p.hostname_suffixes = b.texts(n, "hostname_suffixes");
  p.ptr_suffixes = b.texts(n, "ptr_suffixes");
  p.network_sourcing = b.sourcing(n);
}

}  // namespace

void read_jurisdictions(Builder& b, const Node& root) {
  if (!b.check_map(root, "jurisdictions pack", {"schema", "kind", "countries", "sets", "adequacy"}, {"countries"}))
    return;
  if (const Node* c = root.get("countries")) read_country_codes(b, *c);
  each_item(b, root, "sets", [&](const Node& n) { read_set(b, n, "jurisdictions"); });
  each_item(b, root, "adequacy", [&](const Node& n) { read_adequacy(b, n); });
}

void read_laws(Builder& b, const Node& root) {
  if (!b.check_map(root, "laws pack", {"schema", "kind", "laws"}, {"laws"})) return;
  each_item(b, root, "laws", [&](const Node& n) {
    if (!b.check_map(n, "law",
                     {"id", "title", "short", "citation", "country", "enacted", "in_force", "summary", "status_note",
                      "review_by", "triggers", "source", "as_of"},
                     {"id", "title", "citation", "country", "triggers", "source", "as_of"})) {
      return;
    }
    Law law;
    law.id = b.id(n, "id").value_or("");
    law.title = b.text(n, "title").value_or("");
    law.short_name = b.text(n, "short").value_or("");
    law.citation = b.text(n, "citation").value_or("");
    law.country = b.text(n, "country").value_or("");
    if (!law.country.empty()) b.refer(Ref::Kind::country, law.country, *n.get("country"));
    law.enacted = b.date(n, "enacted");
    law.in_force = b.date(n, "in_force");
    law.summary = b.text(n, "summary").value_or("");
    law.status_note = b.text(n, "status_note").value_or("");
    law.review_by = b.date(n, "review_by");
    if (law.review_by && law.status_note.empty()) {
      b.error(*n.get("review_by"), "'review_by' without 'status_note'; expected the note that says what to re-check");
    }
    if (const Node* t = n.get("triggers");
        t != nullptr && b.check_map(*t, "triggers", {"control_countries"}, {"control_countries"})) {
      law.control_countries = b.texts(*t, "control_countries");
      refer_countries(b, *t, "control_countries");
    }
    law.sourcing = b.sourcing(n);
    law.loc = b.at(n);
    if (!law.id.empty() && b.claim("law", law.id, *n.get("id"))) b.rules().laws[law.id] = std::move(law);
  });
}

void read_provider(Builder& b, const Node& root) {
  if (!b.check_map(
          root, "provider pack",
          {"schema", "kind", "id", "name", "control", "network", "edge", "regions", "subsidiaries", "certifications"},
          {"id", "name", "control"})) {
    return;
  }
  Provider p;
  p.id = b.id(root, "id").value_or("");
  p.name = b.text(root, "name").value_or("");
  p.loc = b.at(root);
  b.set_owner("provider:" + p.id);
  const std::string stem = std::filesystem::path(b.file()).stem().string();
  if (!p.id.empty() && stem != p.id) {
    b.warning(
        *root.get("id"),
        fmt::format("provider id '{}' differs from the file name '{}'; expected providers/{}.yaml", p.id, stem, p.id));
  }
  if (const Node* c = root.get("control");
      c != nullptr && b.check_map(*c, "control", {"chain", "source", "as_of"}, {"chain", "source", "as_of"})) {
    each_item(b, *c, "chain", [&](const Node& n) { p.chain.push_back(read_link(b, n, "chain link")); });
    p.control_sourcing = b.sourcing(*c);
  }
  if (const Node* n = root.get("network")) read_network(b, p, *n);
  if (const Node* e = root.get("edge")) read_edge(b, p, *e);
  if (const Node* r = root.get("regions")) read_regions(b, p, *r);
  if (const Node* s = root.get("subsidiaries")) read_subsidiaries(b, p, *s);
  apply_subsidiaries(b, p);
  each_item(b, root, "certifications", [&](const Node& n) { read_certification(b, p, n); });
  b.set_owner({});
  if (!p.id.empty() && b.claim("provider", p.id, *root.get("id"))) b.rules().providers[p.id] = std::move(p);
}

}  // namespace policy
