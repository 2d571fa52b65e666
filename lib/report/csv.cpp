// The CSV report (RFC 4180), for spreadsheets: a header line, then one row per finding in the
// shared order, CRLF line ends. The first columns say what a reader filters on: target, provider,
// country, region, entity, laws (lists joined by "; ", never a bare comma; "unknown" when the
// facts could not say), requirement, verdict, severity and the finding's sentence; then the
// machine columns (policy, raw verdict, waiver, fingerprint, baseline, evidence); the last column
// names the run's data sources with their dates and ages. Cells are quoted when they hold a
// comma, quote or line break, and a cell starting with = + - @ (or tab/CR) gets a leading ' so
// spreadsheets never evaluate it as a formula.
#include "report/common.hpp"
#include "report/escape.hpp"
#include "report/report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <string>

namespace report {

namespace {

constexpr std::array<std::string_view, 19> k_header = {
    "target",      "provider",    "country",           "region",      "entity",
    "laws",        "requirement", "verdict",           "severity",    "message",
    "policy",      "raw_verdict", "counts_as_failure", "waiver",      "jurisdiction",
    "fingerprint", "baseline",    "evidence",          "data_sources"};

// A fact of the target as one cell: its values joined by "; ", "unknown" when not known and
// nothing was observed, the observed part then "; …" when the list is partial.
std::string fact_cell(const core::TargetReport* t, std::string_view path) {
  const core::Fact* f = t == nullptr ? nullptr : t->facts.find(path);
  if (f == nullptr) return "unknown";
  std::string out = fmt::format("{}", fmt::join(f->values, "; "));
  if (f->status == core::FactStatus::known) return out;
  return out.empty() ? "unknown" : out + "; …";
}

std::string_view baseline_name(core::Finding::Baseline b) {
  switch (b) {
    case core::Finding::Baseline::none: return "";
    case core::Finding::Baseline::is_new: return "new";
    case core::Finding::Baseline::existing: return "existing";
  }
  return "";
}

void write_row(const std::vector<std::string>& cells, std::ostream& out) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out << ',';
    out << detail::csv_cell(cells[i]);
  }
  out << "\r\n";
}

}  // namespace

void write_csv(const core::AuditResult& result, std::ostream& out) {
  write_row({k_header.begin(), k_header.end()}, out);
  // The same on every row (a CSV has no header block): each data source with its date and age.
  std::string data = detail::data_age_summary(result);
  for (const auto& s : result.data_sources) data += "; " + detail::data_source_text(result, s);
  for (const auto& a : detail::data_attributions(result)) data += "; attribution: " + a;
  for (const auto* f : detail::sorted_findings(result)) {
    const core::TargetReport* t = result.target(f->target_id);
    std::string evidence;
    for (const auto& step : result.evidence_of(*f)) {
      evidence += (evidence.empty() ? "" : "; ") + detail::evidence_text(step);
    }
    write_row(
        {f->target_id, fact_cell(t, "controlled_by.providers"), fact_cell(t, "served_from.countries"),
         fact_cell(t, "served_from.regions"), fact_cell(t, "controlled_by.entities"),
         fact_cell(t, "controlled_by.laws"), f->requirement_id, std::string(core::to_string(f->verdict)),
         std::string(core::to_string(f->severity)), f->message, f->policy_id,
         std::string(core::to_string(f->raw_verdict)), f->counts_as_failure ? "true" : "false", detail::waiver_text(*f),
         f->jurisdiction, f->fingerprint, std::string(baseline_name(f->baseline)), evidence, data},
        out);
  }
}

}  // namespace report
