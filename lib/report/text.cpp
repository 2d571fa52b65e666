// The text report, for a terminal or a log: the header (run, organisation, policies, and every
// data source with its date and age), the summary (counts, what the exit code means), then failures and unknowns each
// with the predicate's explanation and the evidence chain (printed once per target), then waived findings, then passes
// compactly (one line per target), then waivers, warnings and data sources. ANSI colours only when the caller asks for
// them; every untrusted string goes through one_line(), which also strips terminal escape sequences.
#include "report/common.hpp"
#include "report/escape.hpp"
#include "report/report.hpp"

#include <fmt/format.h>

#include <map>
#include <set>
#include <string_view>

namespace report {

namespace {

using detail::one_line;

class TextWriter {
 public:
  TextWriter(const core::AuditResult& result, std::ostream& out, bool colour)
      : m_result(result), m_out(out), m_colour(colour), m_findings(detail::sorted_findings(result)) {}

  void write() {
    write_header();
    write_group(core::Verdict::fail, "Failures");
    write_group(core::Verdict::unknown, "Unknowns");
    write_group(core::Verdict::waived, "Waived");
    write_passes();
    write_waivers();
    write_list("Warnings", m_result.warnings);
    write_sources();
  }

 private:
  std::string paint(std::string_view text, std::string_view code) const {
    if (!m_colour) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }

  static std::string_view colour_of(core::Verdict v) {
    switch (v) {
      case core::Verdict::pass:
        return "32";
      case core::Verdict::fail:
        return "1;31";
      case core::Verdict::unknown:
        return "33";
      case core::Verdict::waived:
        return "36";
    }
    return "0";
  }

  void write_header() {
    m_out << paint("residency audit report", "1") << '\n' << one_line(detail::run_line(m_result)) << '\n';
    if (!m_result.organisation.empty() || !m_result.auditor.empty() || !m_result.scope.empty()) {
      m_out << fmt::format("organisation: {}; auditor: {}; scope: {}\n", one_line(m_result.organisation),
                           one_line(m_result.auditor), one_line(m_result.scope));
    }
    m_out << "policies: " << one_line(fmt::format("{}", fmt::join(detail::policy_ids(m_result), ", "))) << '\n';
    write_data_sources();
    if (const auto& s = m_result.shard) {
      m_out << fmt::format("shard: {} of {} ({} of the inventory's {} targets)\n", s->index, s->count,
                           m_result.target_count(), s->inventory_targets);
    }
    m_out << '\n' << paint("Summary: ", "1") << detail::summary_line(m_result.counts()) << '\n';
    if (auto b = detail::baseline_line(m_result); !b.empty()) m_out << "Baseline: " << b << '\n';
    m_out << "Result: " << detail::exit_meaning(m_result) << '\n';
  }

  // Each data source with its date and age on the as-of date, stale ones highlighted.
  void write_data_sources() {
    m_out << "data: " << one_line(detail::data_age_summary(m_result)) << '\n';
    for (const auto& s : m_result.data_sources) {
      const std::string line = one_line(detail::data_source_text(m_result, s));
      m_out << "  " << (s.stale ? paint(line, "33") : line) << '\n';
    }
    for (const auto& a : detail::data_attributions(m_result)) m_out << "  attribution: " << one_line(a) << '\n';
  }

  void write_group(core::Verdict verdict, std::string_view title) {
    std::vector<const core::Finding*> group;
    for (const auto* f : m_findings) {
      if (f->verdict == verdict) group.push_back(f);
    }
    if (group.empty()) return;
    m_out << '\n' << paint(fmt::format("{} ({})", title, group.size()), "1") << '\n';
    for (const auto* f : group) write_finding(*f);
  }

  void write_finding(const core::Finding& f) {
    std::string label = detail::to_upper(core::to_string(f.verdict));
    m_out << "  " << paint(label, colour_of(f.verdict))
          << one_line(fmt::format(" [{}] {} :: {}/{}", core::to_string(f.severity), f.target_id, f.policy_id,
                                  f.requirement_id));
    if (f.verdict == core::Verdict::unknown) m_out << (f.counts_as_failure ? " (counts as failure)" : " (not counted)");
    if (auto mark = detail::baseline_mark(f); !mark.empty()) m_out << " (" << mark << ")";
    if (f.verdict == core::Verdict::fail && !f.counts_as_failure && f.baseline != core::Finding::Baseline::existing) {
      m_out << (m_result.fail_on_none ? " (not counted: --fail-on none)" : " (below --fail-on)");
    }
    m_out << '\n';
    if (const auto* req = m_result.requirement(f.policy_id, f.requirement_id)) {
      m_out << "      " << one_line(req->title) << '\n';
    }
    m_out << "      " << one_line(f.message) << '\n';
    if (m_result.explain) {
      for (const auto& line : f.explanation) m_out << "      why: " << one_line(line) << '\n';
    }
    // A target's evidence chain is the same for all its findings: print it once, then refer to it.
    const auto evidence = m_result.evidence_of(f);
    if (!evidence->empty() && !m_evidence_shown.insert(f.target_id.view()).second) {
      m_out << "      evidence: as for " << one_line(f.target_id) << " above\n";
    } else {
      for (const auto& step : *evidence) m_out << "      evidence: " << one_line(detail::evidence_text(step)) << '\n';
    }
    if (auto w = detail::waiver_text(f); !w.empty()) m_out << "      waiver: " << one_line(w) << '\n';
  }

  void write_passes() {
    std::map<std::string_view, std::vector<std::string>> by_target;  // interned ids
    for (const auto* f : m_findings) {
      if (f->verdict == core::Verdict::pass)
        by_target[f->target_id.view()].push_back(fmt::format("{}/{}", f->policy_id, f->requirement_id));
    }
    if (by_target.empty()) return;
    m_out << '\n' << paint(fmt::format("Passes ({})", m_result.counts().pass), "1") << '\n';
    for (const auto& [target, reqs] : by_target) {
      m_out << "  " << paint("PASS", colour_of(core::Verdict::pass)) << ' '
            << one_line(fmt::format("{}: {}", target, fmt::join(reqs, ", "))) << '\n';
    }
  }

  void write_waivers() {
    auto waivers = detail::sorted_waivers(m_result);
    if (waivers.empty()) return;
    m_out << '\n' << paint("Waivers", "1") << '\n';
    for (const auto* w : waivers) {
      m_out << one_line(fmt::format("  {} [{}] {} on {}: expires {}, owner {}, matched {}; {}", w->id,
                                    core::to_string(w->state), w->requirement_glob, w->target_glob,
                                    w->expires.to_string(), w->owner, w->matched, w->reason))
            << '\n';
    }
  }

  void write_list(std::string_view title, const std::vector<std::string>& items) {
    if (items.empty()) return;
    m_out << '\n' << paint(title, "1") << '\n';
    for (const auto& item : items) m_out << "  - " << one_line(item) << '\n';
  }

  void write_sources() {
    std::vector<std::string> lines;
    for (const auto& s : m_result.sources) lines.push_back(fmt::format("{}: {} ({})", s.kind, s.name, s.version));
    write_list("Sources", lines);
  }

  const core::AuditResult& m_result;
  std::ostream& m_out;
  bool m_colour;
  std::vector<const core::Finding*> m_findings;
  std::set<std::string_view> m_evidence_shown;  // targets whose evidence chain was printed (interned ids)
};

}  // namespace

void write_text(const core::AuditResult& result, std::ostream& out, TextOptions options) {
  TextWriter(result, out, options.colour == Colour::yes).write();
}

}  // namespace report
