// Baselines and report diffs. A JSON report is parsed by parse_json_text (a syntax error becomes
// file:line:column) and read only
// through checked accessors that name the JSON pointer of a bad value. Findings are indexed by
// fingerprint; a fingerprint is a stable hash of target, requirement, controlling entity and
// jurisdiction, so a finding keeps its identity when a CDN changes addresses.
#include "audit/baseline.hpp"

#include "core/atomic_file.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <set>

namespace audit {

namespace {

using nlohmann::json;

std::optional<core::Verdict> parse_verdict(std::string_view text) {
  for (auto v : {core::Verdict::pass, core::Verdict::fail, core::Verdict::unknown, core::Verdict::waived}) {
    if (core::to_string(v) == text) return v;
  }
  return std::nullopt;
}

struct Reader {
  const std::string& name;

  std::unexpected<core::Error> bad(const std::string& pointer, std::string what) const {
    return core::fail(core::ErrorCode::data, fmt::format("at {}: {}", pointer, std::move(what)), name);
  }

  // Read obj[key] as a string; absent is fine unless required.
  core::Result<std::string> text(const json& obj, const char* key, const std::string& pointer, bool required) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) return bad(pointer, fmt::format("missing key '{}'; expected a string", key));
      return std::string();
    }
    if (!it->is_string()) return bad(pointer + "/" + key, fmt::format("{} value; expected a string", it->type_name()));
    return it->get<std::string>();
  }

  core::Result<BaselineFinding> finding(const json& item, const std::string& pointer) const {
    if (!item.is_object()) return bad(pointer, fmt::format("{} value; expected a finding object", item.type_name()));
    BaselineFinding f;
    std::string severity, verdict;
    const std::pair<const char*, std::string*> fields[] = {
        {"target", &f.target},           {"requirement", &f.requirement}, {"severity", &severity},
        {"verdict", &verdict},           {"policy", &f.policy},           {"fingerprint", &f.fingerprint},
        {"entity", &f.entity},           {"jurisdiction", &f.jurisdiction}, {"message", &f.message}};
    for (std::size_t i = 0; i < std::size(fields); ++i) {
      auto value = text(item, fields[i].first, pointer, i < 4);
      if (!value) return std::unexpected(value.error());
      *fields[i].second = std::move(*value);
    }
    auto s = core::parse_severity(severity);
    if (!s) {
      return bad(pointer + "/severity",
                 fmt::format("unknown severity '{}'; expected info, low, medium, high or critical", severity));
    }
    auto v = parse_verdict(verdict);
    if (!v) {
      return bad(pointer + "/verdict",
                 fmt::format("unknown verdict '{}'; expected pass, fail, unknown or waived", verdict));
    }
    f.severity = *s;
    f.verdict = *v;
    if (f.fingerprint.empty()) f.fingerprint = core::fingerprint(f.target, f.requirement, f.entity, f.jurisdiction);
    return f;
  }
};

bool by_position(const BaselineFinding& a, const BaselineFinding& b) {
  return std::tie(a.target, a.policy, a.requirement, a.fingerprint) <
         std::tie(b.target, b.policy, b.requirement, b.fingerprint);
}

void index(Baseline& b) {
  std::ranges::sort(b.findings, by_position);
  for (std::size_t i = 0; i < b.findings.size(); ++i) {
    auto [it, added] = b.by_fingerprint.emplace(b.findings[i].fingerprint, i);
    if (!added && !b.findings[it->second].failing() && b.findings[i].failing()) it->second = i;
  }
}

}  // namespace

std::optional<int> report_schema_version(std::string_view schema) {
  if (schema == k_report_schema) return 2;
  if (schema == k_report_schema_v1) return 1;
  return std::nullopt;
}

std::string unsupported_schema(std::string_view schema) {
  return fmt::format("unsupported schema '{}'; expected '{}' (or '{}')", schema, k_report_schema, k_report_schema_v1);
}

const BaselineFinding* Baseline::find(const std::string& fp) const {
  auto it = by_fingerprint.find(fp);
  return it == by_fingerprint.end() ? nullptr : &findings[it->second];
}

core::Result<Baseline> parse_baseline(std::string_view text, const std::string& name) {
  auto parsed = core::parse_json_text(text, name);
  if (!parsed) return std::unexpected(parsed.error());
  const json& doc = *parsed;
  const Reader reader{name};
  if (!doc.is_object()) return reader.bad("/", fmt::format("{} value; expected a JSON report object", doc.type_name()));
  auto schema = reader.text(doc, "schema", "", true);
  if (!schema) return std::unexpected(schema.error());
  if (!report_schema_version(*schema)) return reader.bad("/schema", unsupported_schema(*schema));
  auto list = doc.find("findings");
  if (list == doc.end() || !list->is_array()) {
    return reader.bad("/findings", "missing or not an array; expected a list of findings");
  }
  Baseline b;
  b.file = name;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto f = reader.finding((*list)[i], fmt::format("/findings/{}", i));
    if (!f) return std::unexpected(f.error());
    b.findings.push_back(std::move(*f));
  }
  index(b);
  return b;
}

core::Result<Baseline> load_baseline(const std::filesystem::path& path) {
  auto text = core::read_file(path);
  if (!text) return std::unexpected(text.error());
  return parse_baseline(*text, path.string());
}

void apply_baseline(std::vector<core::Finding>& findings, const Baseline& baseline) {
  for (auto& f : findings) {
    if (f.verdict != core::Verdict::fail && f.verdict != core::Verdict::unknown) {
      f.baseline = core::Finding::Baseline::none;
      continue;
    }
    const BaselineFinding* known = baseline.find(core::fingerprint_of(f));
    if (known != nullptr && known->failing()) {
      f.baseline = core::Finding::Baseline::existing;
      f.counts_as_failure = false;
    } else {
      f.baseline = core::Finding::Baseline::is_new;
    }
  }
}

DiffResult diff(const Baseline& before, const Baseline& after) {
  DiffResult out;
  for (const auto& b : after.findings) {
    if (after.find(b.fingerprint) != &b) continue;  // a duplicate fingerprint: the indexed one speaks
    const BaselineFinding* a = before.find(b.fingerprint);
    const bool was_failing = a != nullptr && a->failing();
    if (b.failing() && !was_failing) {
      out.added.push_back(b);
    } else if (a != nullptr && b.failing() == a->failing() && (a->verdict != b.verdict || a->severity != b.severity)) {
      out.changed.push_back(Change{*a, b});
    }
  }
  for (const auto& a : before.findings) {
    if (before.find(a.fingerprint) != &a || !a.failing()) continue;
    const BaselineFinding* b = after.find(a.fingerprint);
    if (b == nullptr || !b->failing()) out.resolved.push_back(a);
  }
  return out;
}

}  // namespace audit
