// Plan targets: read the plan with the attributes the provider table names, then decide each
// resource's provider and location (resource value → global service → provider configuration →
// unknown), and state that decision in facts and evidence after attribution. Warnings are grouped
// (one per unknown region or unmapped provider source, with a count and an example address) so a
// 10,000-resource plan does not print 10,000 lines.
#include "audit/terraform.hpp"

#include "core/text.hpp"
#include "inventory/terraform_plan.hpp"
#include "policy/region_names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace audit {

namespace {

using Kind = PlanLocation::Kind;
using State = inventory::PlanValue::State;

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

inventory::PlanOptions plan_options(const policy::TerraformTable& table) {
  inventory::PlanOptions o;
  for (const auto& [source, t] : table.providers) {
    for (const auto& a : t.resource_region) add_unique(o.resource_attributes, a);
    for (const auto& a : t.provider_region) add_unique(o.provider_attributes, a);
  }
  return o;
}

bool is_global(const policy::TerraformProvider& t, const std::string& type) {
  auto any = [&](const std::vector<std::string>& globs) {
    return std::any_of(globs.begin(), globs.end(), [&](const std::string& g) { return core::glob_match(g, type); });
  };
  return any(t.global) && !any(t.not_global);
}

class Locator {
 public:
  Locator(const policy::RuleSet& rules, const std::string& file) : m_rules(rules), m_file(file) {}

  PlanLocation locate(const inventory::PlanResource& r, const policy::TerraformProvider& t) {
    PlanLocation loc;
    loc.provider = t.provider;
    std::string computed;  // an attribute the provider fills in from its configuration
    for (const auto& attr : t.resource_region) {
      const auto& v = value(r.attributes, attr);
      if (v.state == State::absent) continue;
      if (v.state == State::computed) {
        if (computed.empty()) computed = attr;
        continue;
      }
      return from_value(loc, t, v, fmt::format("the resource's '{}'", attr));
    }
    if (is_global(t, r.type)) {
      loc.kind = Kind::global;
      loc.region = "global";
      loc.how = fmt::format("{} is a global service (rules/terraform.yaml)", r.type);
      loc.where = fmt::format("{} {}", m_file, r.json_location);
      return loc;
    }
    if (!computed.empty() || t.regional_api) {
      for (const auto& attr : t.provider_region) {
        const auto& v = value(r.provider_attributes, attr);
        if (v.state == State::absent) continue;
        const std::string what = computed.empty() ? fmt::format("'{}' of {}", attr, r.provider_note)
                                                  : fmt::format("'{}' of {} (the resource's '{}' is computed from it)",
                                                                attr, r.provider_note, computed);
        return from_value(loc, t, v, what);
      }
    }
    loc.kind = Kind::undetermined;
    loc.where = fmt::format("{} {}", m_file, r.json_location);
    loc.why = undetermined_reason(r, t, computed);
    return loc;
  }

 private:
  static const inventory::PlanValue& value(const std::map<std::string, inventory::PlanValue>& m,
                                           const std::string& key) {
    static const inventory::PlanValue k_absent;
    auto it = m.find(key);
    return it == m.end() ? k_absent : it->second;
  }

  std::string undetermined_reason(const inventory::PlanResource& r, const policy::TerraformProvider& t,
                                  const std::string& computed) const {
    std::string own = !computed.empty() ? fmt::format("the resource's '{}' is computed at apply", computed)
                      : t.resource_region.empty()
                          ? "the resource has no region attribute"
                          : fmt::format("the plan gives the resource no {}", fmt::join(t.resource_region, " or "));
    if (t.provider_region.empty()) {
      return fmt::format("{}, and the {} provider configuration carries no region", own, terraform_name(t));
    }
    if (computed.empty() && !t.regional_api) {
      return fmt::format("{}, and the {} provider configuration's region is only a default for resources that have one",
                         own, terraform_name(t));
    }
    const std::string provider = r.provider_key.empty()
                                     ? r.provider_note
                                     : fmt::format("provider configuration '{}' sets no {}", r.provider_key,
                                                   fmt::join(t.provider_region, " or "));
    return fmt::format(
        "{}, and {}: the region would come from the environment or a profile, which a plan does not record", own,
        provider);
  }

  static std::string terraform_name(const policy::TerraformProvider& t) {
    const auto slash = t.source.rfind('/');
    return slash == std::string::npos ? t.source : t.source.substr(slash + 1);
  }

  PlanLocation from_value(PlanLocation loc, const policy::TerraformProvider& t, const inventory::PlanValue& v,
                          const std::string& what) {
    loc.where = fmt::format("{} {}", m_file, v.where);
    if (v.state != State::known) {
      loc.kind = Kind::undetermined;
      loc.why = fmt::format("{}: {}", what, v.why);
      return loc;
    }
    if (core::to_lower(core::trim(v.value)) == "global") {
      loc.kind = Kind::global;
      loc.region = "global";
      loc.how = fmt::format("{} is \"{}\"", what, v.value);
      return loc;
    }
    // A partition (AWS European Sovereign Cloud) that knows the region takes the resource.
    for (const auto& part : t.partitions) {
      auto it = m_rules.providers.find(part);
      if (it == m_rules.providers.end()) continue;
      auto name = policy::resolve_region_name(it->second, v.value);
      if (name.region != nullptr) {
        loc.provider = part;
        return resolved(loc, name, what, v.value);
      }
    }
    auto it = m_rules.providers.find(loc.provider);
    if (it == m_rules.providers.end()) {
      loc.kind = Kind::unknown_region;
      loc.region = v.value;
      loc.why = fmt::format("provider '{}' is not in the rule data", loc.provider);
      return loc;
    }
    return resolved(loc, policy::resolve_region_name(it->second, v.value), what, v.value);
  }

  static PlanLocation resolved(PlanLocation loc, const policy::RegionName& name, const std::string& what,
                               const std::string& raw) {
    loc.region = name.code;
    if (name.region == nullptr) {
      loc.kind = Kind::unknown_region;
      loc.why = fmt::format("{} is '{}', which is not a region of {} in the rule data{}", what, raw, loc.provider,
                            name.hint ? fmt::format(" (did you mean '{}'?)", *name.hint) : "");
      return loc;
    }
    loc.how = fmt::format("{}: {}", what, name.how);
    if (!name.region->members.empty()) {
      loc.kind = Kind::multi_region;
      loc.members = name.region->members;
    } else {
      loc.kind = Kind::region;
    }
    return loc;
  }

  const policy::RuleSet& m_rules;
  const std::string& m_file;
};

// Groups warnings by subject so each problem is said once, with a count and an example.
class Warnings {
 public:
  void add(const std::string& key, const std::string& text, const std::string& address) {
    auto& w = m_groups[key];
    if (w.count++ == 0) {
      w.text = text;
      w.example = address;
    }
  }
  void flush(std::vector<std::string>& out) const {
    for (const auto& [key, w] : m_groups) {
      out.push_back(w.count == 1 ? fmt::format("{} ({})", w.text, w.example)
                                 : fmt::format("{} ({} resources, e.g. {})", w.text, w.count, w.example));
    }
  }

 private:
  struct Group {
    std::string text, example;
    int count = 0;
  };
  std::map<std::string, Group> m_groups;
};

core::Target make_target(const inventory::PlanResource& r, const PlanLocation& loc,
                         const std::map<std::string, std::string>& extra) {
  core::Target t;
  t.id = r.address;
  t.value = r.address;
  t.kind = core::TargetKind::cloud_resource;
  t.provider = loc.provider;
  t.region = loc.kind == Kind::undetermined || loc.kind == Kind::unmapped ? "" : loc.region;
  t.service = r.type;
  t.tags = r.tags;
  for (const auto& [k, v] : extra) t.tags.emplace(k, v);
  t.declared_at = r.declared_at;
  return t;
}

}  // namespace

core::Result<PlanTargets> plan_targets(const std::filesystem::path& path, const policy::RuleSet& rules,
                                       const std::map<std::string, std::string>& extra_tags) {
  auto plan = inventory::load_plan(path, plan_options(rules.terraform));
  if (!plan) return std::unexpected(plan.error());
  PlanTargets out;
  out.file = plan->file;
  if (plan->errored)
    out.warnings.push_back(
        fmt::format("{}: the plan did not complete (\"errored\": true); resources may be missing", plan->file));
  for (const auto& s : plan->skipped) out.skipped.push_back(fmt::format("{}: {}", s.address, s.why));
  Locator locator(rules, plan->file);
  Warnings warnings;
  for (const auto& r : plan->resources) {
    if (rules.terraform.is_not_cloud(r.provider_name)) {
      out.skipped.push_back(fmt::format("{}: provider {} creates no cloud resource", r.address, r.provider_name));
      continue;
    }
    PlanLocation loc;
    if (const policy::TerraformProvider* t = rules.terraform.find(r.provider_name)) {
      loc = locator.locate(r, *t);
    } else {
      loc.kind = Kind::unmapped;
      loc.where = fmt::format("{} {}", plan->file, r.json_location);
      loc.why =
          fmt::format("provider '{}' is not in the Terraform provider table (rules/terraform.yaml)", r.provider_name);
      warnings.add("p:" + r.provider_name,
                   fmt::format("{}: {}; its resources have no provider or location", plan->file, loc.why), r.address);
    }
    if (loc.kind == Kind::unknown_region) {
      warnings.add("r:" + loc.provider + ":" + loc.region,
                   fmt::format("{}: unknown region '{}': {}", plan->file, loc.region, loc.why), r.address);
    }
    out.targets.push_back({make_target(r, loc, extra_tags), std::move(loc)});
  }
  warnings.flush(out.warnings);
  std::sort(out.targets.begin(), out.targets.end(),
            [](const auto& a, const auto& b) { return a.target.id < b.target.id; });
  return out;
}

namespace {

core::Provenance plan_provenance(const PlanLocation& loc) { return {"inventory", loc.where, ""}; }

// The countries of the member regions, or the first member the rule data cannot locate.
std::vector<std::string> member_countries(const policy::Provider& p, const PlanLocation& loc, std::string& missing,
                                          core::Evidence& steps, const std::string& subject) {
  std::vector<std::string> out;
  for (const auto& m : loc.members) {
    const policy::Region* r = p.find_region(m);
    if (r == nullptr || r->country.empty()) {
      if (missing.empty()) missing = m;
      continue;
    }
    add_unique(out, r->country);
    steps.push_back(
        {"country", subject, r->country, fmt::format("member region {}:{}", p.id, r->code), "high", p.loc.file});
  }
  return out;
}

void set_location_unknown(core::Facts& facts, core::FactStatus status, const std::string& why,
                          const core::Provenance& prov) {
  facts.set_status("served_from.regions", status, why, prov);
  facts.set_status("served_from.countries", status, why, prov);
  facts.set_known("served_from.status", {std::string(core::to_string(status))}, prov);
}

}  // namespace

void apply_plan_location(const PlanLocation& loc, const policy::RuleSet& rules, core::TargetReport& report) {
  const std::string& subject = report.target.value.empty() ? report.target.id : report.target.value;
  auto& ev = report.evidence;
  ev.erase(
      std::remove_if(ev.begin(), ev.end(), [&](const auto& s) { return s.kind == "region" && s.subject == subject; }),
      ev.end());
  const core::Provenance prov = plan_provenance(loc);
  core::Evidence steps;
  switch (loc.kind) {
    case Kind::region: {
      steps.push_back({"region", subject, loc.provider + ":" + loc.region, loc.how, "high", loc.where});
      auto it = rules.providers.find(loc.provider);
      const policy::Region* r = it == rules.providers.end() ? nullptr : it->second.find_region(loc.region);
      if (r != nullptr && !r->country.empty()) {
        steps.push_back(
            {"country", subject, r->country,
             fmt::format("region {}:{}{}", loc.provider, r->code, r->city.empty() ? "" : " (" + r->city + ")"), "high",
             it->second.loc.file});
      }
      break;
    }
    case Kind::multi_region: {
      steps.push_back({"region", subject, loc.provider + ":" + loc.region,
                       fmt::format("{}; spans {}", loc.how, fmt::join(loc.members, ", ")), "high", loc.where});
      std::vector<std::string> regions;
      for (const auto& m : loc.members) regions.push_back(loc.provider + ":" + m);
      report.facts.set_known("served_from.regions", regions, prov);
      auto it = rules.providers.find(loc.provider);
      std::string missing;
      const auto countries = it == rules.providers.end() ? std::vector<std::string>{}
                                                         : member_countries(it->second, loc, missing, steps, subject);
      if (!missing.empty() || countries.empty()) {
        set_location_unknown(report.facts, core::FactStatus::unknown,
                             fmt::format("member region {}:{} of {} has no sourced location in the rule data",
                                         loc.provider, missing.empty() ? loc.region : missing, loc.region),
                             prov);
        report.facts.set_known("served_from.regions", regions, prov);
      } else {
        report.facts.set_known("served_from.countries", countries, prov);
        report.facts.set_known("served_from.status", {"known"}, prov);
      }
      break;
    }
    case Kind::global:
      steps.push_back({"region", subject, "global", loc.how, "high", loc.where});
      set_location_unknown(report.facts, core::FactStatus::indeterminate,
                           fmt::format("global service: no region ({})", loc.how), prov);
      break;
    case Kind::undetermined:
      steps.push_back({"region", subject, "unknown", loc.why, "", loc.where});
      set_location_unknown(report.facts, core::FactStatus::unknown, "region not determined by the plan: " + loc.why,
                           prov);
      break;
    case Kind::unknown_region:
      steps.push_back({"region", subject, loc.provider + ":" + loc.region, loc.why, "low", loc.where});
      set_location_unknown(report.facts, core::FactStatus::unknown, loc.why, prov);
      break;
    case Kind::unmapped:
      steps.push_back({"provider", subject, "unknown", loc.why, "", loc.where});
      set_location_unknown(report.facts, core::FactStatus::unknown, loc.why, prov);
      for (const char* path : {"controlled_by.providers", "controlled_by.entities", "controlled_by.countries",
                               "controlled_by.laws", "certifications", "certifications.schemes"}) {
        report.facts.set_status(path, core::FactStatus::unknown, loc.why, prov);
      }
      break;
  }
  ev.insert(ev.begin(), steps.begin(), steps.end());
}

}  // namespace audit
