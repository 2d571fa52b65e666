// The CSV report (RFC 4180): a header line, then one row per finding in the shared order, CRLF
// line ends; the last column names the run's data sources with their dates and ages. Cells are quoted when they hold a
// comma, quote or line break, and a cell starting with = + - @ (or tab/CR) gets a leading ' so spreadsheets never
// evaluate it as a formula.
#include "report/common.hpp"
#include "report/escape.hpp"
#include "report/report.hpp"

#include <array>
#include <string>

namespace report {

namespace {

constexpr std::array<std::string_view, 15> k_header = {
    "target", "policy", "requirement",  "severity",    "verdict",  "raw_verdict", "counts_as_failure", "message",
    "waiver", "entity", "jurisdiction", "fingerprint", "baseline", "evidence",    "data_sources"};

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
  for (const auto* f : detail::sorted_findings(result)) {
    std::string evidence;
    for (const auto& step : f->evidence) evidence += (evidence.empty() ? "" : "; ") + detail::evidence_text(step);
    write_row({f->target_id, f->policy_id, f->requirement_id, std::string(core::to_string(f->severity)),
               std::string(core::to_string(f->verdict)), std::string(core::to_string(f->raw_verdict)),
               f->counts_as_failure ? "true" : "false", f->message, detail::waiver_text(*f), f->entity, f->jurisdiction,
               f->fingerprint, std::string(baseline_name(f->baseline)), evidence, data},
              out);
  }
}

}  // namespace report
