// Internal to lib/report: the orderings and phrases every renderer shares, so all formats list
// the same findings in the same order and state the same counts.
#pragma once

#include "core/audit_result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace report::detail {

// Findings sorted by (target, policy, requirement); the model's order is not trusted.
std::vector<const core::Finding*> sorted_findings(const core::AuditResult& result);
// Requirements sorted by (policy, id).
std::vector<const core::RequirementInfo*> sorted_requirements(const core::AuditResult& result);
// Waivers sorted by id.
std::vector<const core::WaiverInfo*> sorted_waivers(const core::AuditResult& result);
// Policy ids: the run's policies plus any named by a finding, sorted and unique.
std::vector<std::string> policy_ids(const core::AuditResult& result);
// "12 findings: 3 pass, 4 fail, 2 unknown, 3 waived" (every human format prints this line).
std::string summary_line(const core::Counts& counts);
// What the run's exit code means, in one sentence.
std::string exit_meaning(const core::AuditResult& result);
// One evidence step as "kind: subject → value (method, confidence, source)", not escaped.
std::string evidence_text(const core::EvidenceStep& step);
// "Started 2026-11-30T05:00:00Z on host, as of 2026-11-30", not escaped.
std::string run_line(const core::AuditResult& result);
// ASCII upper-case copy ("FAIL").
std::string to_upper(std::string_view s);
// With --baseline, what the baseline did: "2 new failures (24 known in the baseline);
// 1 new unknown (3 known)"; empty without a baseline.
std::string baseline_line(const core::AuditResult& result);
// "new" or "known" for a failure or unknown judged against a baseline, else empty.
std::string_view baseline_mark(const core::Finding& finding);
// The --fail-on threshold as the user wrote it: "none" or a severity.
std::string fail_on_text(const core::AuditResult& result);
// The worst verdict among `findings` (fail, then unknown, waived, pass), or nullopt when empty.
std::optional<core::Verdict> worst_verdict(const std::vector<const core::Finding*>& findings);
// The waiver text of a finding ("waived by W1: …", "waiver W2 expired on …"), or empty.
std::string waiver_text(const core::Finding& finding);
// One data source with its date and its age on the as-of date, not escaped:
// "providers.mmdb: AWS ip-ranges.json of 2026-08-22, 100 days old, older than --max-data-age 90",
// "providers.mmdb: Fastly public-ip-list, undated (its age is unknown)".
std::string data_source_text(const core::AuditResult& result, const core::DataSource& source);
// "11 data sources, aged on 2026-11-30: 7 older than --max-data-age 90, 4 undated" (every
// format's banner), not escaped.
std::string data_age_summary(const core::AuditResult& result);
// The credits the data's licences require (CC BY 4.0 for the ASN and country data), one per
// database and text, in data-source order, not escaped:
// "asn.mmdb, CC BY 4.0 (RouteViews, DB-IP, NRO): IP to ASN data by RouteViews …".
std::vector<std::string> data_attributions(const core::AuditResult& result);

}  // namespace report::detail
