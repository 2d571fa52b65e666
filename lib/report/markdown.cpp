// The Markdown report, sized for a pull-request comment: a summary table (verdict → count), the
// exit code's meaning, a table of failures and unknowns, then one collapsible <details> block
// per failing or unknown finding with its explanation and evidence, then waived findings.
// Every untrusted string goes through md_escape(): one line, | and markdown specials escaped,
// < > & as entities, so hostile names cannot break a table or inject HTML.
#include "report/common.hpp"
#include "report/escape.hpp"
#include "report/report.hpp"

#include <fmt/format.h>

namespace report {

namespace {

using detail::md_escape;

void write_summary(const core::AuditResult& r, std::ostream& out) {
  const core::Counts c = r.counts();
  out << "## residency audit\n\n";
  out << md_escape(detail::run_line(r)) << "\n\n";
  out << "> **Data sources:** " << md_escape(detail::data_age_summary(r)) << "\n";
  for (const auto& s : r.data_sources) {
    const std::string text = md_escape(detail::data_source_text(r, s));
    out << "> - " << (s.stale ? "**" + text + "**" : text) << "\n";
  }
  out << "\n";
  out << "**Summary:** " << detail::summary_line(c) << "  \n";
  out << "**Result:** " << md_escape(detail::exit_meaning(r)) << "\n\n";
  out << "| verdict | count |\n|---|---:|\n";
  out << fmt::format("| fail | {} |\n| unknown | {} |\n| waived | {} |\n| pass | {} |\n| **total** | {} |\n\n", c.fail,
                     c.unknown, c.waived, c.pass, c.total());
}

std::vector<const core::Finding*> with_verdict(const core::AuditResult& r, std::initializer_list<core::Verdict> vs) {
  std::vector<const core::Finding*> out;
  for (const auto* f : detail::sorted_findings(r)) {
    for (auto v : vs) {
      if (f->verdict == v) out.push_back(f);
    }
  }
  return out;
}

void write_problem_table(const std::vector<const core::Finding*>& problems, std::ostream& out) {
  out << "### Failures and unknowns\n\n";
  if (problems.empty()) {
    out << "None.\n\n";
    return;
  }
  out << "| verdict | severity | target | policy | requirement | message |\n|---|---|---|---|---|---|\n";
  for (const auto* f : problems) {
    std::string verdict(core::to_string(f->verdict));
    if (f->verdict == core::Verdict::unknown && !f->counts_as_failure) verdict += " (not counted)";
    if (f->verdict == core::Verdict::fail && !f->counts_as_failure) verdict += " (below --fail-on)";
    out << fmt::format("| {} | {} | {} | {} | {} | {} |\n", verdict, core::to_string(f->severity),
                       md_escape(f->target_id), md_escape(f->policy_id), md_escape(f->requirement_id),
                       md_escape(f->message));
  }
  out << '\n';
}

void write_details(const core::AuditResult& r, const core::Finding& f, std::ostream& out) {
  out << fmt::format("<details><summary>{} — {} {}: {}</summary>\n\n", md_escape(f.target_id), md_escape(f.policy_id),
                     md_escape(f.requirement_id), core::to_string(f.verdict));
  if (const auto* req = r.requirement(f.policy_id, f.requirement_id)) {
    out << "- requirement: " << md_escape(req->title) << '\n';
    if (!req->remediation.empty()) out << "- remediation: " << md_escape(req->remediation) << '\n';
  }
  if (r.explain) {
    for (const auto& line : f.explanation) out << "- why: " << md_escape(line) << '\n';
  }
  for (const auto& step : f.evidence) out << "- evidence: " << md_escape(detail::evidence_text(step)) << '\n';
  if (auto w = detail::waiver_text(f); !w.empty()) out << "- waiver: " << md_escape(w) << '\n';
  out << "\n</details>\n\n";
}

void write_waived(const std::vector<const core::Finding*>& waived, std::ostream& out) {
  if (waived.empty()) return;
  out << "### Waived\n\n| target | policy | requirement | waiver |\n|---|---|---|---|\n";
  for (const auto* f : waived) {
    out << fmt::format("| {} | {} | {} | {} |\n", md_escape(f->target_id), md_escape(f->policy_id),
                       md_escape(f->requirement_id), md_escape(detail::waiver_text(*f)));
  }
  out << '\n';
}

void write_footer(const core::AuditResult& r, std::ostream& out) {
  for (const auto& w : r.warnings) out << "> warning: " << md_escape(w) << "  \n";
  if (!r.warnings.empty()) out << '\n';
  std::vector<std::string> sources;
  for (const auto& s : r.sources) sources.push_back(md_escape(fmt::format("{}: {} ({})", s.kind, s.name, s.version)));
  if (!sources.empty()) out << "Sources: " << fmt::format("{}", fmt::join(sources, "; ")) << '\n';
}

}  // namespace

void write_markdown(const core::AuditResult& result, std::ostream& out) {
  write_summary(result, out);
  const auto problems = with_verdict(result, {core::Verdict::fail, core::Verdict::unknown});
  write_problem_table(problems, out);
  if (!problems.empty()) out << "### Evidence\n\n";
  for (const auto* f : problems) write_details(result, *f, out);
  write_waived(with_verdict(result, {core::Verdict::waived}), out);
  write_footer(result, out);
}

}  // namespace report
