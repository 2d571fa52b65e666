// The JSON report (schema "residency/report/v1", described by docs/report.schema.json). Built as
// an nlohmann::ordered_json so keys keep a readable, fixed order; arrays are sorted by the shared
// orderings, fact maps by path. Strings are cleaned (valid UTF-8, no control characters) before
// they enter the document. Each finding carries exactly the keys the baseline code reads.
#include "core/json_text.hpp"
#include "report/common.hpp"
#include "report/escape.hpp"
#include "report/json_value.hpp"
#include "report/report.hpp"

#include <nlohmann/json.hpp>

namespace report {

namespace {

using Json = nlohmann::ordered_json;
using detail::clean;

Json strings(const std::vector<std::string>& items) {
  Json out = Json::array();
  for (const auto& s : items) out.push_back(clean(s));
  return out;
}

Json location_json(const core::SourceLocation& loc) {
  return Json{{"file", clean(loc.file)}, {"line", loc.line}, {"column", loc.column}};
}

Json evidence_json(const core::Evidence& evidence) {
  Json out = Json::array();
  for (const auto& s : evidence) {
    out.push_back(Json{{"kind", clean(s.kind)},
                       {"subject", clean(s.subject)},
                       {"value", clean(s.value)},
                       {"method", clean(s.method)},
                       {"confidence", clean(s.confidence)},
                       {"source", clean(s.source)}});
  }
  return out;
}

Json fact_json(const core::Fact& fact) {
  Json provenance = Json::array();
  for (const auto& p : fact.provenance) {
    provenance.push_back(Json{{"source", clean(p.source)}, {"detail", clean(p.detail)}, {"time", clean(p.time)}});
  }
  Json out{{"values", strings(fact.values)},
           {"status", std::string(core::to_string(fact.status))},
           {"detail", clean(fact.detail)},
           {"provenance", provenance}};
  if (!fact.confidence.empty()) out["confidence"] = clean(fact.confidence);
  if (!fact.possible.empty()) out["possible"] = strings(fact.possible);
  if (fact.partial) out["partial"] = true;
  return out;
}

Json certifications_json(const std::vector<core::CertificationStatus>& certs) {
  Json out = Json::array();
  for (const auto& c : certs) {
    out.push_back(Json{{"provider", clean(c.provider)},
                       {"scheme", clean(c.scheme)},
                       {"offer", clean(c.offer)},
                       {"title", clean(c.title)},
                       {"reference", clean(c.reference)},
                       {"state", clean(c.state)},
                       {"why", clean(c.why)},
                       {"from", clean(c.from)},
                       {"until", clean(c.until)},
                       {"source", clean(c.source)}});
  }
  return out;
}

Json target_json(const core::TargetReport& t) {
  Json tags = Json::object();
  for (const auto& [k, v] : t.target.tags) tags[clean(k)] = clean(v);
  Json facts = Json::object();
  for (const auto& [path, fact] : t.facts.all()) facts[clean(path)] = fact_json(fact);
  Json out{{"id", clean(t.target.id)},
           {"kind", std::string(core::to_string(t.target.kind))},
           {"value", clean(t.target.value)},
           {"tags", tags},
           {"provider", clean(t.target.provider)},
           {"region", clean(t.target.region)},
           {"service", clean(t.target.service)},
           {"declared_at", location_json(t.target.declared_at)},
           {"facts", facts},
           {"evidence", evidence_json(t.evidence)}};
  if (!t.target.tls_terminated_by.empty()) out["tls_terminated_by"] = strings(t.target.tls_terminated_by);
  if (!t.certifications.empty()) out["certifications"] = certifications_json(t.certifications);
  out["placement"] = Json{{"served", std::string(core::to_string(t.placement.served))},
                          {"served_note", clean(t.placement.served_note)},
                          {"control", std::string(core::to_string(t.placement.control))},
                          {"control_note", clean(t.placement.control_note)}};
  return out;
}

Json finding_json(const core::Finding& f, bool explain) {
  Json waiver = nullptr;
  if (!f.waiver_id.empty() || !f.waiver_note.empty()) {
    waiver = Json{{"id", clean(f.waiver_id)}, {"note", clean(f.waiver_note)}};
  }
  Json out{{"target", clean(f.target_id)},
           {"requirement", clean(f.requirement_id)},
           {"policy", clean(f.policy_id)},
           {"severity", std::string(core::to_string(f.severity))},
           {"verdict", std::string(core::to_string(f.verdict))},
           {"raw_verdict", std::string(core::to_string(f.raw_verdict))},
           {"counts_as_failure", f.counts_as_failure},
           {"message", clean(f.message)},
           {"explanation", strings(f.explanation)},
           {"evidence", evidence_json(f.evidence)},
           {"waiver", waiver},
           {"entity", clean(f.entity)},
           {"jurisdiction", clean(f.jurisdiction)},
           {"fingerprint", clean(f.fingerprint)}};
  if (f.baseline != core::Finding::Baseline::none) {
    out["baseline"] = f.baseline == core::Finding::Baseline::is_new ? "new" : "existing";
  }
  if (explain) out["trace"] = strings(f.explanation);  // --explain: the predicate's leaf tests
  return out;
}

Json requirement_json(const core::RequirementInfo& r) {
  Json refs = Json::array();
  for (const auto& ref : r.references) refs.push_back(Json{{"citation", clean(ref.citation)}, {"url", clean(ref.url)}});
  return Json{{"id", clean(r.id)},
              {"policy", clean(r.policy_id)},
              {"title", clean(r.title)},
              {"severity", std::string(core::to_string(r.severity))},
              {"rationale", clean(r.rationale)},
              {"remediation", clean(r.remediation)},
              {"references", refs},
              {"on_unknown", clean(r.on_unknown)}};
}

Json waiver_json(const core::WaiverInfo& w) {
  return Json{{"id", clean(w.id)},
              {"requirement", clean(w.requirement_glob)},
              {"target", clean(w.target_glob)},
              {"reason", clean(w.reason)},
              {"owner", clean(w.owner)},
              {"legal_basis", clean(w.legal_basis)},
              {"expires", w.expires.to_string()},
              {"declared_at", location_json(w.declared_at)},
              {"state", std::string(core::to_string(w.state))},
              {"matched", w.matched}};
}

Json counts_json(const core::Counts& c) {
  return Json{{"pass", c.pass}, {"fail", c.fail}, {"unknown", c.unknown}, {"waived", c.waived}, {"total", c.total()}};
}

Json metadata_json(const core::AuditResult& r) {
  return Json{{"organisation", clean(r.organisation)},
              {"auditor", clean(r.auditor)},
              {"scope", clean(r.scope)},
              {"inputs", strings(r.inputs)}};
}

}  // namespace

namespace detail {

Json data_source_json(const core::DataSource& s) {
  return Json{{"name", clean(s.name)},
              {"kind", clean(s.kind)},
              {"url", clean(s.url)},
              {"date", s.date ? Json(s.date->to_string()) : Json(nullptr)},
              {"age_days", s.age_days ? Json(*s.age_days) : Json(nullptr)},
              {"sha256", clean(s.sha256)},
              {"database", clean(s.database)},
              {"serial", clean(s.serial)},
              {"stale", s.stale},
              {"licence", clean(s.licence)},
              {"attribution", clean(s.attribution)}};
}

}  // namespace detail

void write_json(const core::AuditResult& r, std::ostream& out) {
  Json doc{{"schema", "residency/report/v1"},
           {"tool_version", clean(r.tool_version)},
           {"started_at", clean(r.started_at)},
           {"as_of", r.as_of.to_string()},
           {"host", clean(r.host)},
           {"metadata", metadata_json(r)},
           {"policies", strings(detail::policy_ids(r))}};
  // SARIF's %SRCROOT% and the folder inputs are relative to, so `report render` writes the same SARIF.
  if (!r.source_root.empty()) doc["source_root"] = clean(r.source_root);
  if (!r.working_dir.empty()) doc["working_dir"] = clean(r.working_dir);
  doc["requirements"] = Json::array();
  for (const auto* q : detail::sorted_requirements(r)) doc["requirements"].push_back(requirement_json(*q));
  doc["targets"] = Json::array();
  for (const auto* t : detail::sorted_targets(r)) doc["targets"].push_back(target_json(*t));
  doc["findings"] = Json::array();
  for (const auto* f : detail::sorted_findings(r)) doc["findings"].push_back(finding_json(*f, r.explain));
  doc["waivers"] = Json::array();
  for (const auto* w : detail::sorted_waivers(r)) doc["waivers"].push_back(waiver_json(*w));
  doc["sources"] = Json::array();
  for (const auto& s : r.sources) {
    doc["sources"].push_back(Json{{"kind", clean(s.kind)}, {"name", clean(s.name)}, {"version", clean(s.version)}});
  }
  doc["data_sources"] = Json::array();
  for (const auto& s : r.data_sources) doc["data_sources"].push_back(detail::data_source_json(s));
  doc["warnings"] = strings(r.warnings);
  doc["counts"] = counts_json(r.counts());
  doc["fail_on"] = detail::fail_on_text(r);
  doc["fail_on_unknown"] = r.fail_on_unknown;
  doc["max_data_age_days"] = r.max_data_age_days;
  doc["fail_on_stale_data"] = r.fail_on_stale_data;
  doc["baseline_used"] = r.baseline_used;
  if (r.shard) {
    doc["shard"] =
        Json{{"index", r.shard->index}, {"count", r.shard->count}, {"inventory_targets", r.shard->inventory_targets}};
  }
  doc["exit_code"] = r.exit_code;
  out << core::dump_json(doc) << '\n';
}

}  // namespace report
