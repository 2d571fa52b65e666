#include "audit/merge.hpp"

#include "audit/run.hpp"
#include "audit/waivers.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace audit {

namespace {

std::unexpected<core::Error> mismatch(const ReportPart& first, const ReportPart& other, std::string_view field,
                                      const std::string& a, const std::string& b) {
  return core::fail(core::ErrorCode::data,
                    fmt::format("its {} is '{}' but {} has '{}'; expected the shards of one audit (same inventory, "
                                "options and date)",
                                field, b, first.name, a),
                    other.name);
}

// The warnings a part derived from its own share of targets and waivers; the merge derives them
// again over the whole.
std::set<std::string> derived_warnings(const core::AuditResult& r) {
  std::vector<std::string> out = certification_notices(r.targets, r.as_of);
  std::vector<core::WaiverInfo> waivers = r.waivers;
  settle_waivers(waivers, r.as_of, out);
  if (r.shard) {
    out.push_back(fmt::format("shard {}/{} holds {} of the inventory's {} targets and no finding", r.shard->index,
                              r.shard->count, r.targets.size(), r.shard->inventory_targets));
  }
  return {out.begin(), out.end()};
}

core::Result<void> check_parts(const std::vector<ReportPart>& parts) {
  const ReportPart& first = parts.front();
  std::map<int, const ReportPart*> seen;
  for (const auto& p : parts) {
    const auto& r = p.result;
    if (!r.shard) {
      return core::fail(core::ErrorCode::data,
                        "not the report of a shard (it has no 'shard'); expected JSON reports of audit --shard K/N",
                        p.name);
    }
    const auto& f = first.result;
    const std::pair<std::string_view, std::pair<std::string, std::string>> same[] = {
        {"shard count", {std::to_string(f.shard->count), std::to_string(r.shard->count)}},
        {"inventory size", {std::to_string(f.shard->inventory_targets), std::to_string(r.shard->inventory_targets)}},
        {"as-of date", {f.as_of.to_string(), r.as_of.to_string()}},
        {"tool version", {f.tool_version, r.tool_version}},
        {"fail_on",
         {f.fail_on_none ? "none" : std::string(core::to_string(f.fail_on)),
          r.fail_on_none ? "none" : std::string(core::to_string(r.fail_on))}},
        {"source_root", {f.source_root, r.source_root}},
        {"working_dir", {f.working_dir, r.working_dir}},
        {"fail_on_unknown", {f.fail_on_unknown ? "true" : "false", r.fail_on_unknown ? "true" : "false"}},
        {"baseline_used", {f.baseline_used ? "true" : "false", r.baseline_used ? "true" : "false"}},
        {"max_data_age_days", {std::to_string(f.max_data_age_days), std::to_string(r.max_data_age_days)}},
        {"fail_on_stale_data", {f.fail_on_stale_data ? "true" : "false", r.fail_on_stale_data ? "true" : "false"}},
        {"organisation", {f.organisation, r.organisation}},
        {"auditor", {f.auditor, r.auditor}},
        {"scope", {f.scope, r.scope}},
        {"inputs", {fmt::format("{}", fmt::join(f.inputs, ", ")), fmt::format("{}", fmt::join(r.inputs, ", "))}},
    };
    for (const auto& [field, values] : same) {
      if (values.first != values.second) return mismatch(first, p, field, values.first, values.second);
    }
    if (auto [it, added] = seen.emplace(r.shard->index, &p); !added) {
      return core::fail(
          core::ErrorCode::data,
          fmt::format("shard {}/{} is given twice (also {})", r.shard->index, r.shard->count, it->second->name),
          p.name);
    }
  }
  std::vector<std::string> missing;
  for (int k = 1; k <= first.result.shard->count; ++k) {
    if (!seen.contains(k)) missing.push_back(fmt::format("{}/{}", k, first.result.shard->count));
  }
  if (!missing.empty()) {
    return core::fail(
        core::ErrorCode::data,
        fmt::format("shard{} {} {} missing; expected one report per shard 1..{}", missing.size() == 1 ? "" : "s",
                    fmt::join(missing, ", "), missing.size() == 1 ? "is" : "are", first.result.shard->count));
  }
  return {};
}

}  // namespace

core::Result<core::AuditResult> merge_reports(std::vector<ReportPart> parts) {
  if (parts.empty()) return core::fail(core::ErrorCode::usage, "nothing to merge; expected the shards' JSON reports");
  if (auto ok = check_parts(parts); !ok) return std::unexpected(ok.error());
  std::sort(parts.begin(), parts.end(),
            [](const auto& a, const auto& b) { return a.result.shard->index < b.result.shard->index; });

  core::AuditResult out = parts.front().result;
  out.shard.reset();
  out.targets.clear();
  out.findings.clear();
  out.requirements.clear();
  out.sources.clear();
  out.data_sources.clear();
  out.warnings.clear();
  out.policies.clear();
  std::set<std::string> policies, hosts;
  std::set<std::pair<std::string, std::string>> requirements;
  std::set<std::tuple<std::string, std::string, std::string>> sources;
  std::set<std::tuple<std::string, std::string, std::string, std::string>> data_sources;
  std::map<std::string, const ReportPart*> owner;  // target id → the part that holds it
  std::map<std::string, int> matched;              // waiver id → findings matched, summed
  std::vector<std::string> host_order;
  for (auto& p : parts) {
    auto& r = p.result;
    const std::set<std::string> derived = derived_warnings(r);
    if (r.started_at < out.started_at || out.started_at.empty()) out.started_at = r.started_at;
    if (hosts.insert(r.host).second) host_order.push_back(r.host);
    out.explain = out.explain || r.explain;
    for (auto& t : r.targets) {
      if (auto [it, added] = owner.emplace(t.target.id, &p); !added) {
        return core::fail(
            core::ErrorCode::data,
            fmt::format("target '{}' is also in {}; expected each target in one shard", t.target.id, it->second->name),
            p.name);
      }
      out.targets.push_back(std::move(t));
    }
    for (auto& f : r.findings) out.findings.push_back(std::move(f));
    for (auto& q : r.requirements) {
      if (requirements.insert({q.policy_id, q.id}).second) out.requirements.push_back(std::move(q));
    }
    for (auto& s : r.sources) {
      if (sources.insert({s.kind, s.name, s.version}).second) out.sources.push_back(std::move(s));
    }
    for (auto& s : r.data_sources) {
      if (data_sources.insert({s.database, s.name, s.sha256, s.date ? s.date->to_string() : ""}).second)
        out.data_sources.push_back(std::move(s));
    }
    for (auto& w : r.warnings) {
      if (!derived.contains(w)) out.warnings.push_back(std::move(w));
    }
    for (const auto& id : r.policies) policies.insert(id);
    for (const auto& w : r.waivers) matched[w.id] += w.matched;
  }
  out.host = fmt::format("{}", fmt::join(host_order, ", "));
  out.policies.assign(policies.begin(), policies.end());
  for (auto& w : out.waivers) w.matched = matched[w.id];
  for (auto& w : certification_notices(out.targets, out.as_of)) out.warnings.push_back(std::move(w));
  settle_waivers(out.waivers, out.as_of, out.warnings);
  settle_warnings(out.warnings);
  sort_result(out);
  out.exit_code = exit_code_of(out);
  return out;
}

}  // namespace audit
