// JUnit XML in the Ant/Jenkins schema (../shared/schemas/junit.xsd in tests): a <testsuites> root with
// one <testsuite> per policy and one <testcase> per (target, requirement), classname = policy,
// name = "target :: requirement". fail → <failure>, an unknown that counts → <error>, an unknown
// that does not count → <skipped>, waived → <skipped message="waived: …">. Timestamp and
// hostname come from the model (the schema wants a timestamp without a zone, in UTC).
#include "report/common.hpp"
#include "report/escape.hpp"
#include "report/report.hpp"

#include <fmt/format.h>

namespace report {

namespace {

using detail::xml_escape;

struct SuiteCounts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
};

// "2026-11-30T05:00:00Z" → "2026-11-30T05:00:00"; a missing or odd start time → the as-of date.
std::string junit_timestamp(const core::AuditResult& r) {
  std::string t = r.started_at.substr(0, 19);
  const bool ok = t.size() == 19 && t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':' && t[16] == ':';
  return ok ? t : r.as_of.to_string() + "T00:00:00";
}

SuiteCounts count(const std::vector<const core::Finding*>& findings) {
  SuiteCounts c;
  for (const auto* f : findings) {
    ++c.tests;
    if (f->verdict == core::Verdict::fail) ++c.failures;
    if (f->verdict == core::Verdict::unknown && f->counts_as_failure) ++c.errors;
    if (f->verdict == core::Verdict::waived || (f->verdict == core::Verdict::unknown && !f->counts_as_failure)) {
      ++c.skipped;
    }
  }
  return c;
}

// The body of a failure/error element: message, explanation and evidence, one per line.
std::string details(const core::AuditResult& r, const core::Finding& f) {
  std::string body = f.message.str() + "\n";
  if (r.explain) {
    for (const auto& line : f.explanation) body += "why: " + line + "\n";
  }
  const auto evidence = r.evidence_of(f);
  for (const auto& step : *evidence) body += "evidence: " + detail::evidence_text(step) + "\n";
  return xml_escape(body);
}

void write_outcome(const core::AuditResult& r, const core::Finding& f, std::ostream& out) {
  const std::string message = xml_escape(detail::one_line(f.message));
  switch (f.verdict) {
    case core::Verdict::pass:
      break;
    case core::Verdict::fail:
      out << fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", message,
                         core::to_string(f.severity), details(r, f));
      break;
    case core::Verdict::unknown:
      if (f.counts_as_failure) {
        out << fmt::format("      <error message=\"{}\" type=\"unknown\">{}</error>\n", message, details(r, f));
      } else {
        out << fmt::format("      <skipped message=\"unknown (not counted): {}\"/>\n", message);
      }
      break;
    case core::Verdict::waived:
      out << fmt::format("      <skipped message=\"waived: {}\"/>\n",
                         xml_escape(detail::one_line(detail::waiver_text(f))));
      break;
  }
}

void write_testcase(const core::AuditResult& r, const core::Finding& f, std::ostream& out) {
  out << fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"0\"",
                     xml_escape(detail::one_line(f.target_id + " :: " + f.requirement_id.str())),
                     xml_escape(detail::one_line(f.policy_id)));
  if (f.verdict == core::Verdict::pass) {
    out << "/>\n";
    return;
  }
  out << ">\n";
  write_outcome(r, f, out);
  out << "    </testcase>\n";
}

void write_properties(const core::AuditResult& r, std::ostream& out) {
  out << "    <properties>\n";
  const std::pair<std::string_view, std::string> props[] = {{"as_of", r.as_of.to_string()},
                                                            {"tool_version", r.tool_version},
                                                            {"started_at", r.started_at},
                                                            {"exit_code", std::to_string(r.exit_code)},
                                                            {"fail_on", detail::fail_on_text(r)}};
  for (const auto& [name, value] : props) {
    out << fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, xml_escape(value));
  }
  // The manifest's metadata, when it gives any (docs/manifest.md).
  const std::pair<std::string_view, const std::string*> metadata[] = {
      {"organisation", &r.organisation}, {"auditor", &r.auditor}, {"scope", &r.scope}};
  for (const auto& [name, value] : metadata) {
    if (value->empty()) continue;
    out << fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, xml_escape(*value));
  }
  out << fmt::format("      <property name=\"data_age\" value=\"{}\"/>\n",
                     xml_escape(detail::one_line(detail::data_age_summary(r))));
  for (std::size_t i = 0; i < r.data_sources.size(); ++i) {
    out << fmt::format("      <property name=\"data_source.{}\" value=\"{}\"/>\n", i + 1,
                       xml_escape(detail::one_line(detail::data_source_text(r, r.data_sources[i]))));
  }
  const auto attributions = detail::data_attributions(r);
  for (std::size_t i = 0; i < attributions.size(); ++i) {
    out << fmt::format("      <property name=\"attribution.{}\" value=\"{}\"/>\n", i + 1,
                       xml_escape(detail::one_line(attributions[i])));
  }
  out << "    </properties>\n";
}

void write_suite(const core::AuditResult& r, const std::string& policy, int id, std::ostream& out) {
  std::vector<const core::Finding*> findings;
  for (const auto* f : detail::sorted_findings(r)) {
    if (f->policy_id == policy) findings.push_back(f);
  }
  const SuiteCounts c = count(findings);
  const std::string name = xml_escape(detail::one_line(policy.empty() ? "(no policy)" : policy));
  const std::string host = r.host.empty() ? "localhost" : r.host;
  out << fmt::format(
      "  <testsuite name=\"{}\" package=\"{}\" id=\"{}\" timestamp=\"{}\" hostname=\"{}\" tests=\"{}\" "
      "failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\">\n",
      name, name, id, junit_timestamp(r), xml_escape(detail::one_line(host)), c.tests, c.failures, c.errors, c.skipped);
  write_properties(r, out);
  for (const auto* f : findings) write_testcase(r, *f, out);
  // Warnings (certifications that lapse soon or lapsed, waivers, missing data) as the suite's output.
  if (r.warnings.empty()) {
    out << "    <system-out/>\n";
  } else {
    out << "    <system-out>";
    for (const auto& w : r.warnings) out << xml_escape("warning: " + detail::one_line(w)) << "\n";
    out << "</system-out>\n";
  }
  out << "    <system-err/>\n  </testsuite>\n";
}

}  // namespace

void write_junit(const core::AuditResult& result, std::ostream& out) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  int id = 0;
  for (const auto& policy : detail::policy_ids(result)) write_suite(result, policy, id++, out);
  out << "</testsuites>\n";
}

}  // namespace report
