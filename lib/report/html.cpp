// The HTML report: one self-contained page (inline CSS, no scripts, no fonts, no external
// assets; legal references are plain links, and only http(s) ones), printable through an
// @media print block. Summary at the top, then one table per policy, then the evidence of every
// finding that is not a pass, then requirements with their references, waivers, warnings and
// sources. Every string from the model goes through html_escape().
#include "report/common.hpp"
#include "report/escape.hpp"
#include "report/report.hpp"

#include <fmt/format.h>

namespace report {

namespace {

using detail::html_escape;

constexpr std::string_view k_style = R"(body{font-family:system-ui,sans-serif;margin:2em;color:#1a1a1a;max-width:75em}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}.summary{font-size:1.15em;font-weight:bold}.muted{color:#555}
.v-fail{color:#fff;background:#b00020}.v-unknown{background:#f5c000}.v-waived{background:#9ad0f5}.v-pass{background:#b7e4b7}
.verdict{font-weight:bold;padding:.1em .4em;border-radius:.2em}.finding{border-left:4px solid #999;padding:.2em .8em;margin:.8em 0;break-inside:avoid}
.finding.fail{border-color:#b00020}.finding.unknown{border-color:#f5c000}.finding.waived{border-color:#4a9fd8}
ul{margin:.2em 0}.banner{border:1px solid #ccc;background:#fafafa;padding:.2em .8em;margin:.8em 0}.stale{color:#8a4b00;font-weight:bold}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}tr{break-inside:avoid}a{color:inherit}
.v-fail,.v-unknown,.v-waived,.v-pass{-webkit-print-color-adjust:exact;print-color-adjust:exact}})";

std::string verdict_badge(core::Verdict v) {
  return fmt::format("<span class=\"verdict v-{0}\">{0}</span>", core::to_string(v));
}

// The anchor of a finding's evidence block (ids are escaped and only used inside this page).
std::string anchor(const core::Finding& f) {
  return html_escape(detail::one_line(fmt::format("f-{}-{}-{}", f.target_id, f.policy_id, f.requirement_id)));
}

void write_head(const core::AuditResult& r, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>residency audit report</title>\n<style>\n"
      << k_style << "\n</style>\n</head>\n<body>\n"
      << "<h1>residency audit report</h1>\n<p class=\"muted\">" << html_escape(detail::run_line(r)) << "</p>\n";
  if (!r.organisation.empty() || !r.auditor.empty() || !r.scope.empty()) {
    out << fmt::format("<p>Organisation: {} · auditor: {} · scope: {}</p>\n", html_escape(r.organisation),
                       html_escape(r.auditor), html_escape(r.scope));
  }
}

// The data banner: every data source with its date and its age on the as-of date.
void write_data_banner(const core::AuditResult& r, std::ostream& out) {
  out << "<section id=\"data-sources\" class=\"banner\">\n<p><strong>Data sources:</strong> "
      << html_escape(detail::data_age_summary(r)) << "</p>\n<ul>\n";
  for (const auto& s : r.data_sources) {
    out << (s.stale ? "<li class=\"stale\">" : "<li>") << html_escape(detail::data_source_text(r, s)) << "</li>\n";
  }
  out << "</ul>\n</section>\n";
}

void write_summary(const core::AuditResult& r, std::ostream& out) {
  const core::Counts c = r.counts();
  out << "<section id=\"summary\">\n<h2>Summary</h2>\n"
      << "<p class=\"summary\" id=\"summary-line\">Summary: " << detail::summary_line(c) << "</p>\n"
      << "<p id=\"result-line\">Result: " << html_escape(detail::exit_meaning(r)) << "</p>\n"
      << "<table class=\"counts\"><tr><th>fail</th><th>unknown</th><th>waived</th><th>pass</th><th>total</th></tr>\n"
      << fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></table>\n", c.fail, c.unknown,
                     c.waived, c.pass, c.total())
      << "</section>\n";
}

void write_policy(const core::AuditResult& r, const std::string& policy, std::ostream& out) {
  const core::Counts c = r.counts_for_policy(policy);
  out << fmt::format("<section class=\"policy\">\n<h2>Policy {}</h2>\n<p>{}</p>\n", html_escape(policy),
                     detail::summary_line(c))
      << "<table><tr><th>target</th><th>requirement</th><th>severity</th><th>verdict</th><th>message</th></tr>\n";
  for (const auto* f : detail::sorted_findings(r)) {
    if (f->policy_id != policy) continue;
    const auto* req = r.requirement(f->policy_id, f->requirement_id);
    std::string requirement = html_escape(f->requirement_id);
    if (req != nullptr && !req->title.empty()) requirement += " — " + html_escape(req->title);
    std::string message = html_escape(f->message);
    if (f->verdict != core::Verdict::pass) message += fmt::format(" <a href=\"#{}\">evidence</a>", anchor(*f));
    out << fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(f->target_id),
                       requirement, core::to_string(f->severity), verdict_badge(f->verdict), message);
  }
  out << "</table>\n</section>\n";
}

void write_finding(const core::Finding& f, bool explain, std::ostream& out) {
  out << fmt::format("<div class=\"finding {}\" id=\"{}\">\n<h3>{} {} — {} / {}</h3>\n<p>{}</p>\n",
                     core::to_string(f.verdict), anchor(f), verdict_badge(f.verdict), html_escape(f.target_id),
                     html_escape(f.policy_id), html_escape(f.requirement_id), html_escape(f.message));
  out << "<ul>\n";
  if (explain) {
    for (const auto& line : f.explanation) out << "<li>why: " << html_escape(line) << "</li>\n";
  }
  for (const auto& step : f.evidence) out << "<li>evidence: " << html_escape(detail::evidence_text(step)) << "</li>\n";
  if (auto w = detail::waiver_text(f); !w.empty()) out << "<li>waiver: " << html_escape(w) << "</li>\n";
  if (!f.entity.empty()) {
    out << fmt::format("<li>controlled by: {} ({})</li>\n", html_escape(f.entity), html_escape(f.jurisdiction));
  }
  out << "</ul>\n</div>\n";
}

void write_requirements(const core::AuditResult& r, std::ostream& out) {
  out << "<section id=\"requirements\">\n<h2>Requirements</h2>\n";
  for (const auto* q : detail::sorted_requirements(r)) {
    out << fmt::format("<h3>{} / {} ({})</h3>\n<p>{}</p>\n", html_escape(q->policy_id), html_escape(q->id),
                       core::to_string(q->severity), html_escape(q->title));
    if (!q->rationale.empty()) out << "<p>Rationale: " << html_escape(q->rationale) << "</p>\n";
    if (!q->remediation.empty()) out << "<p>Remediation: " << html_escape(q->remediation) << "</p>\n";
    if (q->references.empty()) continue;
    out << "<ul>\n";
    for (const auto& ref : q->references) {
      out << (detail::is_web_url(ref.url)
                  ? fmt::format("<li><a href=\"{}\">{}</a></li>\n", html_escape(ref.url), html_escape(ref.citation))
                  : fmt::format("<li>{}</li>\n", html_escape(ref.citation)));
    }
    out << "</ul>\n";
  }
  out << "</section>\n";
}

void write_tail(const core::AuditResult& r, std::ostream& out) {
  const auto waivers = detail::sorted_waivers(r);
  if (!waivers.empty()) {
    out << "<section id=\"waivers\">\n<h2>Waivers</h2>\n<table><tr><th>id</th><th>state</th><th>requirement</th>"
           "<th>target</th><th>expires</th><th>owner</th><th>matched</th><th>reason</th></tr>\n";
    for (const auto* w : waivers) {
      out << fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
          html_escape(w->id), core::to_string(w->state), html_escape(w->requirement_glob), html_escape(w->target_glob),
          w->expires.to_string(), html_escape(w->owner), w->matched, html_escape(w->reason));
    }
    out << "</table>\n</section>\n";
  }
  if (!r.warnings.empty()) {
    out << "<section id=\"warnings\">\n<h2>Warnings</h2>\n<ul>\n";
    for (const auto& w : r.warnings) out << "<li>" << html_escape(w) << "</li>\n";
    out << "</ul>\n</section>\n";
  }
  out << "<section id=\"sources\">\n<h2>Data sources</h2>\n<ul>\n";
  for (const auto& s : r.sources) {
    out << "<li>" << html_escape(fmt::format("{}: {} ({})", s.kind, s.name, s.version)) << "</li>\n";
  }
  out << "</ul>\n</section>\n";
}

}  // namespace

void write_html(const core::AuditResult& result, std::ostream& out) {
  write_head(result, out);
  write_data_banner(result, out);
  write_summary(result, out);
  for (const auto& policy : detail::policy_ids(result)) write_policy(result, policy, out);
  out << "<section id=\"evidence\">\n<h2>Evidence</h2>\n";
  for (const auto* f : detail::sorted_findings(result)) {
    if (f->verdict != core::Verdict::pass) write_finding(*f, result.explain, out);
  }
  out << "</section>\n";
  write_requirements(result, out);
  write_tail(result, out);
  out << "</body>\n</html>\n";
}

}  // namespace report
