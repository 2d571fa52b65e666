// Declared ids against the rule packs. Regions are looked up among the provider's codes and
// feed aliases; offers among the provider's certified offers (or every provider's, when the
// target names none). Services stay free text.
#include "audit/declared_ids.hpp"

#include "core/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace audit {

namespace {

std::string tag(const core::Target& t, const char* key) {
  auto it = t.tags.find(key);
  return it == t.tags.end() ? std::string() : it->second;
}

std::string where(const core::Target& t, const char* field) {
  auto it = t.declared_fields.find(field);
  return (it != t.declared_fields.end() ? it->second : t.declared_at).to_string();
}

std::string hint(const std::string& word, const std::vector<std::string>& candidates) {
  auto c = core::closest(word, candidates);
  return c ? fmt::format(" (did you mean '{}'?)", *c) : "";
}

class IdChecker {
 public:
  IdChecker(const policy::RuleSet& rules, core::Diag& diag) : m_rules(rules), m_diag(diag) {
    for (const auto& [id, p] : rules.providers) m_providers.push_back(id);
  }

  void check(const core::Target& t) {
    const std::string provider = t.provider.empty() ? tag(t, "provider") : t.provider;
    const std::string region = t.region.empty() ? tag(t, "region") : t.region;
    const std::string offer = tag(t, "offer");
    const policy::Provider* p = provider.empty() ? nullptr : check_provider(t, provider);
    if (p != nullptr && !region.empty()) check_region(t, *p, region);
    if (!offer.empty() && (p != nullptr || provider.empty())) check_offer(t, p, offer);
    for (const auto& v : t.tls_terminated_by) {
      if (v != "origin" && !m_rules.providers.contains(v)) {
        std::vector<std::string> choices = m_providers;
        choices.push_back("origin");
        error(t, "tls_terminated_by",
              fmt::format("unknown TLS terminator '{}' for target '{}'{}; expected 'origin' or a provider id", v, t.id,
                          hint(v, choices)));
      }
    }
  }

  int errors() const { return m_errors; }

 private:
  void error(const core::Target& t, const char* field, const std::string& message) {
    m_diag.error("{}: {}", where(t, field), message);
    ++m_errors;
  }

  const policy::Provider* check_provider(const core::Target& t, const std::string& id) {
    auto it = m_rules.providers.find(id);
    if (it != m_rules.providers.end()) return &it->second;
    error(t, "provider",
          fmt::format("unknown provider '{}' for target '{}'{}; expected a provider id of the rule packs "
                      "(residency rules list --kind provider)",
                      id, t.id, hint(id, m_providers)));
    return nullptr;
  }

  void check_region(const core::Target& t, const policy::Provider& p, const std::string& region) {
    if (p.find_region(region) != nullptr) return;
    std::vector<std::string> codes;
    for (const auto& [code, r] : p.regions) {
      codes.push_back(code);
      codes.insert(codes.end(), r.aliases.begin(), r.aliases.end());
    }
    error(t, "region",
          fmt::format("unknown region '{}' of provider '{}' for target '{}'{}; expected a region listed in "
                      "providers/{}.yaml",
                      region, p.id, t.id, hint(region, codes), p.id));
  }

  void check_offer(const core::Target& t, const policy::Provider* p, const std::string& offer) {
    std::vector<std::string> offers;
    if (p != nullptr) {
      offers = p->offers();
    } else {
      for (const auto& [id, q] : m_rules.providers) {
        for (const auto& o : q.offers()) offers.push_back(o);
      }
    }
    if (std::find(offers.begin(), offers.end(), offer) != offers.end()) return;
    const std::string scope = p != nullptr ? fmt::format("of provider '{}' ", p->id) : std::string();
    error(
        t, "offer",
        fmt::format("unknown offer '{}' {}for target '{}'{}; expected an offer the rule packs know ({})", offer, scope,
                    t.id, hint(offer, offers), offers.empty() ? "none" : fmt::format("{}", fmt::join(offers, ", "))));
  }

  const policy::RuleSet& m_rules;
  core::Diag& m_diag;
  std::vector<std::string> m_providers;
  int m_errors = 0;
};

}  // namespace

int check_declared_ids(const std::vector<const core::Target*>& targets, const policy::RuleSet& rules,
                       core::Diag& diag) {
  IdChecker checker(rules, diag);
  for (const auto* t : targets) checker.check(*t);
  return checker.errors();
}

}  // namespace audit
