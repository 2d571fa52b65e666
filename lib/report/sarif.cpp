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
#include "report/json_writer.hpp"
#include "report/report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <unordered_map>

namespace report {

namespace {

using Json = nlohmann::ordered_json;
using detail::clean;
using detail::Object;

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

// The `locations` of each result as JSON text. Artifact locations are worked out once per file:
// the path arithmetic, done again for each of 160,000 results, was the SARIF writer's largest cost.
class Locations {
 public:
  explicit Locations(const core::AuditResult& result) : m_result(result) {
    // GitHub needs a location: a target without a declaring line points at the run's first input file.
    m_fallback = "[";
    for (const auto& input : result.inputs) {
      if (input.empty() || input == "-") continue;
      Object location(m_fallback);
      Object physical(location.value("physicalLocation"));
      physical.value("artifactLocation") += artifact(input);
      break;
    }
    m_fallback += ']';
  }

  // The locations of `f`'s target: the line that declared it, and for a declared cloud resource
  // (a Terraform address) also a logical location.
  void write(const core::Finding& f, std::string& out) {
    const auto t = m_result.target(f.target_id);
    if (t == nullptr || t->target.declared_at.file.empty()) {
      out += m_fallback;
      return;
    }
    const auto& at = t->target.declared_at;
    out += '[';
    {
      Object location(out);
      {
        Object physical(location.value("physicalLocation"));
        physical.value("artifactLocation") += artifact(at.file);
        if (at.line > 0) {
          Object region(physical.value("region"));
          region.integer("startLine", at.line);
          if (at.column > 0) region.integer("startColumn", at.column);
        }
      }
      if (t->target.kind == core::TargetKind::cloud_resource) {
        std::string& logical = location.value("logicalLocations");
        logical += '[';
        Object(logical).str("fullyQualifiedName", t->target.id).word("kind", "resource");
        logical += ']';
      }
    }
    out += ']';
  }

 private:
  const std::string& artifact(const std::string& file) {
    auto [it, added] = m_artifacts.try_emplace(file);
    if (added) it->second = core::dump_json(artifact_json(m_result, file), -1);
    return it->second;
  }

  const core::AuditResult& m_result;
  std::unordered_map<std::string, std::string> m_artifacts;  // file → its artifactLocation
  std::string m_fallback;
};

// Why a waived finding is suppressed: the waiver's reason, owner, legal basis and expiry.
std::string justification(const core::AuditResult& result, const core::Finding& f) {
  for (const auto& w : result.waivers) {
    if (w.id != f.waiver_id) continue;
    return fmt::format("Waiver {}: {} Owner: {}. Legal basis: {}. Expires {}.", w.id,
                       w.reason.ends_with('.') || w.reason.empty() ? w.reason : w.reason + ".",
                       w.owner.empty() ? "(none given)" : w.owner,
                       w.legal_basis.empty() ? "(none given)" : w.legal_basis, w.expires.to_string());
  }
  return f.waiver_note.empty() ? "waiver " + f.waiver_id.str() : f.waiver_note.str();
}

// One result as one line of JSON text; `index` is the rule's, or -1 for a finding whose
// requirement is not among the rules.
std::string result_line(const core::AuditResult& result, const core::Finding& f, std::string_view rule_id, int index,
                        Locations& locations) {
  std::string text = fmt::format("{}: {}", f.target_id, f.message);
  if (f.verdict == core::Verdict::unknown) text = "Unknown: " + text;
  if (!text.ends_with('.')) text += '.';
  std::string line;
  {
    Object out(line);
    out.str("ruleId", rule_id);
    if (index >= 0) out.integer("ruleIndex", index);
    // SARIF: a result whose kind is not "fail" has level "none".
    if (f.verdict == core::Verdict::unknown) {
      out.word("kind", "open").word("level", "none");
    } else {
      out.word("kind", "fail").word("level", level_of(f.severity));
    }
    Object(out.value("message")).str("text", text);
    locations.write(f, out.value("locations"));
    Object(out.value("partialFingerprints")).str("residency/v1", core::fingerprint_of(f));
    if (f.verdict == core::Verdict::waived) {
      std::string& suppressions = out.value("suppressions");
      suppressions += '[';
      Object(suppressions)
          .word("kind", "external")
          .word("status", "accepted")
          .str("justification", justification(result, f));
      suppressions += ']';
    }
    static const std::vector<std::string> k_none;
    Object(out.value("properties"))
        .str("target", f.target_id)
        .str("policy", f.policy_id)
        .word("severity", core::to_string(f.severity))
        .word("verdict", core::to_string(f.verdict))
        .boolean("counts_as_failure", f.counts_as_failure)
        .strings("explanation", result.explain ? f.explanation : k_none);
  }  // closes the object before the line is returned
  return line;
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
  Locations locations(result);
  for (const auto* f : detail::sorted_findings(result)) {
    if (f->verdict == core::Verdict::pass) continue;
    const auto key = std::make_pair(f->policy_id.str(), f->requirement_id.str());
    auto it = index.find(key);
    const bool known = it != index.end();
    out << (first ? "\n        " : ",\n        ")
        << result_line(result, *f, known ? std::string_view(ids.at(key)) : f->requirement_id.view(),
                       known ? it->second : -1, locations);
    first = false;
  }
  out << (first ? "],\n" : "\n      ],\n");
  out << "      \"properties\": " << core::dump_json(run_properties(result), -1) << "\n    }\n  ]\n}\n";
}

}  // namespace report
