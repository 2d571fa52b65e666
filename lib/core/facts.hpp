// The fact model where probes, rules and reports meet (docs/facts.md lists the paths).
// A fact is a path (e.g. "served_from.countries") with a list of string values, a status, and
// the provenance of every source that contributed to it. Predicates read facts; they never see
// DNS, GeoIP or YAML types.
#pragma once

#include <fmt/core.h>

#include <algorithm>
#include <compare>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace core {

// How much is known about a fact. Anything but `known` makes a predicate test unknown.
enum class FactStatus {
  known,          // observed or declared, values are meaningful (an empty list is still unknown)
  unknown,        // could not be observed (timeout, missing database, …); detail says why
  inconclusive,   // sources disagree (e.g. two GeoIP databases give different countries)
  indeterminate,  // cannot be decided in principle (anycast network: no single location)
};

std::string_view to_string(FactStatus status);

// Where a fact came from: probe, database (file, type, build date), rule pack, inventory line.
struct Provenance {
  std::string source;  // "dns", "geoip", "rules", "inventory", "tls", …
  std::string detail;  // resolver address, database file and build date, rule file, file:line
  std::string time;    // ISO 8601 UTC time of observation; empty for static data

  auto operator<=>(const Provenance&) const = default;
};

// Fact paths and provenance records, kept once for the whole process: a 100,000-target audit
// holds 1.7 million facts but a few dozen paths and one provenance record per target and source.
// Append-only and never freed, so the views and pointers they return stay valid until exit; safe
// to call from several threads.
std::string_view intern(std::string_view text);
const Provenance* intern(const Provenance& provenance);

// The pooled copy of `text` (core::intern's), whose address stays the same until exit.
const std::string* intern_text(std::string_view text);

// A text kept once for the whole process (core::intern), for fields whose few distinct values
// repeat across targets (an evidence step's kind, method, confidence and source; a finding's ids
// and sentence): one pointer, 8 bytes, and no allocation per copy, where a std::string was 32
// bytes and, past 15 characters, a heap block. Built from any text, it interns it, so it never
// points into a temporary.
class Interned {
 public:
  Interned() = default;
  Interned(std::string_view text) : m_text(text.empty() ? nullptr : intern_text(text)) {}  // NOLINT
  Interned(const std::string& text) : Interned(std::string_view(text)) {}                  // NOLINT
  Interned(const char* text) : Interned(std::string_view(text)) {}                         // NOLINT

  operator std::string_view() const { return view(); }  // NOLINT: reads as the text it holds
  std::string_view view() const { return m_text == nullptr ? std::string_view() : std::string_view(*m_text); }
  std::string str() const { return std::string(view()); }
  bool empty() const { return m_text == nullptr; }
  std::size_t size() const { return view().size(); }
  std::size_t find(std::string_view part, std::size_t from = 0) const { return view().find(part, from); }
  bool starts_with(std::string_view prefix) const { return view().starts_with(prefix); }
  // The pooled string itself (null for the empty text), and back, for a process's own scratch
  // files (core::TargetStore): they keep the pointer, which stays valid until exit, not the text.
  const std::string* pooled() const { return m_text; }
  static Interned from_pooled(const std::string* text) {
    Interned out;
    out.m_text = text;
    return out;
  }

  // One pooled copy per text, so equal texts are one address.
  friend bool operator==(const Interned& a, const Interned& b) { return a.m_text == b.m_text; }
  friend bool operator==(const Interned& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const Interned& a, const std::string& b) { return a.view() == b; }
  friend bool operator==(const Interned& a, const char* b) { return a.view() == b; }
  friend auto operator<=>(const Interned& a, const Interned& b) { return a.view() <=> b.view(); }
  friend auto operator<=>(const Interned& a, std::string_view b) { return a.view() <=> b; }
  // Joined with other text, it gives a std::string, as a std::string would.
  friend std::string operator+(std::string a, const Interned& b) { return a.append(b.view()); }
  friend std::string operator+(const char* a, const Interned& b) { return std::string(a).append(b.view()); }
  friend std::string operator+(const Interned& a, std::string_view b) { return std::string(a.view()).append(b); }
  friend std::ostream& operator<<(std::ostream& out, const Interned& text);

 private:
  const std::string* m_text = nullptr;  // null for the empty text
};

struct Fact {
  std::vector<std::string> values;
  FactStatus status = FactStatus::known;
  Interned detail;  // why not known, e.g. "timeout: unreachable" (the same text for many targets)
  std::vector<const Provenance*> provenance;  // interned (core::intern), never null
  // Values a complete list may hold but that could not be confirmed (a certification whose
  // dates are known only to the year, a record past its re-check date); `detail` says why. A
  // test that depends on them is unknown.
  std::vector<std::string> possible = {};
  Interned confidence = {};  // high, medium or low; empty when not rated
  // With status unknown: `values` is the part that was observed and the list may hold more (an
  // address not attributed, an answer that timed out). A test decides only where more values
  // cannot change its outcome: a US operator among them proves a `not_in` false.
  bool partial = false;

  // True when the fact is known and has at least one value.
  bool usable() const { return status == FactStatus::known && !values.empty(); }
  // True when the manifest declared the fact instead of a probe observing it.
  bool declared() const {
    return !provenance.empty() && std::all_of(provenance.begin(), provenance.end(),
                                              [](const Provenance* p) { return p->source == "declared"; });
  }
  bool operator==(const Fact&) const = default;
};

// Rank of a confidence level (low 1, medium 2, high 3; unrated 0).
int confidence_rank(std::string_view confidence);
// The lower of two confidence levels (an unrated one does not lower the other).
std::string_view lower_confidence(std::string_view a, std::string_view b);

// A set of facts keyed by path, e.g. "target.tags.classification", "controlled_by.laws": a
// vector sorted by path (a target has about twenty facts; a map node per fact cost more than the
// fact), the paths interned.
class Facts {
 public:
  using Entry = std::pair<std::string_view, Fact>;

  // Replace the fact at `path`.
  void set(std::string_view path, Fact fact);
  // Set a known fact with values and one provenance entry.
  void set_known(std::string_view path, std::vector<std::string> values, Provenance provenance = {});
  // Set a fact that could not be established, with the reason.
  void set_status(std::string_view path, FactStatus status, std::string detail, Provenance provenance = {});
  // Move every fact of `other` here, replacing the facts at the same paths.
  void set_all(Facts&& other);
  // Give back the room kept for facts to come, once a target's facts are final.
  void shrink_to_fit() { m_facts.shrink_to_fit(); }
  // Return the fact at `path`, or nullptr.
  const Fact* find(std::string_view path) const;
  // Every fact, sorted by path.
  const std::vector<Entry>& all() const { return m_facts; }
  bool operator==(const Facts&) const = default;

 private:
  // The first entry whose path is not less than `path` (where it is, or would be inserted).
  std::vector<Entry>::const_iterator lower(std::string_view path) const;

  std::vector<Entry> m_facts;
};

// One link of the chain that explains a verdict, e.g.
// {kind "cname", subject "portal.example.fr", value "portal.azurewebsites.net", method "dns"}.
// A 100,000-target audit holds about a million steps, whose kind, method, confidence and source
// come from a few hundred texts: those are interned; subject and value are the target's own.
struct EvidenceStep {
  Interned kind;           // cname, address, country, asn, region, provider, entity, parent,
                           // control_country, law, certification, declared, …
  std::string subject;     // what the statement is about
  std::string value;       // what was found
  Interned method;         // how: "dns A", "geoip country (file, build date)", "asn → provider"
  Interned confidence;     // high, medium, low (empty when not applicable)
  Interned source;         // a URL, a rule file, a database; with its as_of date when known

  auto operator<=>(const EvidenceStep&) const = default;
};

using Evidence = std::vector<EvidenceStep>;

}  // namespace core

template <>
struct fmt::formatter<core::Interned> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(const core::Interned& text, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(text.view(), ctx);
  }
};
