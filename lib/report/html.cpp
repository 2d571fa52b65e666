// The HTML report: one self-contained page (inline CSS, inline SVG and one inline script; no
// fonts, no external assets; legal references are plain links, and only http(s) ones). From the
// top: the summary; the picture of where targets are served against who controls them; one
// verdict bar per policy with its pass percentage; the findings, one collapsible table per
// policy, with filters by verdict, policy and severity; one collapsible section per target with
// its findings and evidence chain; requirements, waivers, warnings and sources.
// Built for 100,000 findings: findings are grouped by target and policy in one pass, sections
// holding many rows start collapsed, and the script touches each row once per filter change.
// Without the script (or when printed) the page is the full list: the filters stay hidden,
// filtered-out rows show in print, and printing opens every collapsed section.
// Every string from the model goes through html_escape(); data handed to the script is JSON
// with '<' written as \u003c.
#include "core/json_text.hpp"
#include "report/common.hpp"
#include "report/escape.hpp"
#include "report/html_parts.hpp"
#include "report/report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <map>
#include <string_view>

namespace report {

namespace {

using detail::html_escape;
using detail::TargetView;

// A section holding more rows than this starts collapsed.
constexpr std::size_t k_open_rows = 500;

constexpr std::string_view k_style = R"(body{font-family:system-ui,sans-serif;margin:2em;color:#1a1a1a;max-width:80em}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}h4{margin:.6em 0 .2em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}.summary{font-size:1.15em;font-weight:bold}.muted{color:#555}
.v-fail{color:#fff;background:#b00020}.v-unknown{background:#f5c000}.v-waived{background:#9ad0f5}.v-pass{background:#b7e4b7}
.verdict{font-weight:bold;padding:.1em .4em;border-radius:.2em}.base{font-size:.85em;border:1px solid #888;border-radius:.2em;padding:0 .3em}
details{margin:.4em 0}summary{cursor:pointer;font-weight:bold}details.target{border-left:4px solid #999;padding:.1em .8em}
details.target.w-fail{border-color:#b00020}details.target.w-unknown{border-color:#f5c000}details.target.w-waived{border-color:#4a9fd8}details.target.w-pass{border-color:#5cb85c}
ul,ol{margin:.2em 0}.filters{margin:.6em 0;padding:.5em;background:#f6f6f6;border:1px solid #ddd}.filters label{margin-right:1em}
.banner{border:1px solid #ccc;background:#fafafa;padding:.2em .8em;margin:.8em 0}.stale{color:#8a4b00;font-weight:bold}
#placement-svg{max-width:100%;height:auto}#placement-svg text{font-size:12px}#placement-svg .axis{font-weight:bold;text-anchor:middle}
#placement-svg .row{text-anchor:end}#placement-svg .axis-title{font-style:italic;fill:#555}#placement-svg .n{text-anchor:end;fill:#555}
#placement-svg .more{fill:#555;font-style:italic}#placement-svg .cc{fill:#555}#placement-svg a text{fill:#0b4f9c}
.q{fill:#f4f4f4;stroke:#bbb}.q-eea-eu{fill:#e8f5e8}.dot{stroke:#333;stroke-width:.5}
.d-fail,.b-fail{fill:#b00020}.d-unknown,.b-unknown{fill:#f5c000}.d-waived,.b-waived{fill:#4a9fd8}.d-pass,.b-pass{fill:#5cb85c}.d-none,.b-none{fill:#ddd}
.bar{vertical-align:middle;border:1px solid #999}
@media screen{.f-out{display:none}}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}tr{break-inside:avoid}a{color:inherit}.filters,#filter-status{display:none}
.v-fail,.v-unknown,.v-waived,.v-pass,.q,.dot,.bar rect{-webkit-print-color-adjust:exact;print-color-adjust:exact}})";

// The filters: read the option lists from the JSON data block, hide rows that do not match (one
// pass over the rows), open the sections that hold matches, and open every section to print.
constexpr std::string_view k_script = R"js((function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var form = document.getElementById("filters");
  var status = document.getElementById("filter-status");
  var fields = {verdict: form.elements.verdict, policy: form.elements.policy, severity: form.elements.severity};
  Object.keys(fields).forEach(function (key) {
    data[key].forEach(function (value) { fields[key].add(new Option(value, value)); });
  });
  var groups = Array.prototype.map.call(document.querySelectorAll("#findings details.policy"), function (section) {
    return {section: section, policy: section.getAttribute("data-p"), rows: section.querySelectorAll("tr[data-v]")};
  });
  var total = groups.reduce(function (n, g) { return n + g.rows.length; }, 0);
  function apply() {
    var v = fields.verdict.value, p = fields.policy.value, s = fields.severity.value, shown = 0;
    groups.forEach(function (g) {
      var count = 0, inPolicy = !p || g.policy === p;
      for (var i = 0; i < g.rows.length; i++) {
        var row = g.rows[i];
        var match = inPolicy && (!v || row.getAttribute("data-v") === v) && (!s || row.getAttribute("data-s") === s);
        row.classList.toggle("f-out", !match);
        if (match) count++;
      }
      g.section.classList.toggle("f-out", count === 0);
      if ((v || p || s) && count > 0) g.section.open = true;
      shown += count;
    });
    status.textContent = v || p || s ? "Showing " + shown + " of " + total + " findings." : "Showing all " + total + " findings.";
  }
  form.addEventListener("change", apply);
  form.addEventListener("reset", function (event) {
    event.preventDefault();
    Object.keys(fields).forEach(function (key) { fields[key].value = ""; });
    apply();
  });
  status.textContent = "Showing all " + total + " findings.";
  form.hidden = false;
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.setAttribute("data-print-opened", ""); d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-print-opened]").forEach(function (d) { d.removeAttribute("data-print-opened"); d.open = false; });
  });
})();)js";

std::string verdict_badge(core::Verdict v) {
  return fmt::format("<span class=\"verdict v-{0}\">{0}</span>", core::to_string(v));
}

// "new" or "known" beside a verdict judged against a baseline.
std::string base_badge(const core::Finding& f) {
  const auto mark = detail::baseline_mark(f);
  return mark.empty() ? std::string() : fmt::format(" <span class=\"base\">{}</span>", mark);
}

// Everything the page needs, indexed once: findings by target and by policy, requirements by key.
class Page {
 public:
  explicit Page(const core::AuditResult& r) : m_r(r) {
    std::map<std::string_view, TargetView> by_id;  // pooled ids (core::intern)
    r.for_each_target([&](const core::TargetReport& t) {
      TargetView& view = by_id[core::intern(t.target.id)];  // a pooled copy: `t` may be read back for this call only
      view.has_report = true;
      view.placement = t.placement;
    });
    for (const auto* f : detail::sorted_findings(r)) {
      by_id[f->target_id.view()].findings.push_back(f);
      m_by_policy[f->policy_id.str()].push_back(f);
    }
    for (const auto* q : detail::sorted_requirements(r)) m_requirements.emplace(std::pair{q->policy_id, q->id}, q);
    m_views.reserve(by_id.size());
    for (auto& [id, view] : by_id) {
      view.id = id;
      view.anchor = fmt::format("t-{}", m_views.size());
      view.worst = detail::worst_verdict(view.findings);
      m_index.emplace(id, m_views.size());
      m_views.push_back(std::move(view));
    }
  }

  void write(std::ostream& out) const {
    write_head(out);
    write_data_banner(out);
    write_summary(out);
    write_picture(out);
    write_policies(out);
    write_findings(out);
    write_targets(out);
    write_requirements(out);
    write_tail(out);
    write_script(out);
    out << "</body>\n</html>\n";
  }

 private:
  const core::RequirementInfo* requirement(const core::Finding& f) const {
    auto it = m_requirements.find(std::pair{f.policy_id.str(), f.requirement_id.str()});
    return it == m_requirements.end() ? nullptr : it->second;
  }

  std::string target_link(const std::string& id) const {
    auto it = m_index.find(id);
    if (it == m_index.end()) return html_escape(id);
    return fmt::format("<a href=\"#{}\">{}</a>", m_views[it->second].anchor, html_escape(id));
  }

  void write_head(std::ostream& out) const {
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        << "<title>residency audit report</title>\n<style>\n"
        << k_style << "\n</style>\n</head>\n<body>\n"
        << "<h1>residency audit report</h1>\n<p class=\"muted\">" << html_escape(detail::run_line(m_r)) << "</p>\n";
    if (!m_r.organisation.empty() || !m_r.auditor.empty() || !m_r.scope.empty()) {
      out << fmt::format("<p id=\"metadata\">Organisation: {} · auditor: {} · scope: {}</p>\n",
                         html_escape(m_r.organisation), html_escape(m_r.auditor), html_escape(m_r.scope));
    }
    out << "<p class=\"muted\"><a href=\"#picture\">Picture</a> · <a href=\"#policies\">Policies</a> · "
           "<a href=\"#findings\">Findings</a> · <a href=\"#targets\">Targets</a> · <a href=\"#requirements\">"
           "Requirements</a> · <a href=\"#sources\">Sources</a></p>\n";
  }

  // The data banner: every data source with its date and its age on the as-of date.
  void write_data_banner(std::ostream& out) const {
    out << "<section id=\"data-sources\" class=\"banner\">\n<p><strong>Data sources:</strong> "
        << html_escape(detail::data_age_summary(m_r)) << "</p>\n<ul>\n";
    for (const auto& s : m_r.data_sources) {
      out << (s.stale ? "<li class=\"stale\">" : "<li>") << html_escape(detail::data_source_text(m_r, s)) << "</li>\n";
    }
    out << "</ul>\n";
    for (const auto& a : detail::data_attributions(m_r))
      out << "<p class=\"attribution\">Attribution: " << html_escape(a) << "</p>\n";
    out << "</section>\n";
  }

  void write_summary(std::ostream& out) const {
    const core::Counts c = m_r.counts();
    out << "<section id=\"summary\">\n<h2>Summary</h2>\n"
        << "<p class=\"summary\" id=\"summary-line\">Summary: " << detail::summary_line(c) << "</p>\n"
        << (m_r.baseline_used
                ? "<p id=\"baseline-line\">Baseline: " + html_escape(detail::baseline_line(m_r)) + "</p>\n"
                : "")
        << "<p id=\"result-line\">Result: " << html_escape(detail::exit_meaning(m_r)) << "</p>\n"
        << "<table class=\"counts\"><tr><th>fail</th><th>unknown</th><th>waived</th><th>pass</th><th>total</th></tr>\n"
        << fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></table>\n", c.fail, c.unknown,
                       c.waived, c.pass, c.total())
        << "</section>\n";
  }

  void write_picture(std::ostream& out) const {
    out << "<section id=\"picture\">\n<h2>Where served × who controls</h2>\n"
        << "<p>Each target is placed by where it is served from and by the countries of the companies that "
           "control it. Geography is not jurisdiction: a target served in the EEA by a company controlled from "
           "outside the EU is reachable by that country's laws. Dots show each target's worst verdict.</p>\n";
    detail::write_placement_svg(m_views, out);
    out << "</section>\n";
  }

  void write_policies(std::ostream& out) const {
    out << "<section id=\"policies\">\n<h2>Policies</h2>\n<table class=\"policies\"><tr><th>policy</th><th>verdicts"
           "</th><th>pass</th><th>fail</th><th>unknown</th><th>waived</th><th>total</th></tr>\n";
    for (const auto& policy : detail::policy_ids(m_r)) {
      const core::Counts c = m_r.counts_for_policy(policy);
      out << fmt::format("<tr data-p=\"{}\"><td>{}</td><td>", html_escape(policy), html_escape(policy));
      detail::write_counts_bar(c, out);
      const auto pct = c.pass_percent();
      out << fmt::format(
          " <span class=\"pct\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
          pct ? fmt::format("{}% pass", *pct) : "no finding", c.pass, c.fail, c.unknown, c.waived, c.total());
    }
    out << "</table>\n<p class=\"muted\">The percentage counts passes among all findings of the policy, rounded "
           "down; waived findings are not passes.</p>\n</section>\n";
  }

  void write_findings(std::ostream& out) const {
    out << "<section id=\"findings\">\n<h2>Findings</h2>\n"
        << "<form id=\"filters\" class=\"filters\" hidden><label>Verdict <select name=\"verdict\"><option value=\"\">"
           "any</option></select></label><label>Policy <select name=\"policy\"><option value=\"\">any</option></select>"
           "</label><label>Severity <select name=\"severity\"><option value=\"\">any</option></select></label>"
           "<button type=\"reset\">Show all</button></form>\n<p id=\"filter-status\" class=\"muted\"></p>\n";
    for (const auto& policy : detail::policy_ids(m_r)) {
      auto it = m_by_policy.find(policy);
      const std::size_t rows = it == m_by_policy.end() ? 0 : it->second.size();
      const core::Counts c = m_r.counts_for_policy(policy);
      out << fmt::format("<details class=\"policy\" data-p=\"{}\"{}>\n<summary>Policy {}: {}</summary>\n",
                         html_escape(policy), rows <= k_open_rows ? " open" : "", html_escape(policy),
                         detail::summary_line(c))
          << "<table><tr><th>verdict</th><th>severity</th><th>target</th><th>requirement</th><th>finding</th></tr>\n";
      if (it != m_by_policy.end()) {
        for (const auto* f : it->second) write_row(*f, out);
      }
      out << "</table>\n</details>\n";
    }
    out << "</section>\n";
  }

  void write_row(const core::Finding& f, std::ostream& out) const {
    std::string title = html_escape(f.requirement_id);
    if (const auto* req = requirement(f); req != nullptr && !req->title.empty())
      title += " — " + html_escape(req->title);
    std::string message = html_escape(f.message);
    if (auto w = detail::waiver_text(f); !w.empty())
      message += "<br><span class=\"muted\">" + html_escape(w) + "</span>";
    out << fmt::format(
        "<tr data-v=\"{0}\" data-s=\"{1}\"><td>{2}</td><td>{1}</td><td>{3}</td><td>{4}</td><td>{5}</td></tr>\n",
        core::to_string(f.verdict), core::to_string(f.severity), verdict_badge(f.verdict) + base_badge(f),
        target_link(f.target_id.str()), title, message);
  }

  void write_targets(std::ostream& out) const {
    out << fmt::format("<section id=\"targets\">\n<h2>Targets ({})</h2>\n", m_views.size());
    for (const auto& view : m_views) write_target(view, out);
    out << "</section>\n";
  }

  void write_target(const TargetView& view, std::ostream& out) const {
    const std::string worst = view.worst ? std::string(core::to_string(*view.worst)) : "none";
    out << fmt::format("<details class=\"target w-{}\" id=\"{}\">\n<summary>{} {}", worst, view.anchor,
                       view.worst ? verdict_badge(*view.worst) : std::string(), html_escape(view.id));
    const auto report = view.has_report ? m_r.target(view.id) : nullptr;
    if (report != nullptr) {
      const auto& p = report->placement;
      out << fmt::format(" — served {}, controlled from {}", detail::served_words(p.served),
                         detail::control_words(p.control));
    }
    out << "</summary>\n";
    if (report != nullptr) write_target_facts(*report, out);
    out << "<h4>Findings</h4>\n<ul>\n";
    for (const auto* f : view.findings) {
      out << fmt::format("<li>{} {} / {}: {}", verdict_badge(f->verdict), html_escape(f->policy_id),
                         html_escape(f->requirement_id), html_escape(f->message));
      if (auto w = detail::waiver_text(*f); !w.empty())
        out << " <span class=\"muted\">(" << html_escape(w) << ")</span>";
      if (m_r.explain && !f->explanation.empty()) {
        out << "<ul>\n";
        for (const auto& line : f->explanation) out << "<li>why: " << html_escape(line) << "</li>\n";
        out << "</ul>";
      }
      out << "</li>\n";
    }
    out << "</ul>\n";
    if (report != nullptr && !report->evidence.empty()) {
      out << "<h4>Evidence chain</h4>\n";
      write_evidence(report->evidence, out);
    }
    out << "</details>\n";
  }

  static void write_target_facts(const core::TargetReport& t, std::ostream& out) {
    out << fmt::format("<p>{} <code>{}</code>", core::to_string(t.target.kind), html_escape(t.target.value));
    if (!t.target.declared_at.file.empty()) {
      out << fmt::format(", declared at {}", html_escape(t.target.declared_at.to_string()));
    }
    out << "</p>\n"
        << fmt::format("<p class=\"place\">Served {} ({}); controlled from {} ({}).</p>\n",
                       detail::served_words(t.placement.served), html_escape(t.placement.served_note),
                       detail::control_words(t.placement.control), html_escape(t.placement.control_note));
  }

  static void write_evidence(const core::Evidence& evidence, std::ostream& out) {
    if (evidence.empty()) return;
    out << "<ol class=\"evidence\">\n";
    for (const auto& step : evidence) out << "<li>evidence: " << html_escape(detail::evidence_text(step)) << "</li>\n";
    out << "</ol>\n";
  }

  void write_requirements(std::ostream& out) const {
    out << "<section id=\"requirements\">\n<h2>Requirements</h2>\n";
    for (const auto* q : detail::sorted_requirements(m_r)) {
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

  void write_tail(std::ostream& out) const {
    const auto waivers = detail::sorted_waivers(m_r);
    if (!waivers.empty()) {
      out << "<section id=\"waivers\">\n<h2>Waivers</h2>\n<table><tr><th>id</th><th>state</th><th>requirement</th>"
             "<th>target</th><th>expires</th><th>owner</th><th>legal basis</th><th>matched</th><th>reason</th></tr>\n";
      for (const auto* w : waivers) {
        out << fmt::format(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            "</tr>\n",
            html_escape(w->id), core::to_string(w->state), html_escape(w->requirement_glob),
            html_escape(w->target_glob), w->expires.to_string(), html_escape(w->owner), html_escape(w->legal_basis),
            w->matched, html_escape(w->reason));
      }
      out << "</table>\n</section>\n";
    }
    if (!m_r.warnings.empty()) {
      out << fmt::format("<details id=\"warnings\"{}>\n<summary>Warnings ({})</summary>\n<ul>\n",
                         m_r.warnings.size() <= k_open_rows ? " open" : "", m_r.warnings.size());
      for (const auto& w : m_r.warnings) out << "<li>" << html_escape(w) << "</li>\n";
      out << "</ul>\n</details>\n";
    }
    out << "<section id=\"sources\">\n<h2>Data sources</h2>\n<ul>\n";
    for (const auto& s : m_r.sources) {
      out << "<li>" << html_escape(fmt::format("{}: {} ({})", s.kind, s.name, s.version)) << "</li>\n";
    }
    out << "</ul>\n</section>\n";
  }

  void write_script(std::ostream& out) const {
    nlohmann::ordered_json data{{"verdict", {"fail", "unknown", "waived", "pass"}},
                                {"policy", nlohmann::ordered_json::array()},
                                {"severity", {"critical", "high", "medium", "low", "info"}}};
    for (const auto& policy : detail::policy_ids(m_r)) data["policy"].push_back(detail::clean(policy));
    out << "<script type=\"application/json\" id=\"report-data\">"
        << detail::script_safe_json(core::dump_json(data, -1)) << "</script>\n<script>\n"
        << k_script << "\n</script>\n";
  }

  const core::AuditResult& m_r;
  std::vector<TargetView> m_views;             // every target, in id order, with anchors
  std::map<std::string, std::size_t> m_index;  // target id → position in m_views
  std::map<std::string, std::vector<const core::Finding*>> m_by_policy;
  std::map<std::pair<std::string, std::string>, const core::RequirementInfo*> m_requirements;
};

}  // namespace

void write_html(const core::AuditResult& result, std::ostream& out) { Page(result).write(out); }

}  // namespace report
