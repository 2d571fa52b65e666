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
  std::stable_sort(out.begin(), out.end(), [](const core::Finding* a, const core::Finding* b) {
    return std::tie(a->target_id, a->policy_id, a->requirement_id) <
           std::tie(b->target_id, b->policy_id, b->requirement_id);
  });
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

std::vector<const core::TargetReport*> sorted_targets(const core::AuditResult& result) {
  std::vector<const core::TargetReport*> out;
  for (const auto& t : result.targets) out.push_back(&t);
  std::stable_sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->target.id < b->target.id; });
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
  for (const auto& f : result.findings) ids.insert(f.policy_id);
  return {ids.begin(), ids.end()};
}

std::string summary_line(const core::Counts& c) {
  return fmt::format("{} findings: {} pass, {} fail, {} unknown, {} waived", c.total(), c.pass, c.fail,
                     c.unknown, c.waived);
}

std::string exit_meaning(const core::AuditResult& result) {
  switch (result.exit_code) {
    case 0: return "exit code 0: no failure at or above the threshold, no unknown that counts";
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
    if (!part->empty()) how.push_back(*part);
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

std::string waiver_text(const core::Finding& f) {
  if (!f.waiver_note.empty()) return f.waiver_note;
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
