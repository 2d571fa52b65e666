// The audit pipeline as a list of named steps (mold_main style): load rules, load the inventory,
// observe (live DNS, or recorded facts), open the GeoIP databases, observe and attribute every
// target, evaluate every applicable requirement, apply waivers and the baseline, and compute
// the exit code. Every configuration problem is reported before anything is probed.
#include "audit/run.hpp"

#include "audit/baseline.hpp"
#include "audit/declared_ids.hpp"
#include "audit/observe.hpp"
#include "audit/observe_https.hpp"
#include "audit/placement.hpp"
#include "audit/recording.hpp"
#include "audit/sentences.hpp"
#include "audit/terraform.hpp"
#include "audit/waivers.hpp"
#include "core/atomic_file.hpp"
#include "core/text.hpp"
#include "core/url.hpp"
#include "geo/data_age.hpp"
#include "geo/mmdb_reader.hpp"
#include "inventory/list.hpp"
#include "inventory/manifest.hpp"
#include "policy/evaluate.hpp"

#include <fmt/format.h>
#if defined(__GLIBC__)
#include <malloc.h>  // malloc_trim
#endif

#include <algorithm>
#include <atomic>
#include <deque>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_set>
#include <utility>

namespace audit {

namespace {

// A target with the policies that apply to it.
struct PlannedTarget {
  core::Target target;
  std::vector<std::string> policies;
  // Where a Terraform plan puts it; null for targets typed by a person. A pointer, not an
  // optional: the 192 bytes of a PlanLocation in every slot were 19 MB at 100,000 targets.
  std::unique_ptr<PlanLocation> plan;
};

struct Inventory {
  // A deque, so the judging loop frees each target's slot once judged, for the findings to
  // reuse: a slot is 408 bytes before its strings, 41 MB for 100,000 targets.
  std::deque<PlannedTarget> targets;
  std::vector<core::WaiverInfo> waivers;
  inventory::Metadata metadata;
  std::vector<std::string> inputs;
  std::vector<std::string> warnings;
};

// Add the targets of the Terraform plans (`--terraform`); a malformed plan is an error.
int load_plans(const AuditOptions& opt, const policy::RuleSet& rules, Inventory& inv, core::Diag& diag) {
  int errors = 0;
  for (const auto& path : opt.terraform) {
    auto plan = plan_targets(path, rules, opt.plan_tags);
    if (!plan) {
      diag.error("{}", plan.error().to_string());
      ++errors;
      continue;
    }
    inv.inputs.push_back(plan->file);
    if (opt.policies.empty()) {
      diag.error("{}: a Terraform plan names no policy; expected --policy ID", plan->file);
      ++errors;
    }
    for (const auto& s : plan->skipped) diag.debug("{}: skipped {}", plan->file, s);
    inv.warnings.insert(inv.warnings.end(), plan->warnings.begin(), plan->warnings.end());
    for (auto& t : plan->targets)
      inv.targets.push_back({std::move(t.target), opt.policies, std::make_unique<PlanLocation>(std::move(t.location))});
  }
  return errors;
}

core::Result<Inventory> load_inventory(const AuditOptions& opt, const policy::RuleSet& rules, core::Date as_of,
                                       core::Diag& diag) {
  Inventory inv;
  int errors = 0;
  auto report = [&](const inventory::Diagnostics& diags) {
    for (const auto& d : diags) diag.error("{}", d.to_string());
    errors += static_cast<int>(diags.size());
  };
  for (const auto& path : opt.manifests) {
    inventory::Diagnostics diags;
    auto m = inventory::load_manifest(path, {as_of}, diags);
    if (!m) {
      if (diags.empty()) diags.push_back(m.error());
      report(diags);
      continue;
    }
    if (inv.inputs.empty()) inv.metadata = m->metadata;
    inv.inputs.push_back(m->file);
    for (const auto& entry : m->targets) {
      inv.targets.push_back({entry.target, opt.policies.empty() ? m->policies_for(entry) : opt.policies, nullptr});
    }
    inv.waivers.insert(inv.waivers.end(), m->waivers.begin(), m->waivers.end());
  }
  for (const auto& path : opt.lists) {
    inventory::Diagnostics diags;
    auto targets = inventory::load_list(path, diags);
    if (!targets) {
      if (diags.empty()) diags.push_back(targets.error());
      report(diags);
      continue;
    }
    inv.inputs.push_back(path == "-" ? std::string(inventory::k_stdin_name) : path.string());
    if (opt.policies.empty()) {
      diag.error("{}: a plain list names no policy; expected --policy ID", path.string());
      ++errors;
    }
    for (auto& t : *targets) inv.targets.push_back({std::move(t), opt.policies, nullptr});
  }
  errors += load_plans(opt, rules, inv, diag);
  // Views of the ids, which stay where they are: this set is built on top of the whole inventory,
  // so it sets the audit's high-water mark (a set of copies was 10 MB at 100,000 targets).
  std::unordered_set<std::string_view> ids;
  ids.reserve(inv.targets.size());
  for (const auto& p : inv.targets) {
    if (p.target.credentials_dropped)
      inv.warnings.push_back(core::credentials_dropped_warning(p.target.declared_at.to_string(), p.target.value));
    if (!ids.insert(p.target.id).second) {
      diag.error("{}: target id '{}' is declared twice; expected unique ids across inputs",
                 p.target.declared_at.to_string(), p.target.id);
      ++errors;
    }
  }
  if (errors > 0) return core::fail(core::ErrorCode::config, fmt::format("{} problem(s) in the inventory", errors));
  if (inv.targets.empty() && opt.terraform.empty()) {
    return core::fail(core::ErrorCode::usage,
                      "nothing to audit; expected a manifest, a list of targets or a Terraform plan");
  }
  return inv;
}

// Check that every policy named exists; report each unknown one with a hint.
core::Result<void> check_policies(const Inventory& inv, const policy::RuleSet& rules, core::Diag& diag) {
  std::vector<std::string> known;
  for (const auto& [id, p] : rules.policies) known.push_back(id);
  std::set<std::string> reported;
  for (const auto& t : inv.targets) {
    if (t.policies.empty()) {
      diag.error("{}: target '{}' has no policy; expected `policies:` in the manifest or --policy",
                 t.target.declared_at.to_string(), t.target.id);
      return core::fail(core::ErrorCode::config, "a target has no policy");
    }
    for (const auto& id : t.policies) {
      if (rules.policies.contains(id) || !reported.insert(id).second) continue;
      auto hint = core::closest(id, known);
      diag.error("unknown policy '{}'{}; expected one of: {}", id,
                 hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", fmt::join(known, ", "));
    }
  }
  if (!reported.empty()) return core::fail(core::ErrorCode::config, "unknown policy");
  return {};
}

// PTR is asked for with --ptr, or when a requirement that applies reads dns.ptr.
PtrLookup ptr_lookup(const AuditOptions& opt, const Inventory& inv, const policy::RuleSet& rules) {
  if (opt.ptr) return PtrLookup::yes;
  for (const auto& t : inv.targets) {
    for (const auto& pid : t.policies) {
      for (const auto& req : rules.policies.at(pid).requirements) {
        if (!policy::applies(req, t.target.tags)) continue;
        const auto read = policy::facts_read(req.check);
        if (std::ranges::find(read, "dns.ptr") != read.end()) return PtrLookup::yes;
      }
    }
  }
  return PtrLookup::no;
}

core::Result<Recording> observe_all(const AuditOptions& opt, const Inventory& inv, core::Date as_of, PtrLookup ptr,
                                    const probe::DnsProgress& progress) {
  Recording rec;
  rec.tool_version = opt.tool_version;
  rec.started_at = opt.started_at;
  rec.as_of = as_of;
  rec.host = opt.host;
  std::vector<core::Target> targets;
  for (const auto& p : inv.targets) targets.push_back(p.target);
  if (dns_requests(targets).empty()) return rec;  // cloud resources only: no resolver is needed
  auto dns = resolve_targets(targets, opt.dns, progress, ptr);
  if (!dns) return std::unexpected(dns.error());
  rec.dns = std::move(*dns);
  const HttpsScope scope = opt.https_all_hosts ? HttpsScope::all_hosts : HttpsScope::declared;
  if (auto ok = probe_https_targets(targets, scope, opt.https, opt.dns, rec, progress); !ok)
    return std::unexpected(ok.error());
  return rec;
}

std::string join(const core::Fact* f) {
  if (f == nullptr || f->status != core::FactStatus::known) return {};
  std::vector<std::string> v = f->values;
  std::sort(v.begin(), v.end());
  return fmt::format("{}", fmt::join(v, ", "));
}

std::string leaf_text(const policy::LeafResult& leaf) {
  std::string actual = leaf.present ? fmt::format("[{}]", fmt::join(leaf.actual, ", ")) : "missing";
  if (leaf.present && leaf.fact_status != core::FactStatus::known)
    actual += fmt::format(" ({})", core::to_string(leaf.fact_status));
  return fmt::format("{} {} {}: {} → {}{}", leaf.fact, policy::to_string(leaf.op), leaf.expected, actual,
                     policy::to_string(leaf.value), leaf.detail.empty() ? "" : " (" + leaf.detail + ")");
}

// The predicate trace (explanation) is written only with --explain, so it is built only then.
core::Finding judge(const policy::RuleSet& rules, const policy::Requirement& req, const core::TargetReport& t,
                    core::Date as_of, bool explain) {
  policy::RequirementResult r = policy::evaluate(rules, req, t.facts, as_of);
  core::Finding f;
  f.target_id = t.target.id;
  f.requirement_id = req.id;
  f.policy_id = req.policy;
  f.severity = req.severity;
  f.verdict = f.raw_verdict = r.verdict;
  f.message = finding_sentence(rules, req, r, t, as_of);
  if (explain) {
    for (const auto& leaf : r.explanation.leaves) f.explanation.push_back(leaf_text(leaf));
  }
  f.entity = join(t.facts.find("controlled_by.entities"));
  f.jurisdiction = join(t.facts.find("controlled_by.countries"));
  return f;
}

bool counts(const core::Finding& f, const policy::Requirement& req, const AuditOptions& opt) {
  if (opt.fail_on_none || f.severity < opt.fail_on) return false;
  if (f.verdict == core::Verdict::fail) return true;
  return f.verdict == core::Verdict::unknown && opt.fail_on_unknown && req.on_unknown == policy::OnUnknown::fail;
}

core::RequirementInfo info_of(const policy::Requirement& req) {
  core::RequirementInfo info{req.id,        req.policy,      req.title, req.severity,
                             req.rationale, req.remediation, {},        std::string(policy::to_string(req.on_unknown))};
  for (const auto& ref : req.references) info.references.push_back({ref.citation, ref.url});
  return info;
}

// Targets judged at a time by several threads: enough to keep every thread busy, few enough that
// a batch's reports are still in the caches when this thread stores them. One thread judges and
// stores one target at a time, as before there were threads.
constexpr std::size_t k_batch = 64;
std::size_t batch_size(unsigned jobs) { return jobs > 1 ? k_batch : 1; }

// The threads that judge `targets` targets: --jobs as given, else one per CPU (at most 8), or
// one for a small audit, where starting threads would cost more than they save.
unsigned judging_threads(int jobs, std::size_t targets) {
  if (jobs > 0) return static_cast<unsigned>(jobs);
  if (targets < 512) return 1;
  return std::clamp(std::thread::hardware_concurrency(), 1U, 8U);
}

// Calls fn(i, thread) for every i < count: started on helper threads 1…N (each taking the next i
// in turn), which go on while this thread does other work, then finished with this thread's help
// (thread 0). The first exception a call throws is rethrown by finish, once every thread has
// stopped.
class ParallelFor {
 public:
  ParallelFor() = default;
  ParallelFor(const ParallelFor&) = delete;
  ParallelFor& operator=(const ParallelFor&) = delete;
  ~ParallelFor() { stop(); }

  void start(std::size_t count, unsigned helpers, std::function<void(std::size_t, unsigned)> fn) {
    m_count = count;
    m_next = 0;
    m_fn = std::move(fn);
    m_failure = nullptr;
    for (unsigned t = 1; t <= helpers && t < count; ++t) m_helpers.emplace_back([this, t] { work(t); });
  }
  void finish() {
    work(0);
    stop();
    if (m_failure) std::rethrow_exception(std::exchange(m_failure, nullptr));
  }

 private:
  void work(unsigned thread) {
    try {
      for (std::size_t i = m_next++; i < m_count; i = m_next++) m_fn(i, thread);
    } catch (...) {
      const std::lock_guard lock(m_failure_mutex);
      if (!m_failure) m_failure = std::current_exception();
      m_next = m_count;  // the others stop at their next item
    }
  }
  void stop() {
    m_next = m_count;   // nothing more is started (a no-op once every item is taken)
    m_helpers.clear();  // joined
  }

  std::size_t m_count = 0;
  std::atomic<std::size_t> m_next{0};
  std::function<void(std::size_t, unsigned)> m_fn;
  std::mutex m_failure_mutex;
  std::exception_ptr m_failure;
  std::vector<std::jthread> m_helpers;
};

// One target judged: its report, its findings in report order, the warnings judging it gave,
// and the policies it was judged against.
struct Judged {
  core::TargetReport report;
  std::vector<core::Finding> findings;
  std::vector<std::string> warnings;
  std::vector<std::string> policies;
  bool from_plan = false;
};

// Observe, place and judge one target, reading only what every thread may share (the recording,
// the rules, the options) and `geoip`, which is this thread's.
void judge_target(PlannedTarget& planned, Judged& out, const Recording& rec, const geo::DatabaseSet& geoip,
                  const policy::RuleSet& rules, core::Date as_of, const AuditOptions& opt) {
  // The report takes the inventory's entry: one copy of each target, not two.
  out.report = observe_target(std::move(planned.target), rec, geoip, rules, as_of, out.warnings);
  core::TargetReport& t = out.report;
  if (planned.plan) apply_plan_location(*planned.plan, rules, t);
  t.placement = place(rules, t.facts, as_of);  // after the plan's location replaced the facts
  t.facts.shrink_to_fit();
  for (const auto& pid : planned.policies) {
    for (const auto& req : rules.policies.at(pid).requirements) {
      if (!policy::applies(req, t.target.tags)) continue;
      core::Finding f = judge(rules, req, t, as_of, opt.explain);
      f.counts_as_failure = counts(f, req, opt);
      if (f.verdict == core::Verdict::unknown && req.on_unknown == policy::OnUnknown::warn) {
        out.warnings.push_back(fmt::format("{}: {} is unknown: {}", f.target_id, f.requirement_id, f.message));
      }
      out.findings.push_back(std::move(f));
    }
  }
  std::sort(out.findings.begin(), out.findings.end(), core::finding_before);
  out.policies = std::move(planned.policies);
  out.from_plan = planned.plan != nullptr;
  planned = PlannedTarget{};  // the rest of the inventory's entry, freed by the thread that judged it
}

// "target 'x': no requirement of fr-health-data applies to it (they select classification: health)".
std::string not_applicable(const core::Target& target, const std::vector<std::string>& policy_ids,
                           const policy::RuleSet& rules) {
  std::set<std::string> selectors;
  for (const auto& pid : policy_ids) {
    for (const auto& req : rules.policies.at(pid).requirements) {
      for (const auto& [tag, values] : req.applies_to)
        selectors.insert(fmt::format("{}: {}", tag, fmt::join(values, " or ")));
    }
  }
  return fmt::format("target '{}': no requirement of {} applies to it{}; it is not judged", target.id,
                     fmt::join(policy_ids, ", "),
                     selectors.empty() ? "" : fmt::format(" (they select {})", fmt::join(selectors, "; ")));
}

// Certifications of declared offers that lapsed, lapse soon or are no longer confirmed: one
// warning per certification, naming the targets that declared it.
class CertificationNotices {
 public:
  void add(const core::TargetReport& t, core::Date as_of) {
    for (const auto& c : t.certifications) {
      std::string what;
      if (c.state == "expired" || c.state == "unconfirmed") {
        what = c.why;
      } else if (c.state == "valid" && !c.until.empty()) {
        auto until = core::parse_date_span(c.until);
        const long days = until ? until->earliest.days_since(as_of) : -1;
        if (days < 0 || days > k_expiry_notice_days) continue;
        what = fmt::format("ends on {}, in {} day{}; check for a renewal", c.until, days, days == 1 ? "" : "s");
      } else {
        continue;
      }
      auto& entry = m_entries[c.scheme + ":" + c.offer];
      if (entry.text.empty()) {
        entry.text = fmt::format("{} {} of {}{} {}", policy::scheme_name(c.scheme), policy::scheme_noun(c.scheme),
                                 c.offer, c.reference.empty() ? "" : " (" + c.reference + ")", what);
      }
      entry.targets.insert(t.target.id);
    }
  }

  void write(std::vector<std::string>& warnings) const {
    for (const auto& [key, e] : m_entries) {
      warnings.push_back(fmt::format("{} (declared by {})", e.text, fmt::join(e.targets, ", ")));
    }
  }

 private:
  struct Entry {
    std::string text;
    std::set<std::string> targets;
  };
  std::map<std::string, Entry> m_entries;
};

// Every file the audit reads (the outputs must not name one of them).
std::vector<std::filesystem::path> input_paths(const AuditOptions& opt) {
  std::vector<std::filesystem::path> in;
  for (const auto* group : {&opt.manifests, &opt.lists, &opt.terraform, &opt.geoip})
    in.insert(in.end(), group->begin(), group->end());
  if (opt.baseline) in.push_back(*opt.baseline);
  if (opt.facts) in.push_back(*opt.facts);
  std::error_code ec;
  for (const auto& dir : opt.rules.dirs) {
    in.push_back(dir);
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::end(it);
         it.increment(ec))
      in.push_back(it->path());
  }
  return in;
}

// Refuse an output that is missing its folder, is a folder, cannot be written, names an input,
// or names another output.
core::Result<void> check_output_paths(const AuditOptions& opt) {
  std::vector<core::OutputPath> outputs = opt.report_outputs;
  if (opt.save_facts) {
    auto out = core::check_output_path(*opt.save_facts, "--save-facts");
    if (!out) return std::unexpected(out.error());
    outputs.push_back(*out);
  }
  const auto inputs = input_paths(opt);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const auto& out = outputs[i];
    const std::string_view what = opt.save_facts && i + 1 == outputs.size() ? "--save-facts" : "--output";
    if (auto ok = core::refuse_input_overwrite(out, inputs, what); !ok) return ok;
    for (std::size_t j = 0; j < i; ++j) {
      if (out.target == outputs[j].target ||
          (out.has_identity && outputs[j].has_identity && out.dev == outputs[j].dev && out.ino == outputs[j].ino))
        return core::fail(core::ErrorCode::usage, "--save-facts and --output name the same file",
                          out.requested.string());
    }
  }
  return {};
}

}  // namespace

std::vector<std::string> certification_notices(const std::vector<core::TargetReport>& targets, core::Date as_of) {
  CertificationNotices notices;
  for (const auto& t : targets) notices.add(t, as_of);
  std::vector<std::string> out;
  notices.write(out);
  return out;
}

void sort_result(core::AuditResult& result) {
  auto by_id = [](const core::TargetReport& a, const core::TargetReport& b) { return a.target.id < b.target.id; };
  if (!std::is_sorted(result.targets.begin(), result.targets.end(), by_id))
    std::sort(result.targets.begin(), result.targets.end(), by_id);
  // run() judges targets in id order, so this is usually one linear check (sorting 300,000
  // findings by string keys was 6 % of a 100k replay).
  if (!std::is_sorted(result.findings.begin(), result.findings.end(), core::finding_before))
    std::sort(result.findings.begin(), result.findings.end(), core::finding_before);
  std::sort(result.requirements.begin(), result.requirements.end(),
            [](const auto& a, const auto& b) { return std::tie(a.policy_id, a.id) < std::tie(b.policy_id, b.id); });
}

void settle_warnings(std::vector<std::string>& warnings) {
  std::sort(warnings.begin(), warnings.end());
  warnings.erase(std::unique(warnings.begin(), warnings.end()), warnings.end());
}

core::Result<core::Shard> parse_shard(std::string_view text) {
  auto bad = [&] {
    return core::fail(core::ErrorCode::usage,
                      fmt::format("--shard '{}': expected K/N with 1 <= K <= N <= 65536, e.g. 1/4", text));
  };
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return bad();
  auto number = [](std::string_view s) -> std::optional<int> {
    if (s.empty() || s.size() > 5) return std::nullopt;
    int v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return v;
  };
  const auto k = number(text.substr(0, slash));
  const auto n = number(text.substr(slash + 1));
  if (!k || !n || *n < 1 || *n > 65536 || *k < 1 || *k > *n) return bad();
  return core::Shard{*k, *n, 0};
}

bool in_shard(std::string_view target_id, const core::Shard& shard) {
  return core::stable_hash64(target_id) % static_cast<std::uint64_t>(shard.count) ==
         static_cast<std::uint64_t>(shard.index - 1);
}

int exit_code_of(const core::AuditResult& result) {
  if (result.fail_on_none) return 0;  // --fail-on none turns off exits 1 and 3, stale data included
  bool unknown = false;
  for (const auto& f : result.findings) {
    if (!f.counts_as_failure) continue;
    if (f.verdict == core::Verdict::fail) return 1;
    if (f.verdict == core::Verdict::unknown) unknown = true;
  }
  if (unknown) return 3;
  const bool stale = std::any_of(result.data_sources.begin(), result.data_sources.end(),
                                 [](const core::DataSource& s) { return s.stale; });
  return stale && result.fail_on_stale_data ? 3 : 0;
}

core::Result<core::AuditResult> run(const AuditOptions& opt, core::Diag& diag, const probe::DnsProgress& progress) {
  // Every path is checked before anything is probed: a bad --baseline, --save-facts or
  // --output is exit 2 with nothing sent.
  if (auto ok = check_output_paths(opt); !ok) return std::unexpected(ok.error());
  std::optional<Baseline> baseline;
  if (opt.baseline) {
    auto base = load_baseline(*opt.baseline);
    if (!base) return std::unexpected(base.error());
    baseline = std::move(*base);
  }
  // Recorded facts fix the audit date, start time and host, so a replay renders the same reports.
  std::optional<Recording> replay;
  if (opt.facts) {
    auto rec = load_recording(*opt.facts);
    if (!rec) return std::unexpected(rec.error());
    replay = std::move(*rec);
  }
  const core::Date as_of = opt.as_of ? *opt.as_of : replay ? replay->as_of : core::today_utc();

  policy::LoadOptions rule_opts = opt.rules;
  rule_opts.as_of = as_of;
  auto rules = policy::load_rules(rule_opts, diag);
  if (!rules) return std::unexpected(rules.error());
  auto inv = load_inventory(opt, *rules, as_of, diag);
  if (!inv) return std::unexpected(inv.error());
  if (auto ok = check_policies(*inv, *rules, diag); !ok) return std::unexpected(ok.error());
  // Only targets typed by a person: a plan's unknown region is a warning instead. Pointers, not
  // copies: a copy of 100,000 targets was 43 MB of heap that the judging loop never got back.
  const int n = [&] {
    std::vector<const core::Target*> declared;
    for (const auto& p : inv->targets) {
      if (!p.plan) declared.push_back(&p.target);
    }
    return check_declared_ids(declared, *rules, diag);
  }();
  if (n > 0) {
    return core::fail(core::ErrorCode::config,
                      fmt::format("{} unknown id{} in the inventory; nothing was probed", n, n == 1 ? "" : "s"));
  }
  // A plan that creates nothing to judge (only deletions, data sources, no-ops or utility
  // resources) is an empty audit that is expected, not a configuration mistake.
  const bool nothing_planned = inv->targets.empty() && !opt.terraform.empty();
  std::optional<core::Shard> shard = opt.shard;
  if (shard) {
    // After every check of the whole inventory, so each shard refuses the same mistakes.
    shard->inventory_targets = inv->targets.size();
    std::erase_if(inv->targets, [&](const PlannedTarget& p) { return !in_shard(p.target.id, *shard); });
  }
  auto geoip = geo::DatabaseSet::open(opt.geoip);
  if (!geoip) return std::unexpected(geoip.error());

  Recording rec;
  if (replay) {
    rec = std::move(*replay);
    rec.as_of = as_of;
  } else {
    auto live = observe_all(opt, *inv, as_of, ptr_lookup(opt, *inv, *rules), progress);
    if (!live) return std::unexpected(live.error());
    rec = std::move(*live);
  }
  if (opt.save_facts) {
    if (auto ok = core::write_file_atomic(*opt.save_facts, to_json(rec), "--save-facts"); !ok)
      return std::unexpected(ok.error());
  }

  core::AuditResult result;
  result.tool_version = opt.tool_version;
  result.started_at = rec.started_at;
  result.host = rec.host;
  result.as_of = as_of;
  result.organisation = inv->metadata.organisation;
  result.auditor = inv->metadata.auditor;
  result.scope = inv->metadata.scope;
  result.inputs = inv->inputs;
  result.fail_on = opt.fail_on;
  result.fail_on_unknown = opt.fail_on_unknown;
  result.fail_on_none = opt.fail_on_none;
  result.explain = opt.explain;
  result.shard = shard;
  result.sources = geoip_sources(*geoip);
  result.max_data_age_days = opt.max_data_age_days;
  result.fail_on_stale_data = opt.fail_on_stale_data;
  for (const auto& f : rules->files) result.sources.push_back({"rules", f, ""});
  result.warnings = inv->warnings;
  result.data_sources = geo::data_sources(*geoip, as_of, opt.max_data_age_days);
  for (const auto& s : result.data_sources) {
    if (s.stale) result.warnings.push_back(geo::stale_warning(s, opt.max_data_age_days));
  }
  if (geoip->empty()) {
    result.warnings.push_back(
        "no GeoIP database: locations are unknown (scripts/fetch-geoip.sh fetches the default data)");
  }

  std::set<std::string> policies;
  std::set<std::pair<std::string, std::string>> requirements;
  struct Unjudged {
    std::string first;  // the warning about the first of them
    std::size_t count = 0;
  };
  std::map<std::string, Unjudged> unjudged;  // plan file → resources no requirement applies to
  // Targets are judged in id order, so findings come out in report order (sort_result then only
  // checks it) and targets need no sort. Ids are unique (load_inventory), so no sort needs to be
  // stable.
  std::sort(inv->targets.begin(), inv->targets.end(),
            [](const PlannedTarget& a, const PlannedTarget& b) { return a.target.id < b.target.id; });
  const std::size_t judged_targets = inv->targets.size();
  std::size_t judgements = 0;  // every finding to come, so the findings are never moved to grow
  for (const auto& planned : inv->targets) {
    for (const auto& pid : planned.policies) {
      for (const auto& req : rules->policies.at(pid).requirements)
        judgements += policy::applies(req, planned.target.tags);
    }
  }
  if (!opt.on_target) result.targets.reserve(judged_targets);
  result.findings.reserve(judgements);
  CertificationNotices notices;
  // Targets are judged a batch at a time by `jobs` threads, each looking up through GeoIP
  // databases of its own (their record caches are not shared); this thread takes each batch's
  // results in id order, so every report is the same for any number of threads.
  const unsigned jobs = judging_threads(opt.jobs, judged_targets);
  std::vector<geo::DatabaseSet> thread_geoip;
  for (unsigned w = 1; w < jobs; ++w) thread_geoip.push_back(geoip->for_thread());
  // Two batches: while helper threads judge the next, this thread takes the results of the last
  // (streams its targets, keeps its findings), then helps finish the next.
  struct Batch {
    std::vector<PlannedTarget> planned;
    std::vector<Judged> judged;
  };
  Batch next, done;
  ParallelFor judging;
  std::size_t taken = 0;
  auto start_batch = [&](Batch& batch) {
    // Taken out of the inventory, whose slots are freed at once (memory stays flat as targets
    // are judged and, with on_target, streamed away).
    batch.planned.clear();
    while (batch.planned.size() < batch_size(jobs) && !inv->targets.empty()) {
      batch.planned.push_back(std::move(inv->targets.front()));
      inv->targets.pop_front();
    }
#if defined(__GLIBC__)
    // The slots are freed in the middle of the heap, which glibc keeps, while the findings grow
    // into pages of their own: give the free pages back now and then (peak RSS of the
    // 100,000-target replay 227 -> 209 MB; a trim is a walk of the free lists, 13 of them here).
    // Every 512 targets, not 8,192: each judging thread has an arena of its own, where the
    // reports this thread frees leave holes (two threads, JSON: 199.4 -> 194.4 MB).
    if (taken / 512 != (taken + batch.planned.size()) / 512) malloc_trim(0);
#endif
    taken += batch.planned.size();
    batch.judged.clear();
    batch.judged.resize(batch.planned.size());
    judging.start(batch.planned.size(), jobs - 1, [&, b = &batch](std::size_t i, unsigned thread) {
      judge_target(b->planned[i], b->judged[i], rec, thread == 0 ? *geoip : thread_geoip[thread - 1], *rules, as_of,
                   opt);
    });
  };
  if (!inv->targets.empty()) start_batch(next);
  while (!next.planned.empty()) {
    judging.finish();
    std::swap(next, done);
    next.planned.clear();
    if (!inv->targets.empty()) start_batch(next);
    for (Judged& j : done.judged) {
      core::TargetReport& t = j.report;
      for (const auto& pid : j.policies) {
        policies.insert(pid);
        for (const auto& req : rules->policies.at(pid).requirements) {
          if (policy::applies(req, t.target.tags) && requirements.insert({pid, req.id}).second)
            result.requirements.push_back(info_of(req));
        }
      }
      std::move(j.findings.begin(), j.findings.end(), std::back_inserter(result.findings));
      std::move(j.warnings.begin(), j.warnings.end(), std::back_inserter(result.warnings));
      if (j.findings.empty()) {
        // A plan's untagged resources are told once per plan, not once each (plans hold thousands).
        if (j.from_plan) {
          Unjudged& u = unjudged[t.target.declared_at.file];
          if (u.count++ == 0) u.first = not_applicable(t.target, j.policies, *rules);
        } else {
          result.warnings.push_back(not_applicable(t.target, j.policies, *rules));
        }
      }
      notices.add(t, as_of);
      if (opt.on_target) {
        opt.on_target(t);
      } else {
        result.targets.push_back(std::move(t));
      }
      j = Judged{};  // its strings and vectors freed now, before the next batch is judged
    }
  }
  result.policies.assign(policies.begin(), policies.end());
  for (auto& [file, u] : unjudged) {
    std::string w = std::move(u.first);
    if (u.count > 1) w += fmt::format(" (and so are {} more resources of {})", u.count - 1, file);
    result.warnings.push_back(std::move(w));
  }
  notices.write(result.warnings);
  if (shard && result.findings.empty()) {
    // One part of a split inventory may hold no judged target; the merged report is what counts.
    result.warnings.push_back(fmt::format("shard {}/{} holds {} of the inventory's {} targets and no finding",
                                          shard->index, shard->count, judged_targets, shard->inventory_targets));
  } else if (nothing_planned) {
    result.warnings.push_back(
        "the Terraform plan creates or changes no resource of a cloud provider: nothing to judge (exit 0)");
  } else if (result.findings.empty() && !opt.allow_empty) {
    for (const auto& w : result.warnings) diag.warning("{}", w);
    return core::fail(
        core::ErrorCode::config,
        "the audit has no finding: no requirement of the chosen policies applies to any target; expected tags "
        "the requirements select (see the warnings), or --allow-empty when an empty audit is expected");
  }

  result.waivers = inv->waivers;
  apply_waivers(result.findings, result.waivers, as_of, result.warnings);
  if (baseline) {
    apply_baseline(result.findings, *baseline);
    result.baseline_used = true;
  }

  sort_result(result);
  settle_warnings(result.warnings);
  result.exit_code = exit_code_of(result);
  return result;
}

}  // namespace audit
