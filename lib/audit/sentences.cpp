// Sentences of findings. A sentence is a template (the requirement's explain.*, else a default
// for the tested fact) whose {placeholders} are filled in words: country names from
// jurisdictions.yaml, provider names and regions with their city, the operating companies with
// their countries (from the evidence chain), laws by their short names and citations, the
// declared offer's certification with its status and dates, and the reason a fact is unknown.
#include "audit/sentences.hpp"

#include "core/ip.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <map>

namespace audit {

namespace {

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

// "a", "a and b", "a, b and c".
std::string and_list(const std::vector<std::string>& items) {
  if (items.empty()) return {};
  if (items.size() == 1) return items.front();
  std::string out;
  for (std::size_t i = 0; i + 1 < items.size(); ++i) out += (i == 0 ? "" : ", ") + items[i];
  return out + " and " + items.back();
}

std::string strip_prefix(std::string text, std::string_view prefix) {
  if (text.starts_with(prefix)) text.erase(0, prefix.size());
  return text;
}

// Find the leaf of `p` at `loc` (the predicate node a LeafResult came from).
const policy::Predicate* leaf_at(const policy::Predicate& p, const core::SourceLocation& loc) {
  if (p.kind == policy::PredicateKind::leaf) return p.loc == loc ? &p : nullptr;
  for (const auto& c : p.children) {
    if (const auto* found = leaf_at(c, loc)) return found;
  }
  return nullptr;
}

class Words {
 public:
  Words(const policy::RuleSet& rules, const core::TargetReport& t, const policy::Predicate& check,
        const policy::LeafResult* leaf, core::Date as_of)
      : m_rules(rules), m_t(t), m_check(check), m_leaf(leaf), m_as_of(as_of) {}

  std::string fill(const std::string& text) const {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
      const auto open = text.find('{', i);
      if (open == std::string::npos) break;
      const auto close = text.find('}', open);
      if (close == std::string::npos) break;
      out += text.substr(i, open - i);
      out += placeholder(text.substr(open + 1, close - open - 1));
      i = close + 1;
    }
    return out + text.substr(std::min(i, text.size()));
  }

  std::string placeholder(const std::string& name) const {
    static const std::map<std::string, std::string (Words::*)() const> table{
        {"target", &Words::target},           {"served_from", &Words::served_from},
        {"outside", &Words::outside},         {"set", &Words::set},
        {"operator", &Words::operator_},      {"laws", &Words::laws},
        {"terminators", &Words::terminators}, {"certification", &Words::certification},
        {"reason", &Words::reason},           {"controllers", &Words::controllers},
        {"regions", &Words::regions}};
    auto it = table.find(name);
    return it == table.end() ? "{" + name + "}" : (this->*(it->second))();
  }

  // --- placeholders -----------------------------------------------------------------------

  std::string target() const { return m_t.target.id; }

  std::string served_from() const {
    const core::Fact* f = m_t.facts.find("served_from.countries");
    std::vector<std::string> names;
    if (f != nullptr) {
      for (const auto& c : f->values) add_unique(names, country(c));
    }
    if (f != nullptr && f->status == core::FactStatus::indeterminate) {
      return names.empty()
                 ? "an anycast network with no single location"
                 : fmt::format("an anycast network with no single location (registered in {})", and_list(names));
    }
    if (f != nullptr && f->status == core::FactStatus::inconclusive) {
      return fmt::format("{} (the location databases disagree)",
                         names.empty() ? "an unknown place" : fmt::format("{}", fmt::join(names, " or ")));
    }
    if (names.empty()) return "an unknown location";
    std::string out = and_list(names);
    if (f->status == core::FactStatus::unknown) out += " and places that could not be established";
    const std::string where = regions();
    if (!where.empty() && where != "no known region")
      out += " (" + where + ")";
    else if (f->confidence == "low")
      out += " (by the registry country of its address: low confidence)";
    return out;
  }

  std::string regions() const {
    const core::Fact* f = m_t.facts.find("served_from.regions");
    std::vector<std::string> out;
    if (f != nullptr) {
      for (const auto& v : f->values) add_unique(out, region(v));
    }
    return out.empty() ? "no known region" : and_list(out);
  }

  // The values of the tested list that are outside the set (for `in`), in words.
  std::string outside() const {
    std::vector<std::string> out;
    if (m_leaf == nullptr) return {};
    const auto members = set_members();
    for (const auto& v : m_leaf->actual) {
      if (std::find(members.begin(), members.end(), v) == members.end()) add_unique(out, value_words(v));
    }
    return and_list(out);
  }

  std::string set() const {
    const policy::Predicate* p = predicate();
    if (p == nullptr) return {};
    if (p->values.size() == 1 && p->values[0].starts_with("@")) {
      auto it = m_rules.sets.find(p->values[0].substr(1));
      if (it != m_rules.sets.end() && !it->second.title.empty()) return it->second.title;
      return p->values[0];
    }
    std::vector<std::string> words;
    for (const auto& v : p->values) add_unique(words, value_words(v));
    return and_list(words);
  }

  // "Microsoft Corporation (United States)"; "OVH US LLC (United States), part of OVH Groupe SA
  // (France)": each provider's operating companies, then their parents.
  std::string operator_() const {
    std::vector<std::string> chains;
    for (const auto& chain : chains_by_provider()) {
      std::vector<std::string> operators, parents;
      for (const auto& link : chain) {
        const std::string words =
            link.country.empty() ? link.entity : fmt::format("{} ({})", link.entity, country_name(link.country));
        add_unique(link.parent ? parents : operators, words);
      }
      std::string text = and_list(operators.empty() ? parents : operators);
      if (!operators.empty() && !parents.empty()) text += ", part of " + and_list(parents);
      add_unique(chains, text);
    }
    if (chains.empty()) return "an operator that cannot be established";
    return and_list(chains);
  }

  std::string controllers() const {
    const core::Fact* f = m_t.facts.find("controlled_by.countries");
    std::vector<std::string> out;
    if (f != nullptr) {
      for (const auto& c : f->values) add_unique(out, country(c));
    }
    return out.empty() ? "an unknown country" : and_list(out);
  }

  // The laws that reach the operator and that the tested set names (all of them if no set).
  std::string laws() const {
    const core::Fact* f = m_t.facts.find("controlled_by.laws");
    if (f == nullptr || f->values.empty()) return "no law with extraterritorial reach";
    const auto members = set_members();
    std::vector<std::string> out;
    for (const auto& id : f->values) {
      if (!members.empty() && std::find(members.begin(), members.end(), id) == members.end()) continue;
      add_unique(out, law(id));
    }
    if (out.empty()) {
      for (const auto& id : f->values) add_unique(out, law(id));
    }
    return and_list(out);
  }

  std::string terminators() const {
    const core::Fact* f = m_t.facts.find("tls.terminated_by");
    if (f == nullptr || f->values.empty()) return "no CDN";
    std::vector<std::string> out;
    for (const auto& id : f->values) add_unique(out, provider_with_control(id));
    return and_list(out);
  }

  std::string certification() const {
    const std::string scheme = tested_scheme();
    if (scheme.empty()) return reason();
    for (const auto& c : m_t.certifications) {
      if (c.scheme == scheme) return certification_sentence(c, m_as_of);
    }
    auto offer = m_t.target.tags.find("offer");
    const core::Fact* f = m_t.facts.find(m_leaf != nullptr ? m_leaf->fact : "certifications.schemes");
    if (offer != m_t.target.tags.end() && f != nullptr && f->status == core::FactStatus::known) {
      return fmt::format("offer {} holds no {} {} in the rule packs", offer->second, policy::scheme_name(scheme),
                         policy::scheme_noun(scheme));
    }
    return reason();
  }

  // Why the tested fact is not known (or what decided a status test), in words.
  std::string reason() const {
    if (m_leaf == nullptr) return "the check could not be decided";
    const core::Fact* f = m_t.facts.find(m_leaf->fact);
    if (f == nullptr) return missing(m_leaf->fact);
    if (m_leaf->fact == "served_from.status") {  // the status names the outcome; the countries say why
      const core::Fact* countries = m_t.facts.find("served_from.countries");
      if (countries != nullptr && !countries->detail.empty()) return plain(countries->detail.str());
      return fmt::format("its location is {}", fmt::join(f->values, ", "));
    }
    if (!m_leaf->detail.empty() && !m_leaf->detail.starts_with("the fact is") &&
        !m_leaf->detail.starts_with("not confirmed")) {
      if (f->status != core::FactStatus::known) return f->detail.empty() ? m_leaf->detail : plain(f->detail.str());
      return m_leaf->detail;
    }
    return f->detail.empty() ? std::string(core::to_string(f->status)) : plain(f->detail.str());
  }

 private:
  const policy::Predicate* predicate() const { return m_leaf == nullptr ? nullptr : leaf_at(m_check, m_leaf->loc); }

  std::vector<std::string> set_members() const {
    const policy::Predicate* p = predicate();
    if (p == nullptr) return {};
    return m_rules.expand(p->values, m_as_of);
  }

  std::string tested_scheme() const {
    if (m_leaf == nullptr) return {};
    if (m_leaf->fact == "certifications.schemes") return m_leaf->expected;
    if (m_leaf->fact == "certifications") return m_leaf->expected.substr(0, m_leaf->expected.find(':'));
    return {};
  }

  std::string value_words(const std::string& v) const {
    if (m_leaf != nullptr && m_leaf->fact.ends_with("countries")) return country(v);
    if (m_leaf != nullptr && m_leaf->fact == "controlled_by.laws") return law(v);
    if (m_leaf != nullptr && (m_leaf->fact == "tls.terminated_by" || m_leaf->fact == "controlled_by.providers")) {
      return provider_name(v);
    }
    return v;
  }

  std::string country_name(const std::string& code) const {
    auto it = m_rules.countries.find(code);
    return it == m_rules.countries.end() ? code : it->second;
  }

  // A country as a sentence names it: "France", "the United States", "the Netherlands".
  std::string country(const std::string& code) const {
    const std::string name = country_name(code);
    static const char* const with_article[] = {"United States", "United Kingdom", "Netherlands", "United Arab Emirates",
                                               "Philippines",   "Bahamas",        "Maldives"};
    for (const char* n : with_article) {
      if (name == n) return "the " + name;
    }
    return name;
  }

  std::string provider_name(const std::string& id) const {
    auto it = m_rules.providers.find(id);
    return it == m_rules.providers.end() ? id : it->second.name;
  }

  // "Microsoft Azure francecentral, Paris".
  std::string region(const std::string& value) const {
    const auto colon = value.find(':');
    if (colon == std::string::npos) return value;
    const std::string id = value.substr(0, colon), code = value.substr(colon + 1);
    auto it = m_rules.providers.find(id);
    if (it == m_rules.providers.end()) return value;
    const policy::Region* r = it->second.find_region(code);
    if (r == nullptr) return fmt::format("{} {}", it->second.name, code);
    return r->city.empty() ? fmt::format("{} {}", it->second.name, r->code)
                           : fmt::format("{} {}, {}", it->second.name, r->code, r->city);
  }

  // "the CLOUD Act (18 U.S.C. § 2713)".
  std::string law(const std::string& id) const {
    auto it = m_rules.laws.find(id);
    if (it == m_rules.laws.end()) return id;
    const policy::Law& l = it->second;
    const std::string name = l.short_name.empty() ? l.title : l.short_name;
    // A code citation helps a lawyer find it ("18 U.S.C. § 2713"); a title repeated does not.
    const std::string citation = l.citation.substr(0, std::min(l.citation.find(" ("), l.citation.find(';')));
    if (citation.find("\u00a7") == std::string::npos || name.find(citation) != std::string::npos) return name;
    return fmt::format("{} ({})", name, citation);
  }

  // "Amazon Web Services (Amazon Web Services, Inc., United States)", from the evidence.
  std::string provider_with_control(const std::string& id) const {
    const std::string name = provider_name(id);
    std::vector<std::string> owners;
    for (const auto& [entity, code] : entities(id)) {
      add_unique(owners, code.empty() ? entity : fmt::format("{}, {}", entity, country_name(code)));
    }
    return owners.empty() ? name : fmt::format("{} ({})", name, owners.front());
  }

  struct Link {
    std::string entity, country;
    bool parent = false;
  };

  // The control chain of each provider, from the evidence (operator first), in order.
  std::vector<std::vector<Link>> chains_by_provider() const {
    std::vector<std::string> order;
    std::map<std::string, std::vector<Link>> by;
    for (const auto& s : m_t.evidence) {
      if (s.kind != "entity" || core::parse_ip(s.subject)) continue;
      std::string code;
      for (const auto& c : m_t.evidence) {
        if (c.kind == "control_country" && c.subject == s.value) code = c.value;
      }
      auto& chain = by[s.subject];
      if (chain.empty()) order.push_back(s.subject);
      if (std::none_of(chain.begin(), chain.end(), [&](const Link& l) { return l.entity == s.value; })) {
        chain.push_back({s.value, code, s.method.view().find("parent") != std::string::npos});
      }
    }
    std::vector<std::vector<Link>> out;
    for (const auto& id : order) out.push_back(by[id]);
    return out;
  }

  // The operating companies of the evidence chain, in order, with their control country;
  // only those of provider `id` when given.
  std::vector<std::pair<std::string, std::string>> entities(const std::string& id = {}) const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& s : m_t.evidence) {
      if (s.kind != "entity" || (!id.empty() && s.subject != id)) continue;
      // Inference steps name an address as subject; the chain steps name the provider.
      if (core::parse_ip(s.subject)) continue;
      std::string code;
      for (const auto& c : m_t.evidence) {
        if (c.kind == "control_country" && c.subject == s.value) code = c.value;
      }
      if (std::none_of(out.begin(), out.end(), [&](const auto& e) { return e.first == s.value; }))
        out.emplace_back(s.value, code);
    }
    return out;
  }

  std::string missing(const std::string& path) const {
    if (path == "tls.terminated_by") {
      return m_t.target.kind == core::TargetKind::host || m_t.target.kind == core::TargetKind::url
                 ? "it was not observed"
                 : fmt::format("nothing observes it for a {} target; declare tls_terminated_by in the manifest",
                               core::to_string(m_t.target.kind));
    }
    return fmt::format("{} was not observed", path);
  }

  // Fact details are written for people already; drop the engine's own prefixes.
  static std::string plain(std::string detail) {
    for (std::string_view p : {"the fact is unknown: ", "the fact is indeterminate: ", "the fact is inconclusive: "}) {
      detail = strip_prefix(std::move(detail), p);
    }
    return detail;
  }

  const policy::RuleSet& m_rules;
  const core::TargetReport& m_t;
  const policy::Predicate& m_check;
  const policy::LeafResult* m_leaf;
  core::Date m_as_of;
};

struct Default {
  std::string_view fact;
  std::string_view pass, fail, unknown;
};

// Sentences for a requirement that gives none, by the fact it tests.
constexpr Default k_defaults[] = {
    {"served_from.countries", "Served from {served_from}.", "Served from {served_from}: {outside} is outside {set}.",
     "Where it is served from cannot be established: {reason}."},
    {"served_from.status", "Where it is served from is established: {served_from}.",
     "Where it is served from cannot be established: {reason}.",
     "Where it is served from cannot be established: {reason}."},
    {"served_from.regions", "Served from {regions}.", "Served from {regions}, not {set}.",
     "The region it is served from cannot be established: {reason}."},
    {"controlled_by.laws", "Operated by {operator}: none of the laws it is tested against reaches it.",
     "Operated by {operator}: reachable under {laws}.", "Who controls it cannot be established: {reason}."},
    {"controlled_by.countries", "Operated by {operator}, controlled from {controllers}.",
     "Operated by {operator}, controlled from {controllers}: {outside} is outside {set}.",
     "Who controls it cannot be established: {reason}."},
    {"controlled_by.providers", "Run by {operator}.", "Run by {operator}, not {set}.",
     "Who runs it cannot be established: {reason}."},
    {"certifications.schemes", "{certification}.", "{certification}.", "{certification}."},
    {"certifications", "{certification}.", "{certification}.", "{certification}."},
    {"tls.terminated_by", "TLS terminates at {terminators}, none of them in {set}.",
     "TLS is terminated by {terminators}, in {set}: it reads the traffic in clear.",
     "Who terminates TLS cannot be established: {reason}."},
};

// The first leaf that decided the verdict.
const policy::LeafResult* deciding_leaf(const policy::RequirementResult& r) {
  const policy::Tri want = r.verdict == core::Verdict::fail   ? policy::Tri::no
                           : r.verdict == core::Verdict::pass ? policy::Tri::yes
                                                              : policy::Tri::unknown;
  for (const auto& leaf : r.explanation.leaves) {
    if (leaf.value == want) return &leaf;
  }
  return r.explanation.leaves.empty() ? nullptr : &r.explanation.leaves.front();
}

std::string capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

}  // namespace

std::string certification_sentence(const core::CertificationStatus& c, core::Date as_of) {
  std::string out = fmt::format("{} {} of {}{} ", policy::scheme_name(c.scheme), policy::scheme_noun(c.scheme), c.offer,
                                c.reference.empty() ? "" : " (" + c.reference + ")");
  if (c.state != "valid") return out + c.why;
  out += "is valid: " + c.why;
  if (!c.until.empty()) {
    auto until = core::parse_date_span(c.until);
    const long days = until ? until->earliest.days_since(as_of) : -1;
    if (days >= 0 && days <= k_expiry_notice_days)
      out += fmt::format("; it lapses in {} day{}", days, days == 1 ? "" : "s");
  }
  return out;
}

std::string finding_sentence(const policy::RuleSet& rules, const policy::Requirement& requirement,
                             const policy::RequirementResult& result, const core::TargetReport& target,
                             core::Date as_of) {
  const policy::LeafResult* leaf = deciding_leaf(result);
  const std::string& own = result.verdict == core::Verdict::pass   ? requirement.explain.pass
                           : result.verdict == core::Verdict::fail ? requirement.explain.fail
                                                                   : requirement.explain.unknown;
  std::string text = own;
  if (text.empty() && leaf != nullptr) {
    for (const auto& d : k_defaults) {
      if (d.fact != leaf->fact) continue;
      text = std::string(result.verdict == core::Verdict::pass   ? d.pass
                         : result.verdict == core::Verdict::fail ? d.fail
                                                                 : d.unknown);
    }
  }
  if (text.empty()) text = "{reason}.";
  std::string out = capitalised(Words(rules, target, requirement.check, leaf, as_of).fill(text));
  // A verdict decided on part of the answers says so.
  if (leaf != nullptr && result.verdict != core::Verdict::unknown) {
    const core::Fact* f = target.facts.find(leaf->fact);
    if (f != nullptr && f->partial) {
      if (!out.empty() && out.back() == '.') out.pop_back();
      out += fmt::format(" (judged on the part that was observed: {}).", f->detail);
    }
  }
  return out;
}

}  // namespace audit
