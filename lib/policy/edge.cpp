// Edge matching: a header matches a rule when the names are equal (both lower-case) and, when
// the rule has `contains`, the value holds it (case-insensitive). An issuer matches when its
// organisation equals the rule's (case-insensitive) and, when the rule names a country, the
// countries are equal. Values come from the network and are only compared, never interpreted.
#include "policy/edge.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

namespace policy {

namespace {

std::string cite(const Provider& p) {
  const auto& s = p.edge.sourcing;
  return s.as_of ? fmt::format("{} (edge, as of {})", p.loc.file, s.as_of->to_string()) : p.loc.file;
}

}  // namespace

std::vector<EdgeMatch> match_edge_headers(const RuleSet& rules,
                                          const std::vector<std::pair<std::string, std::string>>& headers) {
  std::vector<EdgeMatch> out;
  for (const auto& [name, value] : headers) {
    const std::string lower_name = core::to_lower(name);
    const std::string lower_value = core::to_lower(value);
    for (const auto& [id, p] : rules.providers) {
      for (const auto& rule : p.edge.headers) {
        if (rule.name != lower_name) continue;
        if (!rule.contains.empty() && lower_value.find(core::to_lower(rule.contains)) == std::string::npos) continue;
        out.push_back({id, "header", fmt::format("{}: {}", lower_name, core::printable(value, 200)), lower_name, "high",
                       cite(p)});
        break;
      }
    }
  }
  return out;
}

std::vector<EdgeMatch> match_edge_issuer(const RuleSet& rules, std::string_view organisation,
                                         std::string_view country) {
  std::vector<EdgeMatch> out;
  if (organisation.empty()) return out;
  const std::string org = core::to_lower(organisation);
  for (const auto& [id, p] : rules.providers) {
    for (const auto& i : p.edge.certificate_issuers) {
      if (core::to_lower(i.organisation) != org) continue;
      if (!i.country.empty() && i.country != country) continue;
      out.push_back({id, "certificate",
                     fmt::format("issuer O={}{}", organisation, country.empty() ? "" : fmt::format(", C={}", country)),
                     "", i.confidence, cite(p)});
      break;
    }
  }
  return out;
}

}  // namespace policy
