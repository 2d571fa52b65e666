// Shared orderings and phrases of the renderers. Sorting here (rather than trusting the model's
// order) keeps every format byte-stable even when a caller assembles findings out of order.
#include "report/common.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

namespace report::detail {

std::vector<const core::Finding*> sorted_findings(const core::AuditResult& result) {
  std::vector<const core::Finding*> out;
  for (const auto& f : result.findings) out.push_back(&f);
  auto before = [](const core::Finding* a, const core::Finding* b) { return core::finding_before(*a, *b); };
  // Results from lib/audit are in this order already: then this is one linear check.
  if (!std::is_sorted(out.begin(), out.end(), before)) std::stable_sort(out.begin(), out.end(), before);
  return out;
}

std::vector<const core::RequirementInfo*> sorted_requirements(const core::AuditResult& result) {
  std::vector<const core::RequirementInfo*> out;
  for (const auto& r : result.requirements) out.push_back(&r);
  std::stable_sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    return std::tie(a->policy_id, a->id) < std::tie(b->policy_id, b->id);
  });
  return out;
}

std::vector<const core::WaiverInfo*> sorted_waivers(const core::AuditResult& result) {
  std::vector<const core::WaiverInfo*> out;
  for (const auto& w : result.waivers) out.push_back(&w);
  std::stable_sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
  return out;
}

std::vector<std::string> policy_ids(const core::AuditResult& result) {
  std::set<std::string> ids(result.policies.begin(), result.policies.end());
  for (const auto& f : result.findings) ids.insert(f.policy_id.str());
  return {ids.begin(), ids.end()};
}

namespace {

struct BaselineCounts {
  int new_fail = 0, known_fail = 0, new_unknown = 0, known_unknown = 0;
};

BaselineCounts baseline_counts(const core::AuditResult& result) {
  BaselineCounts c;
  for (const auto& f : result.findings) {
    const bool is_new = f.baseline == core::Finding::Baseline::is_new;
    const bool known = f.baseline == core::Finding::Baseline::existing;
    if (f.verdict == core::Verdict::fail) {
      c.new_fail += is_new;
      c.known_fail += known;
    } else if (f.verdict == core::Verdict::unknown) {
      c.new_unknown += is_new;
      c.known_unknown += known;
    }
  }
  return c;
}

std::string plural(int n, std::string_view word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

}  // namespace

std::string summary_line(const core::Counts& c) {
  return fmt::format("{} findings: {} pass, {} fail, {} unknown, {} waived", c.total(), c.pass, c.fail,
                     c.unknown, c.waived);
}

std::string exit_meaning(const core::AuditResult& result) {
  switch (result.exit_code) {
    case 0:
      if (result.fail_on_none)
        return "exit code 0: --fail-on none (failures, unknowns and stale data are reported, not counted)";
      if (result.baseline_used) {
        const BaselineCounts c = baseline_counts(result);
        if (c.known_fail + c.known_unknown > 0) {
          return fmt::format(
              "exit code 0: no new failure at or above the threshold, no new unknown that counts "
              "({} and {} known in the baseline are reported, not counted)",
              plural(c.known_fail, "failure"), plural(c.known_unknown, "unknown"));
        }
      }
      return "exit code 0: no failure at or above the threshold, no unknown that counts";
    case 1:
      return fmt::format("exit code 1: a proven failure at or above --fail-on {}", core::to_string(result.fail_on));
    case 2: return "exit code 2: usage, configuration or rule error";
    case 3: {
      const bool unknowns = std::any_of(result.findings.begin(), result.findings.end(), [](const core::Finding& f) {
        return f.counts_as_failure && f.verdict == core::Verdict::unknown;
      });
      if (unknowns) return "exit code 3: no proven failure, but unknowns that count as failures remain";
      return fmt::format(
          "exit code 3: no proven failure, but data sources are older than --max-data-age {} "
          "(--fail-on-stale-data)",
          result.max_data_age_days);
    }
    default: return fmt::format("exit code {}", result.exit_code);
  }
}

std::string evidence_text(const core::EvidenceStep& s) {
  std::string text = fmt::format("{}: {} → {}", s.kind, s.subject, s.value);
  std::vector<std::string> how;
  for (const auto* part : {&s.method, &s.confidence, &s.source}) {
    if (!part->empty()) how.push_back(part->str());
  }
  if (!how.empty()) text += fmt::format(" ({})", fmt::join(how, ", "));
  return text;
}

std::string run_line(const core::AuditResult& r) {
  return fmt::format("started {} on {}, as of {}, residency {}", r.started_at.empty() ? "(unknown)" : r.started_at,
                     r.host.empty() ? "(unknown host)" : r.host, r.as_of.to_string(), r.tool_version);
}

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

std::string baseline_line(const core::AuditResult& result) {
  if (!result.baseline_used) return {};
  const BaselineCounts c = baseline_counts(result);
  return fmt::format("{} ({} known in the baseline); {} ({} known)", plural(c.new_fail, "new failure"), c.known_fail,
                     plural(c.new_unknown, "new unknown"), c.known_unknown);
}

std::string_view baseline_mark(const core::Finding& f) {
  switch (f.baseline) {
    case core::Finding::Baseline::is_new:
      return "new";
    case core::Finding::Baseline::existing:
      return "known";
    case core::Finding::Baseline::none:
      return "";
  }
  return "";
}

std::string fail_on_text(const core::AuditResult& result) {
  return result.fail_on_none ? "none" : std::string(core::to_string(result.fail_on));
}

std::optional<core::Verdict> worst_verdict(const std::vector<const core::Finding*>& findings) {
  auto rank = [](core::Verdict v) {
    switch (v) {
      case core::Verdict::fail:
        return 3;
      case core::Verdict::unknown:
        return 2;
      case core::Verdict::waived:
        return 1;
      case core::Verdict::pass:
        return 0;
    }
    return 0;
  };
  std::optional<core::Verdict> worst;
  for (const auto* f : findings) {
    if (!worst || rank(f->verdict) > rank(*worst)) worst = f->verdict;
  }
  return worst;
}

std::string waiver_text(const core::Finding& f) {
  if (!f.waiver_note.empty()) return f.waiver_note.str();
  if (f.waiver_id.empty()) return {};
  return fmt::format("waiver {}", f.waiver_id);
}

std::string data_source_text(const core::AuditResult& r, const core::DataSource& s) {
  std::string text = s.name == s.database ? s.name : fmt::format("{}: {}", s.database, s.name);
  if (!s.date || !s.age_days) return text + ", undated (its age is unknown)";
  const long age = *s.age_days;
  text += fmt::format(" of {}, ", s.date->to_string());
  if (age < 0)
    text += fmt::format("dated {} day{} after the as-of date", -age, age == -1 ? "" : "s");
  else
    text += fmt::format("{} day{} old", age, age == 1 ? "" : "s");
  if (s.stale) text += fmt::format(", older than --max-data-age {}", r.max_data_age_days);
  return text;
}

std::vector<std::string> data_attributions(const core::AuditResult& r) {
  std::vector<std::string> out;
  for (const auto& s : r.data_sources) {
    if (s.attribution.empty()) continue;
    std::string line = s.licence.empty() ? fmt::format("{}: {}", s.database, s.attribution)
                                         : fmt::format("{}, {}: {}", s.database, s.licence, s.attribution);
    if (std::find(out.begin(), out.end(), line) == out.end()) out.push_back(std::move(line));
  }
  return out;
}

std::string data_age_summary(const core::AuditResult& r) {
  const auto stale = std::count_if(r.data_sources.begin(), r.data_sources.end(), [](const auto& s) { return s.stale; });
  const auto undated =
      std::count_if(r.data_sources.begin(), r.data_sources.end(), [](const auto& s) { return !s.date; });
  std::string text = fmt::format("{} data source{}, aged on {}", r.data_sources.size(),
                                 r.data_sources.size() == 1 ? "" : "s", r.as_of.to_string());
  std::vector<std::string> parts;
  if (stale > 0) parts.push_back(fmt::format("{} older than --max-data-age {}", stale, r.max_data_age_days));
  if (undated > 0) parts.push_back(fmt::format("{} undated", undated));
  if (parts.empty() && !r.data_sources.empty())
    parts.push_back(fmt::format("none older than --max-data-age {}", r.max_data_age_days));
  return parts.empty() ? text : fmt::format("{}: {}", text, fmt::join(parts, ", "));
}

}  // namespace report::detail
