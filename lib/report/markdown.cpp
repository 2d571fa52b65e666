// The Markdown report, sized for a pull-request comment: a summary table (verdict → count), the
// exit code's meaning, a table of failures and unknowns, then one collapsible <details> block
// per failing or unknown finding with its explanation and evidence, then waived findings.
// The markdown-summary format is the same head and table, failures first, cut to stay under
// GitHub's 65,536-character limit for comments and step summaries, with "… and N more".
// Every untrusted string goes through md_escape(): one line, | and markdown specials escaped,
// < > & as entities, so hostile names cannot break a table or inject HTML.
#include "report/common.hpp"
#include "report/escape.hpp"
#include "report/report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sstream>

namespace report {

namespace {

using detail::md_escape;

void write_summary(const core::AuditResult& r, std::ostream& out) {
  const core::Counts c = r.counts();
  out << "## residency audit\n\n";
  out << md_escape(detail::run_line(r)) << "\n\n";
  if (!r.organisation.empty() || !r.auditor.empty() || !r.scope.empty()) {
    out << fmt::format("Organisation: {} · auditor: {} · scope: {}\n\n", md_escape(detail::clip(r.organisation, 300)),
                       md_escape(detail::clip(r.auditor, 300)), md_escape(detail::clip(r.scope, 300)));
  }
  out << "> **Data sources:** " << md_escape(detail::data_age_summary(r)) << "\n";
  for (const auto& s : r.data_sources) {
    const std::string text = md_escape(detail::data_source_text(r, s));
    out << "> - " << (s.stale ? "**" + text + "**" : text) << "\n";
  }
  for (const auto& a : detail::data_attributions(r)) out << "> - Attribution: " << md_escape(a) << "\n";
  out << "\n";
  out << "**Summary:** " << detail::summary_line(c) << "  \n";
  if (auto b = detail::baseline_line(r); !b.empty()) out << "**Baseline:** " << md_escape(b) << "  \n";
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

constexpr std::string_view k_problem_header =
    "| verdict | severity | target | policy | requirement | message |\n|---|---|---|---|---|---|\n";

std::string problem_row(const core::Finding& f, bool fail_on_none) {
  std::string verdict(core::to_string(f.verdict));
  if (auto mark = detail::baseline_mark(f); !mark.empty()) verdict += fmt::format(" ({})", mark);
  if (f.verdict == core::Verdict::unknown && !f.counts_as_failure) verdict += " (not counted)";
  if (f.verdict == core::Verdict::fail && !f.counts_as_failure && f.baseline != core::Finding::Baseline::existing) {
    verdict += fail_on_none ? " (not counted: --fail-on none)" : " (below --fail-on)";
  }
  return fmt::format("| {} | {} | {} | {} | {} | {} |\n", verdict, core::to_string(f.severity), md_escape(f.target_id),
                     md_escape(f.policy_id), md_escape(f.requirement_id), md_escape(f.message));
}

void write_problem_table(const std::vector<const core::Finding*>& problems, bool fail_on_none, std::ostream& out) {
  out << "### Failures and unknowns\n\n";
  if (problems.empty()) {
    out << "None.\n\n";
    return;
  }
  out << k_problem_header;
  for (const auto* f : problems) out << problem_row(*f, fail_on_none);
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
  const auto evidence = r.evidence_of(f);
  for (const auto& step : *evidence) out << "- evidence: " << md_escape(detail::evidence_text(step)) << '\n';
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
  write_problem_table(problems, result.fail_on_none, out);
  if (!problems.empty()) out << "### Evidence\n\n";
  for (const auto* f : problems) write_details(result, *f, out);
  write_waived(with_verdict(result, {core::Verdict::waived}), out);
  write_footer(result, out);
}

}  // namespace report

namespace report {

namespace {

// GitHub's limit on a comment or step summary is 65,536 characters; counting bytes (never fewer
// than characters) and keeping room for the closing lines keeps every summary under it.
constexpr std::size_t k_summary_limit = 65536;
constexpr std::size_t k_summary_tail = 4096;

}  // namespace

void write_markdown_summary(const core::AuditResult& result, std::ostream& out) {
  std::ostringstream head;
  write_summary(result, head);
  std::string text = head.str();
  const std::size_t budget = k_summary_limit - k_summary_tail;
  // Failures first, then unknowns; rows until the budget is spent, then "and N more".
  auto problems = with_verdict(result, {core::Verdict::fail});
  const auto unknowns = with_verdict(result, {core::Verdict::unknown});
  problems.insert(problems.end(), unknowns.begin(), unknowns.end());
  text += "### Failures and unknowns\n\n";
  std::size_t shown = 0;
  if (problems.empty()) {
    text += "None.\n\n";
  } else {
    text += k_problem_header;
    for (const auto* f : problems) {
      std::string row = problem_row(*f, result.fail_on_none);
      if (text.size() + row.size() > budget) break;
      text += row;
      ++shown;
    }
    text += '\n';
  }
  std::string tail;
  if (shown < problems.size()) {
    tail += fmt::format(
        "… and {} more failures and unknowns: see the full report (`--format markdown` or "
        "`--format html`).\n\n",
        problems.size() - shown);
  }
  if (!result.warnings.empty()) {
    tail += fmt::format("{} warning{}: see the full report.  \n", result.warnings.size(),
                        result.warnings.size() == 1 ? "" : "s");
  }
  std::vector<std::string> sources;
  for (const auto& s : result.sources) {
    sources.push_back(md_escape(detail::clip(fmt::format("{}: {} ({})", s.kind, s.name, s.version), 200)));
  }
  std::string line = "Sources: " + fmt::format("{}", fmt::join(sources, "; ")) + "\n";
  if (!sources.empty() && line.size() + tail.size() < k_summary_tail) tail += line;
  out << text << tail;
}

}  // namespace report
