// `residency rules …`: validate, list, show and explain rule packs. Each subcommand loads the
// packs through policy::load (embedded packs, then RESIDENCY_RULES, then --rules folders),
// reports problems through Diag (stderr, file:line:column) and prints its report on stdout as
// text or JSON. Any rule error exits 2 before anything else happens.
#include "app_context.hpp"

#include "core/date.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "policy/describe.hpp"
#include "policy/load.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace app {

namespace {

using Json = nlohmann::ordered_json;

struct RulesOptions {
  std::vector<std::string> rule_dirs;
  std::string as_of;
  std::string format = "text";
  std::vector<std::string> validate_dirs;
  std::string kind;
  std::string id;
};

void add_common_options(CLI::App& cmd, RulesOptions& opts) {
  cmd.add_option("--rules", opts.rule_dirs, "Add a folder of rule packs (repeatable; later folders win)");
  cmd.add_option("--as-of", opts.as_of, "Judge certifications and adequacy on this date (YYYY-MM-DD; default today)");
  cmd.add_option("--format", opts.format, "Output format")->check(CLI::IsMember({"text", "json"}));
}

std::optional<core::Date> as_of_date(const RulesOptions& opts, Context& ctx) {
  if (opts.as_of.empty()) return core::today_utc();
  auto d = core::parse_date(opts.as_of);
  if (!d) {
    ctx.fail({core::ErrorCode::usage, d.error().message, "--as-of"});
    return std::nullopt;
  }
  return *d;
}

policy::LoadOptions load_options(const RulesOptions& opts, core::Date as_of) {
  policy::LoadOptions lo;
  lo.as_of = as_of;
  lo.dirs = policy::env_rule_dirs();
  for (const auto& d : opts.rule_dirs) lo.dirs.emplace_back(d);
  return lo;
}

// Load the packs for list/show/explain; on rule errors report and set exit code 2.
std::optional<policy::RuleSet> load(const RulesOptions& opts, Context& ctx, core::Date& as_of) {
  auto date = as_of_date(opts, ctx);
  if (!date) return std::nullopt;
  as_of = *date;
  const policy::LoadOptions lo = load_options(opts, as_of);
  policy::Validation v = policy::validate_rules(lo);
  policy::report_for_use(v.problems, lo, ctx.diag);
  if (v.errors > 0) {
    ctx.fail({core::ErrorCode::config,
              fmt::format("{} error(s) in rule packs; run 'residency rules validate'", v.errors), ""});
    return std::nullopt;
  }
  return std::move(v.rules);
}

void run_validate(const RulesOptions& opts, Context& ctx) {
  auto as_of = as_of_date(opts, ctx);
  if (!as_of) return;
  policy::LoadOptions lo = load_options(opts, *as_of);
  if (!opts.validate_dirs.empty()) {
    lo.embedded = policy::Embedded::unless_complete;
    lo.dirs.assign(opts.validate_dirs.begin(), opts.validate_dirs.end());
  }
  policy::Validation v = policy::validate_rules(lo);
  policy::report(v.problems, ctx.diag);
  const auto notes =
      std::count_if(v.problems.begin(), v.problems.end(), [](const auto& p) { return p.level == core::Level::note; });
  std::size_t requirements = 0;
  for (const auto& [id, p] : v.rules.policies) requirements += p.requirements.size();
  if (opts.format == "json") {
    Json problems = Json::array();
    for (const auto& p : v.problems) {
      problems.push_back({{"level", p.level == core::Level::error     ? "error"
                                    : p.level == core::Level::warning ? "warning"
                                                                      : "note"},
                          {"file", p.loc.file},
                          {"line", p.loc.line},
                          {"column", p.loc.column},
                          {"message", p.message}});
    }
    Json out = {{"files", v.rules.files.size()}, {"providers", v.rules.providers.size()},
                {"laws", v.rules.laws.size()},   {"policies", v.rules.policies.size()},
                {"requirements", requirements},  {"errors", v.errors},
                {"warnings", v.warnings},        {"notes", notes},
                {"problems", problems}};
    std::cout << core::dump_json(out) << "\n";
  } else {
    fmt::print("{} files: {} providers, {} laws, {} policies, {} requirements; {} errors, {} warnings, {} notes\n",
               v.rules.files.size(), v.rules.providers.size(), v.rules.laws.size(), v.rules.policies.size(),
               requirements, v.errors, v.warnings, notes);
  }
  if (v.errors > 0) ctx.exit_code = k_exit_usage;
}

struct Entry {
  std::string kind, id, title, where;
};

std::vector<Entry> entries(const policy::RuleSet& r) {
  std::vector<Entry> out;
  for (const auto& [id, p] : r.providers) out.push_back({"provider", id, p.name, p.loc.to_string()});
  for (const auto& [id, l] : r.laws) out.push_back({"law", id, l.title, l.loc.to_string()});
  for (const auto& [id, p] : r.policies) out.push_back({"policy", id, p.title, p.loc.to_string()});
  for (const auto& [id, p] : r.policies) {
    for (const auto& q : p.requirements) out.push_back({"requirement", q.id, q.title, q.loc.to_string()});
  }
  for (const auto& [id, s] : r.sets) out.push_back({"set", id, s.title, s.loc.to_string()});
  for (const auto& [id, a] : r.adequacy) out.push_back({"adequacy", id, a.title, a.loc.to_string()});
  return out;
}

void run_list(const RulesOptions& opts, Context& ctx) {
  core::Date as_of;
  auto rules = load(opts, ctx, as_of);
  if (!rules) return;
  Json out = Json::array();
  for (const auto& e : entries(*rules)) {
    if (!opts.kind.empty() && e.kind != opts.kind) continue;
    if (opts.format == "json")
      out.push_back({{"kind", e.kind}, {"id", e.id}, {"title", e.title}, {"where", e.where}});
    else
      print_line(fmt::format("{:<12} {:<36} {}", e.kind, e.id, e.title));
  }
  if (opts.format == "json") std::cout << core::dump_json(out) << "\n";
}

Json sourcing_json(const policy::Sourcing& s) {
  return {{"source", s.sources}, {"as_of", s.as_of ? s.as_of->to_string() : ""}};
}

Json provider_json(const policy::RuleSet& r, const policy::Provider& p, core::Date as_of) {
  Json chain = Json::array();
  std::vector<std::string> countries;
  for (const auto& l : p.chain) {
    chain.push_back({{"entity", l.entity}, {"country", l.country}, {"role", l.role}});
    countries.push_back(l.country);
  }
  std::vector<std::string> laws;
  for (const auto& [id, law] : r.laws) {
    for (const auto& c : law.control_countries) {
      if (std::find(countries.begin(), countries.end(), c) != countries.end()) {
        laws.push_back(id);
        break;
      }
    }
  }
  Json regions = Json::object();
  for (const auto& [code, reg] : p.regions) {
    regions[code] = {{"city", reg.city}, {"country", reg.country}, {"aliases", reg.aliases}};
    if (!reg.members.empty()) regions[code]["members"] = reg.members;
    if (reg.operated_by)
      regions[code]["operated_by"] = {{"entity", reg.operated_by->entity}, {"country", reg.operated_by->country}};
  }
  Json certs = Json::array();
  for (const auto& c : p.certifications) {
    const policy::CertJudgement j = c.judge(as_of);
    Json cert = {{"certification", c.key()},
                 {"title", c.title},
                 {"status", policy::to_string(c.status)},
                 {"from", c.from.text},
                 {"until", c.until ? c.until->text : ""},
                 {"regions", c.regions},
                 {"valid_on_as_of", j.state == policy::CertState::valid},
                 {"state_on_as_of", policy::to_string(j.state)},
                 {"why", j.why},
                 {"where", c.loc.to_string()}};
    if (!c.no_until.empty())
      cert["no_until"] = {{"reason", c.no_until}, {"recheck", c.recheck ? c.recheck->to_string() : ""}};
    certs.push_back(std::move(cert));
  }
  Json subsidiaries = Json::array();
  for (const auto& s : p.subsidiaries) {
    subsidiaries.push_back({{"entity", s.entity},
                            {"country", s.country},
                            {"regions", s.regions},
                            {"address_countries", s.address_countries},
                            {"where", s.loc.to_string()}});
  }
  return {{"kind", "provider"},
          {"id", p.id},
          {"name", p.name},
          {"where", p.loc.to_string()},
          {"control_chain", chain},
          {"control", sourcing_json(p.control_sourcing)},
          {"laws_reached", laws},
          {"anycast", p.anycast},
          {"asns", p.asns},
          {"hostname_suffixes", p.hostname_suffixes},
          {"ptr_suffixes", p.ptr_suffixes},
          {"regions", regions},
          {"subsidiaries", subsidiaries},
          {"certifications", certs},
          {"as_of", as_of.to_string()}};
}

Json requirement_json(const policy::RuleSet& r, const policy::Requirement& q, core::Date as_of) {
  Json refs = Json::array();
  for (const auto& ref : q.references) refs.push_back({{"citation", ref.citation}, {"url", ref.url}});
  Json applies = Json::object();
  for (const auto& [tag, values] : q.applies_to) applies[tag] = values;
  return {{"kind", "requirement"},
          {"id", q.id},
          {"title", q.title},
          {"policy", q.policy},
          {"where", q.loc.to_string()},
          {"severity", core::to_string(q.severity)},
          {"on_unknown", policy::to_string(q.on_unknown)},
          {"applies_to", applies},
          {"rationale", q.rationale},
          {"references", refs},
          {"remediation", q.remediation},
          {"facts_read", policy::facts_read(q.check)},
          {"passes_when", policy::describe_predicate(q.check, r, as_of)}};
}

Json show_json(const policy::RuleSet& r, const std::string& id, core::Date as_of) {
  if (auto it = r.providers.find(id); it != r.providers.end()) return provider_json(r, it->second, as_of);
  if (auto it = r.laws.find(id); it != r.laws.end()) {
    const auto& l = it->second;
    return {{"kind", "law"},
            {"id", l.id},
            {"title", l.title},
            {"citation", l.citation},
            {"country", l.country},
            {"enacted", l.enacted ? l.enacted->to_string() : ""},
            {"in_force", l.in_force ? l.in_force->to_string() : ""},
            {"summary", l.summary},
            {"status_note", l.status_note},
            {"review_by", l.review_by ? l.review_by->to_string() : ""},
            {"control_countries", l.control_countries},
            {"where", l.loc.to_string()},
            {"sourcing", sourcing_json(l.sourcing)}};
  }
  if (auto it = r.policies.find(id); it != r.policies.end()) {
    std::vector<std::string> reqs;
    for (const auto& q : it->second.requirements) reqs.push_back(q.id);
    return {{"kind", "policy"},
            {"id", id},
            {"title", it->second.title},
            {"description", it->second.description},
            {"where", it->second.loc.to_string()},
            {"sets", it->second.set_ids},
            {"requirements", reqs}};
  }
  if (const auto* q = r.find_requirement(id)) return requirement_json(r, *q, as_of);
  const std::string set_id = id.starts_with("@") ? id.substr(1) : id;
  if (auto members = r.resolve_set(set_id, as_of)) {
    auto it = r.sets.find(set_id);
    return {{"kind", "set"},
            {"id", set_id},
            {"title", it != r.sets.end() ? it->second.title : "derived from adequacy decisions"},
            {"members", it != r.sets.end() ? it->second.members : *members},
            {"expanded", *members},
            {"as_of", as_of.to_string()}};
  }
  if (auto it = r.adequacy.find(id); it != r.adequacy.end()) {
    const auto& a = it->second;
    return {{"kind", "adequacy"},
            {"id", id},
            {"country", a.country},
            {"title", a.title},
            {"decision", a.decision},
            {"adopted", a.adopted.to_string()},
            {"scope", a.scope == policy::AdequacyScope::full ? "full" : "partial"},
            {"ended", a.ended ? a.ended->to_string() : ""},
            {"ended_by", a.ended_by},
            {"stands_on_as_of", a.stands(as_of)},
            {"where", a.loc.to_string()}};
  }
  return nullptr;
}

// Render JSON as indented "key: value" lines for the text format.
void print_text(const Json& j, int indent) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  for (const auto& [key, value] : j.items()) {
    if (value.is_string() && value.get<std::string>().find('\n') != std::string::npos) {
      print_line(fmt::format("{}{}:", pad, key));
      const std::string text = value.get<std::string>();
      for (auto line : core::split(core::trim(text), '\n')) print_line(fmt::format("{}  {}", pad, line));
    } else if (value.is_string()) {
      print_line(fmt::format("{}{}: {}", pad, key, value.get<std::string>()));
    } else if (value.is_array() &&
               std::all_of(value.begin(), value.end(), [](const Json& v) { return !v.is_structured(); })) {
      std::vector<std::string> parts;
      for (const auto& v : value) parts.push_back(v.is_string() ? v.get<std::string>() : v.dump());
      print_line(fmt::format("{}{}: [{}]", pad, key, fmt::join(parts, ", ")));
    } else if (value.is_structured()) {
      print_line(fmt::format("{}{}:", pad, key));
      if (value.is_array()) {
        for (const auto& item : value) {
          print_line(fmt::format("{}  -", pad));
          print_text(item, indent + 4);
        }
      } else {
        print_text(value, indent + 2);
      }
    } else {
      print_line(fmt::format("{}{}: {}", pad, key, value.dump()));
    }
  }
}

void unknown_id(const policy::RuleSet& r, const std::string& id, std::string_view what, Context& ctx) {
  std::vector<std::string> ids;
  for (const auto& e : entries(r)) ids.push_back(e.id);
  auto hint = core::closest(id, ids);
  ctx.fail({core::ErrorCode::usage,
            fmt::format("no {} with id '{}'; expected an id from 'residency rules list'{}", what, id,
                        hint ? fmt::format(" (did you mean '{}'?)", *hint) : ""),
            ""});
}

void run_show(const RulesOptions& opts, Context& ctx) {
  core::Date as_of;
  auto rules = load(opts, ctx, as_of);
  if (!rules) return;
  Json j = show_json(*rules, opts.id, as_of);
  if (j.is_null()) return unknown_id(*rules, opts.id, "rule entry", ctx);
  if (opts.format == "json")
    std::cout << core::dump_json(j) << "\n";
  else
    print_text(j, 0);
}

void run_explain(const RulesOptions& opts, Context& ctx) {
  core::Date as_of;
  auto rules = load(opts, ctx, as_of);
  if (!rules) return;
  const policy::Requirement* q = rules->find_requirement(opts.id);
  if (q == nullptr) return unknown_id(*rules, opts.id, "requirement", ctx);
  Json j = requirement_json(*rules, *q, as_of);
  j["when_unknown"] = fmt::format(
      "a missing fact, a fact that is not known (unknown, inconclusive, indeterminate) or an empty list (except the "
      "complete lists of docs/facts.md) makes the result unknown, which counts as {} (on_unknown: {})",
      q->on_unknown == policy::OnUnknown::fail   ? "a failure"
      : q->on_unknown == policy::OnUnknown::warn ? "a warning"
                                                 : "a pass",
      policy::to_string(q->on_unknown));
  if (opts.format == "json")
    std::cout << core::dump_json(j) << "\n";
  else
    print_text(j, 0);
}

}  // namespace

void add_rules_commands(CLI::App& rules, Context& ctx) {
  auto opts = std::make_shared<RulesOptions>();
  auto* validate =
      rules.add_subcommand("validate", "Check rule packs: the embedded ones and --rules, or every *.yaml under DIR");
  add_common_options(*validate, *opts);
  validate->add_option("DIR", opts->validate_dirs, "Folders of rule packs to validate");
  validate->callback([opts, &ctx] { run_validate(*opts, ctx); });

  auto* list = rules.add_subcommand("list", "List providers, laws, policies, requirements and sets");
  add_common_options(*list, *opts);
  list->add_option("--kind", opts->kind, "Only this kind")
      ->check(CLI::IsMember({"provider", "law", "policy", "requirement", "set", "adequacy"}));
  list->callback([opts, &ctx] { run_list(*opts, ctx); });

  auto* show = rules.add_subcommand("show", "Show one provider, law, policy, requirement or set");
  add_common_options(*show, *opts);
  show->add_option("ID", opts->id, "The id to show")->required();
  show->callback([opts, &ctx] { run_show(*opts, ctx); });

  auto* explain =
      rules.add_subcommand("explain", "Explain a requirement: rationale, references, facts read, what makes it pass");
  add_common_options(*explain, *opts);
  explain->add_option("REQUIREMENT-ID", opts->id, "The requirement id")->required();
  explain->callback([opts, &ctx] { run_explain(*opts, ctx); });
}

}  // namespace app
