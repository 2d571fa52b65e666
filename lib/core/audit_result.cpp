// Lookups and counts over the result model; the one place verdicts are counted.
#include "core/audit_result.hpp"

#include "core/target_store.hpp"
#include "core/text.hpp"

#include <algorithm>

namespace core {

namespace {

void add(Counts& c, Verdict v) {
  switch (v) {
    case Verdict::pass: ++c.pass; break;
    case Verdict::fail: ++c.fail; break;
    case Verdict::unknown: ++c.unknown; break;
    case Verdict::waived: ++c.waived; break;
  }
}

}  // namespace

std::string fingerprint(std::string_view target_id, std::string_view requirement_id, std::string_view entity,
                        std::string_view jurisdiction) {
  constexpr char separator = '\x1f';  // the ASCII unit separator never appears in ids
  std::string key;
  key.reserve(target_id.size() + requirement_id.size() + entity.size() + jurisdiction.size() + 3);
  key.append(target_id).append(1, separator).append(requirement_id).append(1, separator);
  key.append(entity).append(1, separator).append(jurisdiction);
  return stable_hash(key);
}

std::string fingerprint_of(const Finding& finding) {
  if (!finding.fingerprint.empty()) return finding.fingerprint;
  return fingerprint(finding.target_id, finding.requirement_id, finding.entity, finding.jurisdiction);
}

Counts AuditResult::counts() const {
  Counts c;
  for (const auto& f : findings) add(c, f.verdict);
  return c;
}

std::optional<int> Counts::pass_percent() const {
  if (total() == 0) return std::nullopt;
  return static_cast<int>(static_cast<long long>(pass) * 100 / total());
}

Counts AuditResult::counts_for_policy(const std::string& policy_id) const {
  Counts c;
  for (const auto& f : findings) {
    if (f.policy_id == policy_id) add(c, f.verdict);
  }
  return c;
}

const RequirementInfo* AuditResult::requirement(std::string_view policy_id, std::string_view id) const {
  for (const auto& r : requirements) {
    if (r.policy_id == policy_id && r.id == id) return &r;
  }
  return nullptr;
}

std::size_t AuditResult::target_count() const { return targets.size() + (stored_targets ? stored_targets->size() : 0); }

namespace {

// Reports look a target up once per finding: logarithmic on the sorted vector, and still right
// (a scan) for a result built in another order.
const TargetReport* find_held(const std::vector<TargetReport>& targets, std::string_view id) {
  auto it = std::lower_bound(targets.begin(), targets.end(), id,
                             [](const TargetReport& t, std::string_view key) { return t.target.id < key; });
  if (it != targets.end() && it->target.id == id) return &*it;
  for (const auto& t : targets) {
    if (t.target.id == id) return &t;
  }
  return nullptr;
}

// A pointer that owns nothing (the aliasing constructor: no allocation), to what the result holds.
template <typename T>
std::shared_ptr<const T> unowned(const T* p) {
  return std::shared_ptr<const T>(std::shared_ptr<void>(), p);
}

}  // namespace

std::shared_ptr<const TargetReport> AuditResult::target(std::string_view id) const {
  if (const TargetReport* t = find_held(targets, id)) return unowned(t);
  return stored_targets ? stored_targets->find(id) : nullptr;
}

std::shared_ptr<const Evidence> AuditResult::evidence_of(const Finding& finding) const {
  static const Evidence k_none;
  if (const TargetReport* t = find_held(targets, finding.target_id)) return unowned(&t->evidence);
  // A stored target's chain is read alone, without the rest of its target.
  if (stored_targets) {
    if (auto evidence = stored_targets->find_evidence(finding.target_id)) return evidence;
  }
  return unowned(&k_none);
}

void AuditResult::for_each_target(const std::function<void(const TargetReport&)>& visit) const {
  auto by_id = [](const TargetReport* a, const TargetReport* b) { return a->target.id < b->target.id; };
  std::vector<const TargetReport*> held;
  held.reserve(targets.size());
  for (const auto& t : targets) held.push_back(&t);
  if (!std::is_sorted(held.begin(), held.end(), by_id)) std::stable_sort(held.begin(), held.end(), by_id);
  for (const auto* t : held) visit(*t);
  if (stored_targets) stored_targets->for_each(visit);
}

Result<void> AuditResult::targets_readable() const {
  return stored_targets ? stored_targets->status() : Result<void>{};
}

std::string_view to_string(Placement::Served served) {
  switch (served) {
    case Placement::Served::eea:
      return "eea";
    case Placement::Served::adequate:
      return "adequate";
    case Placement::Served::elsewhere:
      return "elsewhere";
    case Placement::Served::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view to_string(Placement::Control control) {
  switch (control) {
    case Placement::Control::eu:
      return "eu";
    case Placement::Control::non_eu:
      return "non-eu";
    case Placement::Control::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view to_string(WaiverInfo::State state) {
  switch (state) {
    case WaiverInfo::State::active: return "active";
    case WaiverInfo::State::expiring: return "expiring";
    case WaiverInfo::State::expired: return "expired";
    case WaiverInfo::State::unused: return "unused";
  }
  return "active";
}

}  // namespace core
