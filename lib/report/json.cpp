// The JSON report (schema "residency/report/v2", described by docs/report.schema.json; docs/reports.md
// lists what changed from v1). Streamed: each target and each finding is built as one line of
// text and written out, so memory does not grow with a document tree and a 100,000-target report
// is greppable line by line. A target's evidence chain is written once, on the target; facts name
// their provenance by index into the report's `provenance` table; keys whose value is empty are
// left out where docs/reports.md says so. Strings are cleaned (valid UTF-8, no control characters)
// before they are written. The small parts (metadata, requirements, waivers, sources) are
// nlohmann values dumped on one line each. JsonTargetStream writes the same bytes while the audit
// runs: each target's line goes to a scratch file as soon as it is judged, and the head (which
// needs the provenance table of every target) is written at the end, before the lines are
// copied back.
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "report/common.hpp"
#include "report/escape.hpp"
#include "report/json_value.hpp"
#include "report/json_writer.hpp"
#include "report/report.hpp"

#include <nlohmann/json.hpp>

#include <unordered_map>

namespace report {

namespace {

using Json = nlohmann::ordered_json;
using detail::clean;
using detail::list;
using detail::Object;
using detail::put;

Json strings(const std::vector<std::string>& items) {
  Json out = Json::array();
  for (const auto& s : items) out.push_back(clean(s));
  return out;
}

Json location_json(const core::SourceLocation& loc) {
  return Json{{"file", clean(loc.file)}, {"line", loc.line}, {"column", loc.column}};
}

// The report's provenance table: each distinct {source, detail, time} once, in first-use order
// over the targets as they are written. Provenance records are interned (core::intern), so one
// address is one value, and it outlives the target it came from.
class ProvenanceTable {
 public:
  void add(const core::TargetReport& t) {
    for (const auto& [path, fact] : t.facts.all()) {
      for (const auto* p : fact.provenance) {
        if (m_ids.try_emplace(p, m_entries.size()).second) m_entries.push_back(p);
      }
    }
  }
  // The index of a provenance entry of one of the targets added.
  std::size_t find(const core::Provenance* p) const { return m_ids.at(p); }
  const std::vector<const core::Provenance*>& entries() const { return m_entries; }

 private:
  std::unordered_map<const core::Provenance*, std::size_t> m_ids;
  std::vector<const core::Provenance*> m_entries;
};

void write_step(const core::EvidenceStep& s, std::string& out) {
  Object(out)
      .str("kind", s.kind)
      .str("subject", s.subject)
      .str("value", s.value)
      .str("method", s.method)
      .str("confidence", s.confidence)
      .str("source", s.source);
}

void write_certification(const core::CertificationStatus& c, std::string& out) {
  Object(out)
      .str("provider", c.provider)
      .str("scheme", c.scheme)
      .str("offer", c.offer)
      .str("title", c.title)
      .str("reference", c.reference)
      .str("state", c.state)
      .str("why", c.why)
      .str("from", c.from)
      .str("until", c.until)
      .str("source", c.source);
}

void write_fact(const core::Fact& fact, const ProvenanceTable& table, std::string& out) {
  Object o(out);
  o.strings("values", fact.values).word("status", core::to_string(fact.status)).str_if("detail", fact.detail);
  if (!fact.provenance.empty()) {
    list(o.value("from"), fact.provenance,
         [&](const core::Provenance* p, std::string& ids) { ids += std::to_string(table.find(p)); });
  }
  o.str_if("confidence", fact.confidence);
  if (!fact.possible.empty()) o.strings("possible", fact.possible);
  if (fact.partial) o.boolean("partial", true);
}

void write_target(const core::TargetReport& t, const ProvenanceTable& table, std::string& out) {
  Object o(out);
  o.str("id", t.target.id).word("kind", core::to_string(t.target.kind)).str("value", t.target.value);
  {
    std::string& tags = o.value("tags");
    Object tag_object(tags);
    for (const auto& [k, v] : t.target.tags) tag_object.str(clean(k), v);
  }
  o.str("provider", t.target.provider).str("region", t.target.region).str("service", t.target.service);
  {
    Object(o.value("declared_at"))
        .str("file", t.target.declared_at.file)
        .integer("line", t.target.declared_at.line)
        .integer("column", t.target.declared_at.column);
  }
  {
    std::string& facts = o.value("facts");
    facts += '{';
    bool first = true;
    for (const auto& [path, fact] : t.facts.all()) {
      if (!first) facts += ',';
      first = false;
      put(facts, path);
      facts += ':';
      write_fact(fact, table, facts);
    }
    facts += '}';
  }
  list(o.value("evidence"), t.evidence, write_step);
  if (!t.target.tls_terminated_by.empty()) o.strings("tls_terminated_by", t.target.tls_terminated_by);
  if (!t.certifications.empty()) list(o.value("certifications"), t.certifications, write_certification);
  Object(o.value("placement"))
      .word("served", core::to_string(t.placement.served))
      .str("served_note", t.placement.served_note)
      .word("control", core::to_string(t.placement.control))
      .str("control_note", t.placement.control_note);
}

void write_finding(const core::Finding& f, bool explain, std::string& out) {
  Object o(out);
  o.str("target", f.target_id)
      .str("requirement", f.requirement_id)
      .str("policy", f.policy_id)
      .word("severity", core::to_string(f.severity))
      .word("verdict", core::to_string(f.verdict))
      .word("raw_verdict", core::to_string(f.raw_verdict))
      .boolean("counts_as_failure", f.counts_as_failure)
      .str("message", f.message);
  if (explain) o.strings("explanation", f.explanation);  // --explain: the predicate's leaf tests
  if (!f.waiver_id.empty() || !f.waiver_note.empty()) {
    Object(o.value("waiver")).str("id", f.waiver_id).str("note", f.waiver_note);
  }
  o.str_if("entity", f.entity).str_if("jurisdiction", f.jurisdiction).str("fingerprint", core::fingerprint_of(f));
  if (f.baseline != core::Finding::Baseline::none) {
    o.word("baseline", f.baseline == core::Finding::Baseline::is_new ? "new" : "existing");
  }
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

namespace {

// What comes before the item `index` of a top-level array: items are one per line.
std::string_view item_separator(std::size_t index) { return index == 0 ? "\n    " : ",\n    "; }

// The top level of the report: keys one per line; the items of the long arrays one per line,
// each written out as soon as it is built.
class TopLevel {
 public:
  explicit TopLevel(std::ostream& out) : m_out(out) {}

  void key(std::string_view name) {
    m_line += m_first_key ? "{\n  " : ",\n  ";
    m_first_key = false;
    core::append_json_string(m_line, name);
    m_line += ": ";
  }
  void flush() {
    m_out << m_line;
    m_line.clear();
  }
  void value(std::string_view name, const Json& v) {
    key(name);
    m_line += core::dump_json(v, -1);
  }
  // An array of `items`, one per line, each written by `write(item, line)`.
  template <typename Items, typename Write>
  void array(std::string_view name, const Items& items, Write write) {
    array_from(
        name,
        [&](const auto& emit) {
          for (const auto& item : items) emit(item);
        },
        write);
  }
  // The same, for items that `each(emit)` hands over one at a time (targets read back from a
  // core::TargetStore) rather than a container holding them all.
  template <typename Each, typename Write>
  void array_from(std::string_view name, Each each, Write write) {
    key(name);
    m_line += '[';
    std::size_t index = 0;
    each([&](const auto& item) {
      m_line += item_separator(index++);
      write(item, m_line);
      flush();
    });
    m_line += index == 0 ? "]" : "\n  ]";
  }
  template <typename Items, typename ToJson>
  void json_array(std::string_view name, const Items& items, ToJson to_json) {
    array(name, items, [&](const auto& item, std::string& o) { o += core::dump_json(to_json(item), -1); });
  }
  void end() {
    m_line += "\n}\n";
    flush();
  }

 private:
  std::ostream& m_out;
  std::string m_line;
  bool m_first_key = true;
};

// Everything before `targets`, which needs every target (the provenance table).
void write_head(const core::AuditResult& r, const ProvenanceTable& table, TopLevel& top) {
  top.value("schema", "residency/report/v2");
  top.value("tool_version", clean(r.tool_version));
  top.value("started_at", clean(r.started_at));
  top.value("as_of", r.as_of.to_string());
  top.value("host", clean(r.host));
  top.value("metadata", metadata_json(r));
  top.value("policies", strings(detail::policy_ids(r)));
  // SARIF's %SRCROOT% and the folder inputs are relative to, so `report render` writes the same SARIF.
  if (!r.source_root.empty()) top.value("source_root", clean(r.source_root));
  if (!r.working_dir.empty()) top.value("working_dir", clean(r.working_dir));
  top.value("explain", r.explain);
  top.json_array("requirements", detail::sorted_requirements(r), [](const auto* q) { return requirement_json(*q); });
  top.json_array("provenance", table.entries(), [](const core::Provenance* p) {
    return Json{{"source", clean(p->source)}, {"detail", clean(p->detail)}, {"time", clean(p->time)}};
  });
}

// Everything after `targets`.
void write_tail(const core::AuditResult& r, TopLevel& top) {
  top.array("findings", detail::sorted_findings(r),
            [&](const core::Finding* f, std::string& o) { write_finding(*f, r.explain, o); });
  top.json_array("waivers", detail::sorted_waivers(r), [](const auto* w) { return waiver_json(*w); });
  top.json_array("sources", r.sources, [](const core::DataSource& s) {
    return Json{{"kind", clean(s.kind)}, {"name", clean(s.name)}, {"version", clean(s.version)}};
  });
  top.json_array("data_sources", r.data_sources, [](const core::DataSource& s) { return detail::data_source_json(s); });
  top.value("warnings", strings(r.warnings));
  top.value("counts", counts_json(r.counts()));
  top.value("fail_on", detail::fail_on_text(r));
  top.value("fail_on_unknown", r.fail_on_unknown);
  top.value("max_data_age_days", r.max_data_age_days);
  top.value("fail_on_stale_data", r.fail_on_stale_data);
  top.value("baseline_used", r.baseline_used);
  if (r.shard) {
    top.value(
        "shard",
        Json{{"index", r.shard->index}, {"count", r.shard->count}, {"inventory_targets", r.shard->inventory_targets}});
  }
  top.value("exit_code", r.exit_code);
  top.end();
}

}  // namespace

void write_json(const core::AuditResult& r, std::ostream& out) {
  ProvenanceTable table;
  r.for_each_target([&](const core::TargetReport& t) { table.add(t); });
  TopLevel top(out);
  write_head(r, table, top);
  top.array_from(
      "targets", [&](const auto& emit) { r.for_each_target(emit); },
      [&](const core::TargetReport& t, std::string& o) { write_target(t, table, o); });
  write_tail(r, top);
}

struct JsonTargetStream::Impl {
  core::SpillFile spill;
  ProvenanceTable table;
  std::size_t count = 0;
};

core::Result<JsonTargetStream> JsonTargetStream::open(const std::filesystem::path& folder) {
  auto spill = core::SpillFile::open(folder);
  if (!spill) return std::unexpected(spill.error());
  JsonTargetStream stream;
  stream.m_impl = std::make_unique<Impl>(Impl{std::move(*spill), {}, 0});
  return stream;
}

JsonTargetStream::JsonTargetStream() = default;
JsonTargetStream::JsonTargetStream(JsonTargetStream&&) noexcept = default;
JsonTargetStream& JsonTargetStream::operator=(JsonTargetStream&&) noexcept = default;
JsonTargetStream::~JsonTargetStream() = default;

void JsonTargetStream::add(const core::TargetReport& target) {
  Impl& s = *m_impl;
  s.table.add(target);
  s.spill.append_with([&](std::string& buffer) {
    buffer += item_separator(s.count++);
    write_target(target, s.table, buffer);
  });
}

core::Result<void> JsonTargetStream::write(const core::AuditResult& r, std::ostream& out) {
  Impl& s = *m_impl;
  TopLevel top(out);
  write_head(r, s.table, top);
  top.key("targets");
  top.flush();
  out << '[';
  if (auto ok = s.spill.copy_to(out); !ok) {
    out.setstate(std::ios::badbit);
    return ok;
  }
  out << (s.count == 0 ? "]" : "\n  ]");
  write_tail(r, top);
  return {};  // a failed `out` is the caller's to report, as for write_json
}

}  // namespace report
