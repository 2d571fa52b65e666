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

// The cells of a row that come from its target (provider, country, region, entity, laws, and
// the evidence chain), escaped: the same for each of a target's findings, which are adjacent.
struct TargetCells {
  std::string_view id;
  std::string escaped;  // the five fact cells, comma-separated
  std::string evidence;

  void fill(const core::AuditResult& result, const core::Finding& f) {
    const auto t = result.target(f.target_id);
    id = f.target_id;
    escaped.clear();
    for (std::string_view path : {"controlled_by.providers", "served_from.countries", "served_from.regions",
                                  "controlled_by.entities", "controlled_by.laws"}) {
      if (!escaped.empty()) escaped += ',';
      escaped += detail::csv_cell(fact_cell(t.get(), path));
    }
    std::string chain;
    const auto steps = result.evidence_of(f);
    for (const auto& step : *steps) chain += (chain.empty() ? "" : "; ") + detail::evidence_text(step);
    evidence = detail::csv_cell(chain);
  }
};

}  // namespace

void write_csv(const core::AuditResult& result, std::ostream& out) {
  {
    std::string header;
    for (std::string_view name : k_header) header += (header.empty() ? "" : ",") + detail::csv_cell(name);
    out << header << "\r\n";
  }
  // The same on every row (a CSV has no header block): each data source with its date and age.
  std::string data = detail::data_age_summary(result);
  for (const auto& s : result.data_sources) data += "; " + detail::data_source_text(result, s);
  for (const auto& a : detail::data_attributions(result)) data += "; attribution: " + a;
  const std::string data_cell = detail::csv_cell(data);
  TargetCells target;
  bool first = true;
  std::string row;
  for (const auto* f : detail::sorted_findings(result)) {
    if (first || f->target_id != target.id) target.fill(result, *f);
    first = false;
    row.clear();
    auto cell = [&](std::string_view value) {
      row += detail::csv_cell(value);
      row += ',';
    };
    cell(f->target_id);
    row += target.escaped;
    row += ',';
    for (std::string_view value :
         {std::string_view(f->requirement_id), core::to_string(f->verdict), core::to_string(f->severity),
          std::string_view(f->message), std::string_view(f->policy_id), core::to_string(f->raw_verdict),
          std::string_view(f->counts_as_failure ? "true" : "false")})
      cell(value);
    cell(detail::waiver_text(*f));
    const std::string fingerprint = core::fingerprint_of(*f);  // outlives the loop below, unlike a temporary
    for (std::string_view value :
         {std::string_view(f->jurisdiction), std::string_view(fingerprint), baseline_name(f->baseline)})
      cell(value);
    row += target.evidence;
    row += ',';
    row += data_cell;
    row += "\r\n";
    out << row;
  }
}

}  // namespace report
