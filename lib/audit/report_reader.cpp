// The JSON report reader. A small cursor (`In`) reads typed values and keeps the first error with
// its JSON pointer, so the walk below reads like the schema instead of a ladder of checks.
#include "audit/report_reader.hpp"

#include "audit/baseline.hpp"
#include "core/atomic_file.hpp"
#include "core/json_text.hpp"

#include <fmt/format.h>

#include <array>
#include <optional>

namespace audit {

using nlohmann::json;

namespace {

class In {
 public:
  explicit In(const std::string& name) : m_name(name) {}

  bool failed() const { return m_error.has_value(); }
  core::Error error() const { return *m_error; }

  void bad(const std::string& pointer, std::string what) {
    if (!m_error)
      m_error = core::Error{core::ErrorCode::data, fmt::format("at {}: {}", pointer, std::move(what)), m_name};
  }

  const json* get(const json& obj, std::string_view key, const std::string& ptr, bool required, json::value_t type,
                  const char* expected) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) bad(ptr, fmt::format("missing key '{}'; expected {}", key, expected));
      return nullptr;
    }
    const bool ok = type == json::value_t::number_integer ? it->is_number_integer() : it->type() == type;
    if (!ok) {
      bad(fmt::format("{}/{}", ptr, key), fmt::format("{} value; expected {}", it->type_name(), expected));
      return nullptr;
    }
    return &*it;
  }

  std::string str(const json& obj, std::string_view key, const std::string& ptr, bool required = true) {
    const json* v = get(obj, key, ptr, required, json::value_t::string, "a string");
    return v ? v->get<std::string>() : std::string();
  }
  long long integer(const json& obj, std::string_view key, const std::string& ptr, bool required = true) {
    const json* v = get(obj, key, ptr, required, json::value_t::number_integer, "an integer");
    return v ? v->get<long long>() : 0;
  }
  bool boolean(const json& obj, std::string_view key, const std::string& ptr, bool required = true) {
    const json* v = get(obj, key, ptr, required, json::value_t::boolean, "true or false");
    return v ? v->get<bool>() : false;
  }
  // An array (or object) to walk; an empty one when absent or wrong (the error is recorded).
  const json& array(const json& obj, std::string_view key, const std::string& ptr, bool required = true) {
    const json* v = get(obj, key, ptr, required, json::value_t::array, "an array");
    return v ? *v : m_empty_array;
  }
  const json& object(const json& obj, std::string_view key, const std::string& ptr, bool required = true) {
    const json* v = get(obj, key, ptr, required, json::value_t::object, "an object");
    return v ? *v : m_empty_object;
  }
  std::vector<std::string> strings(const json& obj, std::string_view key, const std::string& ptr,
                                   bool required = true) {
    std::vector<std::string> out;
    const json& list = array(obj, key, ptr, required);
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) {
        bad(fmt::format("{}/{}/{}", ptr, key, i), fmt::format("{} value; expected a string", list[i].type_name()));
        continue;
      }
      out.push_back(list[i].get<std::string>());
    }
    return out;
  }
  bool is_object(const json& v, const std::string& ptr, const char* what) {
    if (v.is_object()) return true;
    bad(ptr, fmt::format("{} value; expected {}", v.type_name(), what));
    return false;
  }

  // An enumerated value: `parse` maps text to the enum, `names` lists the accepted spellings.
  template <typename T, typename Parse>
  T choice(const json& obj, std::string_view key, const std::string& ptr, Parse parse, std::string_view names,
           T fallback) {
    const std::string text = str(obj, key, ptr);
    if (failed()) return fallback;
    if (auto v = parse(text)) return *v;
    bad(fmt::format("{}/{}", ptr, key), fmt::format("unknown value '{}'; expected {}", text, names));
    return fallback;
  }

  core::Date date(const json& obj, std::string_view key, const std::string& ptr) {
    const std::string text = str(obj, key, ptr);
    if (failed()) return {};
    auto d = core::parse_date(text);
    if (!d) {
      bad(fmt::format("{}/{}", ptr, key), d.error().message);
      return {};
    }
    return *d;
  }

 private:
  const std::string& m_name;
  std::optional<core::Error> m_error;
  const json m_empty_array = json::array();
  const json m_empty_object = json::object();
};

// A data source of the databases: its date and age are null when it carries no date.
core::DataSource data_source(In& in, const json& obj, const std::string& ptr) {
  core::DataSource s;
  s.name = in.str(obj, "name", ptr);
  s.kind = in.str(obj, "kind", ptr);
  s.url = in.str(obj, "url", ptr);
  if (auto d = obj.find("date"); d != obj.end() && !d->is_null()) s.date = in.date(obj, "date", ptr);
  if (auto a = obj.find("age_days"); a != obj.end() && !a->is_null()) s.age_days = in.integer(obj, "age_days", ptr);
  s.sha256 = in.str(obj, "sha256", ptr);
  s.database = in.str(obj, "database", ptr);
  s.serial = in.str(obj, "serial", ptr);
  s.stale = in.boolean(obj, "stale", ptr);
  s.licence = in.str(obj, "licence", ptr, false);  // added in 0.x: older reports have neither
  s.attribution = in.str(obj, "attribution", ptr, false);
  return s;
}

template <typename E, std::size_t N>
auto parser(const std::array<E, N>& values) {
  return [values](std::string_view text) -> std::optional<E> {
    for (E v : values) {
      if (core::to_string(v) == text) return v;
    }
    return std::nullopt;
  };
}

const auto k_severity = parser(std::array{core::Severity::info, core::Severity::low, core::Severity::medium,
                                          core::Severity::high, core::Severity::critical});
const auto k_verdict =
    parser(std::array{core::Verdict::pass, core::Verdict::fail, core::Verdict::unknown, core::Verdict::waived});
const auto k_fact_status = parser(std::array{core::FactStatus::known, core::FactStatus::unknown,
                                             core::FactStatus::inconclusive, core::FactStatus::indeterminate});
const auto k_waiver_state = parser(std::array{core::WaiverInfo::State::active, core::WaiverInfo::State::expiring,
                                              core::WaiverInfo::State::expired, core::WaiverInfo::State::unused});
const auto k_target_kind = [](std::string_view text) { return core::parse_target_kind(text); };
const auto k_served = parser(std::array{core::Placement::Served::eea, core::Placement::Served::adequate,
                                        core::Placement::Served::elsewhere, core::Placement::Served::unknown});
const auto k_control = parser(
    std::array{core::Placement::Control::eu, core::Placement::Control::non_eu, core::Placement::Control::unknown});

core::SourceLocation location(In& in, const json& obj, std::string_view key, const std::string& ptr) {
  const json& loc = in.object(obj, key, ptr);
  const std::string p = fmt::format("{}/{}", ptr, key);
  core::SourceLocation out;
  if (in.failed()) return out;
  out.file = in.str(loc, "file", p);
  out.line = static_cast<int>(in.integer(loc, "line", p));
  out.column = static_cast<int>(in.integer(loc, "column", p));
  return out;
}

core::Evidence evidence(In& in, const json& obj, const std::string& ptr) {
  core::Evidence out;
  const json& list = in.array(obj, "evidence", ptr);
  for (std::size_t i = 0; i < list.size() && !in.failed(); ++i) {
    const std::string p = fmt::format("{}/evidence/{}", ptr, i);
    if (!in.is_object(list[i], p, "an evidence step object")) break;
    out.push_back({in.str(list[i], "kind", p), in.str(list[i], "subject", p), in.str(list[i], "value", p),
                   in.str(list[i], "method", p), in.str(list[i], "confidence", p), in.str(list[i], "source", p)});
  }
  return out;
}

core::Provenance provenance(In& in, const json& obj, const std::string& ptr) {
  return {in.str(obj, "source", ptr), in.str(obj, "detail", ptr), in.str(obj, "time", ptr)};
}

// What differs between the report versions the reader accepts (docs/reports.md, "json").
struct Version {
  int number = 2;
  std::vector<const core::Provenance*> provenance;  // v2: the report's table that facts' `from` indexes
};

core::Fact fact(In& in, const json& obj, const std::string& ptr, const Version& version) {
  core::Fact f;
  f.values = in.strings(obj, "values", ptr);
  f.status = in.choice(obj, "status", ptr, k_fact_status, "known, unknown, inconclusive or indeterminate",
                       core::FactStatus::unknown);
  f.detail = in.str(obj, "detail", ptr, version.number == 1);
  if (version.number == 1) {
    const json& prov = in.array(obj, "provenance", ptr);
    for (std::size_t i = 0; i < prov.size() && !in.failed(); ++i) {
      const std::string p = fmt::format("{}/provenance/{}", ptr, i);
      if (!in.is_object(prov[i], p, "a provenance object")) break;
      f.provenance.push_back(core::intern(provenance(in, prov[i], p)));
    }
  } else {
    const json& from = in.array(obj, "from", ptr, false);
    for (std::size_t i = 0; i < from.size() && !in.failed(); ++i) {
      const auto* n = from[i].get_ptr<const json::number_unsigned_t*>();
      if (n == nullptr || *n >= version.provenance.size()) {
        in.bad(fmt::format("{}/from/{}", ptr, i),
               fmt::format("{}; expected an index into /provenance (0 to {})", from[i].dump(),
                           static_cast<long long>(version.provenance.size()) - 1));
        break;
      }
      f.provenance.push_back(version.provenance[*n]);
    }
  }
  f.confidence = in.str(obj, "confidence", ptr, false);
  f.possible = in.strings(obj, "possible", ptr, false);
  f.partial = in.boolean(obj, "partial", ptr, false);
  return f;
}

core::TargetReport target(In& in, const json& obj, const std::string& ptr, const Version& version) {
  core::TargetReport t;
  t.target.id = in.str(obj, "id", ptr);
  t.target.kind = in.choice(obj, "kind", ptr, k_target_kind, "host, url, ip, mail_domain or cloud_resource",
                            core::TargetKind::host);
  t.target.value = in.str(obj, "value", ptr);
  for (const auto& [k, v] : in.object(obj, "tags", ptr).items()) {
    if (!v.is_string()) {
      in.bad(fmt::format("{}/tags/{}", ptr, k), fmt::format("{} value; expected a string", v.type_name()));
      break;
    }
    t.target.tags[k] = v.get<std::string>();
  }
  t.target.provider = in.str(obj, "provider", ptr);
  t.target.region = in.str(obj, "region", ptr);
  t.target.service = in.str(obj, "service", ptr);
  t.target.declared_at = location(in, obj, "declared_at", ptr);
  t.target.tls_terminated_by = in.strings(obj, "tls_terminated_by", ptr, false);
  for (const auto& [path, value] : in.object(obj, "facts", ptr).items()) {
    const std::string p = fmt::format("{}/facts/{}", ptr, path);
    if (in.failed() || !in.is_object(value, p, "a fact object")) break;
    t.facts.set(path, fact(in, value, p, version));
  }
  t.evidence = evidence(in, obj, ptr);
  const json& certs = in.array(obj, "certifications", ptr, false);
  for (std::size_t i = 0; i < certs.size() && !in.failed(); ++i) {
    const std::string p = fmt::format("{}/certifications/{}", ptr, i);
    if (!in.is_object(certs[i], p, "a certification object")) break;
    const json& c = certs[i];
    t.certifications.push_back({in.str(c, "provider", p), in.str(c, "scheme", p), in.str(c, "offer", p),
                                in.str(c, "title", p), in.str(c, "reference", p), in.str(c, "state", p),
                                in.str(c, "why", p), in.str(c, "from", p), in.str(c, "until", p),
                                in.str(c, "source", p)});
  }
  if (const json* p = in.get(obj, "placement", ptr, false, json::value_t::object, "a placement object");
      p && !in.failed()) {
    const std::string pp = ptr + "/placement";
    t.placement.served =
        in.choice(*p, "served", pp, k_served, "eea, adequate, elsewhere or unknown", core::Placement::Served::unknown);
    t.placement.served_note = in.str(*p, "served_note", pp);
    t.placement.control =
        in.choice(*p, "control", pp, k_control, "eu, non-eu or unknown", core::Placement::Control::unknown);
    t.placement.control_note = in.str(*p, "control_note", pp);
  }
  return t;
}

core::Finding finding(In& in, const json& obj, const std::string& ptr, const Version& version, bool& explain) {
  core::Finding f;
  f.target_id = in.str(obj, "target", ptr);
  f.requirement_id = in.str(obj, "requirement", ptr);
  f.policy_id = in.str(obj, "policy", ptr);
  constexpr std::string_view severities = "info, low, medium, high or critical";
  constexpr std::string_view verdicts = "pass, fail, unknown or waived";
  f.severity = in.choice(obj, "severity", ptr, k_severity, severities, core::Severity::medium);
  f.verdict = in.choice(obj, "verdict", ptr, k_verdict, verdicts, core::Verdict::unknown);
  f.raw_verdict = in.choice(obj, "raw_verdict", ptr, k_verdict, verdicts, core::Verdict::unknown);
  f.counts_as_failure = in.boolean(obj, "counts_as_failure", ptr);
  f.message = in.str(obj, "message", ptr);
  // v2 writes the predicate's leaf tests only with --explain; v1 always, and `trace` with it.
  f.explanation = in.strings(obj, "explanation", ptr, version.number == 1);
  if (auto w = obj.find("waiver"); w != obj.end() && !w->is_null()) {
    const std::string p = ptr + "/waiver";
    if (in.is_object(*w, p, "a waiver object or null")) {
      f.waiver_id = in.str(*w, "id", p);
      f.waiver_note = in.str(*w, "note", p);
    }
  }
  f.entity = in.str(obj, "entity", ptr, version.number == 1);  // v2 leaves out an empty one
  f.jurisdiction = in.str(obj, "jurisdiction", ptr, version.number == 1);
  f.fingerprint = in.str(obj, "fingerprint", ptr);
  if (obj.contains("baseline")) {
    const std::string b = in.str(obj, "baseline", ptr);
    if (b == "new") {
      f.baseline = core::Finding::Baseline::is_new;
    } else if (b == "existing") {
      f.baseline = core::Finding::Baseline::existing;
    } else if (!in.failed()) {
      in.bad(ptr + "/baseline", fmt::format("unknown value '{}'; expected new or existing", b));
    }
  }
  if (version.number == 1 && obj.contains("trace")) explain = true;  // written only with --explain
  return f;
}

core::RequirementInfo requirement(In& in, const json& obj, const std::string& ptr) {
  core::RequirementInfo r;
  r.id = in.str(obj, "id", ptr);
  r.policy_id = in.str(obj, "policy", ptr);
  r.title = in.str(obj, "title", ptr);
  r.severity =
      in.choice(obj, "severity", ptr, k_severity, "info, low, medium, high or critical", core::Severity::medium);
  r.rationale = in.str(obj, "rationale", ptr);
  r.remediation = in.str(obj, "remediation", ptr);
  const json& refs = in.array(obj, "references", ptr);
  for (std::size_t i = 0; i < refs.size() && !in.failed(); ++i) {
    const std::string p = fmt::format("{}/references/{}", ptr, i);
    if (!in.is_object(refs[i], p, "a reference object")) break;
    r.references.push_back({in.str(refs[i], "citation", p), in.str(refs[i], "url", p)});
  }
  r.on_unknown = in.str(obj, "on_unknown", ptr);
  return r;
}

core::WaiverInfo waiver(In& in, const json& obj, const std::string& ptr) {
  core::WaiverInfo w;
  w.id = in.str(obj, "id", ptr);
  w.requirement_glob = in.str(obj, "requirement", ptr);
  w.target_glob = in.str(obj, "target", ptr);
  w.reason = in.str(obj, "reason", ptr);
  w.owner = in.str(obj, "owner", ptr);
  w.legal_basis = in.str(obj, "legal_basis", ptr);
  w.expires = in.date(obj, "expires", ptr);
  w.declared_at = location(in, obj, "declared_at", ptr);
  w.state = in.choice(obj, "state", ptr, k_waiver_state, "active, expiring, expired or unused",
                      core::WaiverInfo::State::active);
  w.matched = static_cast<int>(in.integer(obj, "matched", ptr));
  return w;
}

// Walk the array `key` of `doc`, reading each object item with `read`.
template <typename Read>
void each(In& in, const json& doc, const char* key, const char* what, Read read) {
  const json& list = in.array(doc, key, "");
  for (std::size_t i = 0; i < list.size() && !in.failed(); ++i) {
    const std::string p = fmt::format("/{}/{}", key, i);
    if (!in.is_object(list[i], p, what)) break;
    read(list[i], p);
  }
}

}  // namespace

core::Result<core::AuditResult> parse_report(std::string_view text, const std::string& name) {
  auto doc = core::parse_json_text(text, name);
  if (!doc) return std::unexpected(doc.error());
  In in(name);
  if (!in.is_object(*doc, "/", "a JSON report object")) return std::unexpected(in.error());
  const std::string schema = in.str(*doc, "schema", "");
  Version version;
  if (!in.failed()) {
    if (auto v = report_schema_version(schema)) {
      version.number = *v;
    } else {
      in.bad("/schema", unsupported_schema(schema));
    }
  }
  core::AuditResult r;
  r.tool_version = in.str(*doc, "tool_version", "");
  r.started_at = in.str(*doc, "started_at", "");
  r.as_of = in.date(*doc, "as_of", "");
  r.host = in.str(*doc, "host", "");
  r.source_root = in.str(*doc, "source_root", "", false);
  r.working_dir = in.str(*doc, "working_dir", "", false);
  const json& meta = in.object(*doc, "metadata", "");
  if (!in.failed()) {
    r.organisation = in.str(meta, "organisation", "/metadata");
    r.auditor = in.str(meta, "auditor", "/metadata");
    r.scope = in.str(meta, "scope", "/metadata");
    r.inputs = in.strings(meta, "inputs", "/metadata");
  }
  r.policies = in.strings(*doc, "policies", "");
  each(in, *doc, "requirements", "a requirement object",
       [&](const json& v, const std::string& p) { r.requirements.push_back(requirement(in, v, p)); });
  if (version.number >= 2) {
    r.explain = in.boolean(*doc, "explain", "");
    each(in, *doc, "provenance", "a provenance object", [&](const json& v, const std::string& p) {
      version.provenance.push_back(core::intern(provenance(in, v, p)));
    });
  }
  each(in, *doc, "targets", "a target object",
       [&](const json& v, const std::string& p) { r.targets.push_back(target(in, v, p, version)); });
  each(in, *doc, "findings", "a finding object",
       [&](const json& v, const std::string& p) { r.findings.push_back(finding(in, v, p, version, r.explain)); });
  each(in, *doc, "waivers", "a waiver object",
       [&](const json& v, const std::string& p) { r.waivers.push_back(waiver(in, v, p)); });
  each(in, *doc, "sources", "a data source object", [&](const json& v, const std::string& p) {
    r.sources.push_back({in.str(v, "kind", p), in.str(v, "name", p), in.str(v, "version", p)});
  });
  each(in, *doc, "data_sources", "a data source object",
       [&](const json& v, const std::string& p) { r.data_sources.push_back(data_source(in, v, p)); });
  r.warnings = in.strings(*doc, "warnings", "");
  if (const json* v = in.get(*doc, "fail_on", "", true, json::value_t::string, "a string"); v && *v == "none") {
    r.fail_on_none = true;
  } else {
    r.fail_on =
        in.choice(*doc, "fail_on", "", k_severity, "none, info, low, medium, high or critical", core::Severity::high);
  }
  r.fail_on_unknown = in.boolean(*doc, "fail_on_unknown", "");
  r.max_data_age_days = static_cast<int>(in.integer(*doc, "max_data_age_days", ""));
  r.fail_on_stale_data = in.boolean(*doc, "fail_on_stale_data", "");
  r.baseline_used = in.boolean(*doc, "baseline_used", "");
  if (const json* s = in.get(*doc, "shard", "", false, json::value_t::object, "an object"); s && !in.failed()) {
    core::Shard shard;
    shard.index = static_cast<int>(in.integer(*s, "index", "/shard"));
    shard.count = static_cast<int>(in.integer(*s, "count", "/shard"));
    shard.inventory_targets = static_cast<std::size_t>(in.integer(*s, "inventory_targets", "/shard"));
    if (!in.failed() && (shard.count < 1 || shard.index < 1 || shard.index > shard.count)) {
      in.bad("/shard", fmt::format("shard {}/{}; expected 1 <= index <= count", shard.index, shard.count));
    }
    r.shard = shard;
  }
  r.exit_code = static_cast<int>(in.integer(*doc, "exit_code", ""));
  if (in.failed()) return std::unexpected(in.error());
  return r;
}

core::Result<core::AuditResult> load_report(const std::filesystem::path& path) {
  auto text = core::read_file(path);
  if (!text) return std::unexpected(text.error());
  return parse_report(*text, path.string());
}

}  // namespace audit
