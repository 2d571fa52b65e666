// SARIF 2.1.0 output, following GitHub code scanning's conventions: one run whose
// tool.driver.rules are the requirements (rationale as full description, remediation and
// references as help text and Markdown, the first web reference as helpUri, a
// security-severity from the severity, tags), and one result per fail, unknown or waived finding.
// Unknowns are kind "open" (level "none", as SARIF requires); waived ones carry an accepted
// external suppression whose justification names reason, owner, legal basis and expiry. Each
// result points at the manifest line that declared the target, relative to the repository root
// (%SRCROOT%, declared in originalUriBaseIds), and carries a partial fingerprint from the model
// so code-scanning services track it across runs. Exit code and start time come from the model.
// Written as a stream: one result per line.
#include "core/json_text.hpp"
#include "report/common.hpp"
#include "report/escape.hpp"
#include "report/json_value.hpp"
#include "report/report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

namespace report {

namespace {

using Json = nlohmann::ordered_json;
using detail::clean;

constexpr std::string_view k_information_uri = "https://github.com/residency-audit/residency";

std::string_view level_of(core::Severity s) {
  switch (s) {
    case core::Severity::critical:
    case core::Severity::high:
      return "error";
    case core::Severity::medium:
      return "warning";
    case core::Severity::low:
    case core::Severity::info:
      return "note";
  }
  return "note";
}

// GitHub's security-severity score of a severity (critical 9.5, high 8.0, medium 5.5, low 3.0),
// or empty for info, which GitHub then shows as a plain note.
std::string_view security_severity(core::Severity s) {
  switch (s) {
    case core::Severity::critical:
      return "9.5";
    case core::Severity::high:
      return "8.0";
    case core::Severity::medium:
      return "5.5";
    case core::Severity::low:
      return "3.0";
    case core::Severity::info:
      return "";
  }
  return "";
}

// Rule id of each (policy, requirement): the requirement id, qualified by the policy when two
// policies use the same id (SARIF rule ids must be unique within a run).
std::map<std::pair<std::string, std::string>, std::string> rule_ids(
    const std::vector<const core::RequirementInfo*>& reqs) {
  std::map<std::string, int> uses;
  for (const auto* r : reqs) ++uses[r->id];
  std::map<std::pair<std::string, std::string>, std::string> out;
  for (const auto* r : reqs) out[{r->policy_id, r->id}] = uses[r->id] > 1 ? r->policy_id + "/" + r->id : r->id;
  return out;
}

Json help_json(const core::RequirementInfo& r) {
  std::string text = r.remediation;
  std::string markdown = detail::md_escape(r.remediation);
  for (const auto& ref : r.references) {
    text += fmt::format("\n- {}{}", ref.citation, ref.url.empty() ? "" : " <" + ref.url + ">");
    const bool link = detail::is_web_url(ref.url);
    markdown += link ? fmt::format("\n- [{}]({})", detail::md_escape(ref.citation), detail::md_url(ref.url))
                     : fmt::format("\n- {}", detail::md_escape(ref.citation));
  }
  return Json{{"text", clean(text)}, {"markdown", clean(markdown)}};
}

Json rule_json(const core::RequirementInfo& r, const std::string& id) {
  Json rule{{"id", clean(id)},
            {"name", clean(r.title)},
            {"shortDescription", Json{{"text", clean(r.title.empty() ? r.id : r.title)}}},
            {"fullDescription", Json{{"text", clean(r.rationale.empty() ? r.title : r.rationale)}}},
            {"help", help_json(r)},
            {"defaultConfiguration", Json{{"level", std::string(level_of(r.severity))}}}};
  for (const auto& ref : r.references) {
    if (!detail::is_web_url(ref.url)) continue;
    rule["helpUri"] = clean(ref.url);
    break;
  }
  rule["properties"] = Json{{"severity", std::string(core::to_string(r.severity))},
                            {"policy", clean(r.policy_id)},
                            {"tags", Json::array({"security", "residency", clean(r.policy_id)})}};
  if (auto score = security_severity(r.severity); !score.empty()) {
    rule["properties"]["security-severity"] = std::string(score);
  }
  return rule;
}

// The artifact location of `file` as the model names it: relative to the repository root with
// uriBaseId %SRCROOT% when it lies inside, else an absolute file URI.
Json artifact_json(const core::AuditResult& result, const std::string& file) {
  namespace fs = std::filesystem;
  fs::path path(file);
  if (path.is_relative() && !result.working_dir.empty()) path = fs::path(result.working_dir) / path;
  path = path.lexically_normal();
  if (!result.source_root.empty() && path.is_absolute()) {
    const fs::path rel = path.lexically_relative(fs::path(result.source_root));
    if (!rel.empty() && *rel.begin() != "..") {
      return Json{{"uri", detail::uri_encode_path(rel.generic_string())}, {"uriBaseId", "%SRCROOT%"}};
    }
  }
  if (path.is_absolute()) return Json{{"uri", "file://" + detail::uri_encode_path(path.generic_string())}};
  return Json{{"uri", detail::uri_encode_path(path.generic_string())}, {"uriBaseId", "%SRCROOT%"}};
}

Json location_json(const core::AuditResult& result, const core::Finding& f) {
  const auto* t = result.target(f.target_id);
  if (t == nullptr || t->target.declared_at.file.empty()) {
    // GitHub needs a location: a target without a declaring line points at the run's first input file.
    for (const auto& input : result.inputs) {
      if (input.empty() || input == "-") continue;
      return Json::array({Json{{"physicalLocation", Json{{"artifactLocation", artifact_json(result, input)}}}}});
    }
    return Json::array();
  }
  const auto& at = t->target.declared_at;
  Json artifact = artifact_json(result, at.file);
  Json physical{{"artifactLocation", artifact}};
  if (at.line > 0) {
    physical["region"] = Json{{"startLine", at.line}};
    if (at.column > 0) physical["region"]["startColumn"] = at.column;
  }
  Json location{{"physicalLocation", physical}};
  // A declared cloud resource (a Terraform address) is also named as a logical location.
  if (t->target.kind == core::TargetKind::cloud_resource) {
    location["logicalLocations"] =
        Json::array({Json{{"fullyQualifiedName", clean(t->target.id)}, {"kind", "resource"}}});
  }
  return Json::array({location});
}

// Why a waived finding is suppressed: the waiver's reason, owner, legal basis and expiry.
std::string justification(const core::AuditResult& result, const core::Finding& f) {
  for (const auto& w : result.waivers) {
    if (w.id != f.waiver_id) continue;
    return fmt::format("Waiver {}: {} Owner: {}. Legal basis: {}. Expires {}.", w.id,
                       w.reason.ends_with('.') || w.reason.empty() ? w.reason : w.reason + ".",
                       w.owner.empty() ? "(none given)" : w.owner,
                       w.legal_basis.empty() ? "(none given)" : w.legal_basis, w.expires.to_string());
  }
  return f.waiver_note.empty() ? "waiver " + f.waiver_id : f.waiver_note;
}

Json result_json(const core::AuditResult& result, const core::Finding& f, const std::string& rule_id, int index) {
  std::string text = fmt::format("{}: {}", f.target_id, f.message);
  if (f.verdict == core::Verdict::unknown) text = "Unknown: " + text;
  if (!text.ends_with('.')) text += '.';
  Json out{{"ruleId", clean(rule_id)}, {"ruleIndex", index}};
  // SARIF: a result whose kind is not "fail" has level "none".
  if (f.verdict == core::Verdict::unknown) {
    out["kind"] = "open";
    out["level"] = "none";
  } else {
    out["kind"] = "fail";
    out["level"] = std::string(level_of(f.severity));
  }
  out["message"] = Json{{"text", clean(text)}};
  out["locations"] = location_json(result, f);
  out["partialFingerprints"] = Json{{"residency/v1", clean(f.fingerprint)}};
  if (f.verdict == core::Verdict::waived) {
    out["suppressions"] = Json::array(
        {Json{{"kind", "external"}, {"status", "accepted"}, {"justification", clean(justification(result, f))}}});
  }
  out["properties"] = Json{{"target", clean(f.target_id)},
                           {"policy", clean(f.policy_id)},
                           {"severity", std::string(core::to_string(f.severity))},
                           {"verdict", std::string(core::to_string(f.verdict))},
                           {"counts_as_failure", f.counts_as_failure},
                           {"explanation", Json::array()}};
  if (result.explain) {
    for (const auto& line : f.explanation) out["properties"]["explanation"].push_back(clean(line));
  }
  return out;
}

Json invocation_json(const core::AuditResult& r) {
  Json inv{{"executionSuccessful", r.exit_code != 2}, {"exitCode", r.exit_code}};
  if (!r.started_at.empty()) inv["startTimeUtc"] = clean(r.started_at);
  if (!r.host.empty()) inv["machine"] = clean(r.host);
  inv["properties"] = Json{{"as_of", r.as_of.to_string()}};
  // The manifest's metadata, when it gives any (docs/manifest.md).
  for (const auto& [name, value] :
       {std::pair{"organisation", &r.organisation}, std::pair{"auditor", &r.auditor}, std::pair{"scope", &r.scope}}) {
    if (!value->empty()) inv["properties"][name] = clean(*value);
  }
  // One note per data source (its date and age), then the warnings (certifications that lapse
  // soon or lapsed, waivers, missing data, data older than --max-data-age) as notifications.
  Json notes = Json::array();
  for (const auto& s : r.data_sources) {
    notes.push_back(Json{{"level", "note"},
                         {"message", Json{{"text", clean(detail::data_source_text(r, s))}}},
                         {"descriptor", Json{{"id", "residency/data-source"}}}});
  }
  for (const auto& a : detail::data_attributions(r)) {
    notes.push_back(Json{{"level", "note"},
                         {"message", Json{{"text", clean("Attribution: " + a)}}},
                         {"descriptor", Json{{"id", "residency/data-attribution"}}}});
  }
  for (const auto& w : r.warnings) {
    notes.push_back(Json{{"level", "warning"}, {"message", Json{{"text", clean(w)}}}});
  }
  if (!notes.empty()) inv["toolExecutionNotifications"] = notes;
  return inv;
}

Json run_properties(const core::AuditResult& r) {
  Json sources = Json::array();
  for (const auto& s : r.data_sources) sources.push_back(detail::data_source_json(s));
  return Json{{"data_sources", std::move(sources)},
              {"data_age", clean(detail::data_age_summary(r))},
              {"max_data_age_days", r.max_data_age_days}};
}

}  // namespace

void write_sarif(const core::AuditResult& result, std::ostream& out) {
  const auto reqs = detail::sorted_requirements(result);
  const auto ids = rule_ids(reqs);
  Json rules = Json::array();
  std::map<std::pair<std::string, std::string>, int> index;
  for (const auto* r : reqs) {
    index[{r->policy_id, r->id}] = static_cast<int>(rules.size());
    rules.push_back(rule_json(*r, ids.at({r->policy_id, r->id})));
  }
  Json driver{{"name", "residency"},
              {"version", clean(result.tool_version)},
              {"informationUri", std::string(k_information_uri)},
              {"rules", rules}};
  // Streamed: the document's frame by hand, each result dumped on its own line as soon as it is
  // built, so a report of 100,000 findings never exists as one document tree.
  out << "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n"
      << "  \"runs\": [\n    {\n"
      << "      \"tool\": " << core::dump_json(Json{{"driver", driver}}, -1) << ",\n"
      << "      \"invocations\": " << core::dump_json(Json::array({invocation_json(result)}), -1) << ",\n";
  if (!result.source_root.empty()) {
    std::string root = detail::uri_encode_path(std::filesystem::path(result.source_root).generic_string());
    if (!root.ends_with('/')) root += '/';
    out << "      \"originalUriBaseIds\": " << core::dump_json(Json{{"%SRCROOT%", Json{{"uri", "file://" + root}}}}, -1)
        << ",\n";
  }
  out << "      \"results\": [";
  bool first = true;
  for (const auto* f : detail::sorted_findings(result)) {
    if (f->verdict == core::Verdict::pass) continue;
    const auto key = std::make_pair(f->policy_id, f->requirement_id);
    auto it = index.find(key);
    Json res = result_json(result, *f, it == index.end() ? f->requirement_id : ids.at(key),
                           it == index.end() ? -1 : it->second);
    if (it == index.end()) res.erase("ruleIndex");
    out << (first ? "\n        " : ",\n        ") << core::dump_json(res, -1);
    first = false;
  }
  out << (first ? "],\n" : "\n      ],\n");
  out << "      \"properties\": " << core::dump_json(run_properties(result), -1) << "\n    }\n  ]\n}\n";
}

}  // namespace report
