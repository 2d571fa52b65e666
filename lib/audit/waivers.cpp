// Waivers on the audit date. First each waiver's date state is computed (expired when as_of is
// after its expiry, expiring within k_waiver_warning_days), then every failing or unknown
// finding looks for its first live waiver, else its first expired one, in declaration order.
// Last, waivers that matched nothing become `unused`. The order of findings and waivers is
// unchanged, so the output is deterministic.
#include "audit/waivers.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

namespace audit {

namespace {

using State = core::WaiverInfo::State;

bool matches(const core::WaiverInfo& w, const core::Finding& f) {
  return core::glob_match(w.requirement_glob, f.requirement_id) && core::glob_match(w.target_glob, f.target_id);
}

State date_state(const core::WaiverInfo& w, core::Date as_of) {
  if (as_of > w.expires) return State::expired;
  if (w.expires.days_since(as_of) <= k_waiver_warning_days) return State::expiring;
  return State::active;
}

// Return the waiver that applies to `f`: the first live match, else the first expired match.
core::WaiverInfo* find_waiver(const core::Finding& f, std::vector<core::WaiverInfo>& waivers) {
  core::WaiverInfo* expired = nullptr;
  for (auto& w : waivers) {
    if (!matches(w, f)) continue;
    if (w.state != State::expired) return &w;
    if (expired == nullptr) expired = &w;
  }
  return expired;
}

void waive(core::Finding& f, core::WaiverInfo& w) {
  ++w.matched;
  f.waiver_id = w.id;
  if (w.state == State::expired) {
    f.waiver_note = fmt::format("waiver {} expired on {}", w.id, w.expires.to_string());
    return;
  }
  f.raw_verdict = f.verdict;
  f.verdict = core::Verdict::waived;
  f.counts_as_failure = false;
}

std::string where(const core::WaiverInfo& w) {
  const std::string loc = w.declared_at.to_string();
  return loc.empty() ? std::string() : fmt::format(" ({})", loc);
}

void warn_about(const core::WaiverInfo& w, core::Date as_of, std::vector<std::string>& warnings) {
  switch (w.state) {
    case State::expiring:
      warnings.push_back(fmt::format("waiver {}{} expires on {} (in {} days); renew it or fix the findings it covers",
                                     w.id, where(w), w.expires.to_string(), w.expires.days_since(as_of)));
      break;
    case State::expired:
      if (w.matched == 0) {
        warnings.push_back(fmt::format("waiver {}{} expired on {} and matches nothing; remove it", w.id, where(w),
                                       w.expires.to_string()));
      } else {
        warnings.push_back(fmt::format("waiver {}{} expired on {}; {} finding{} no longer waived", w.id, where(w),
                                       w.expires.to_string(), w.matched, w.matched == 1 ? " is" : "s are"));
      }
      break;
    case State::unused:
      warnings.push_back(fmt::format("waiver {}{} matched no failing finding; remove it or fix its globs "
                                     "(requirement '{}', target '{}')",
                                     w.id, where(w), w.requirement_glob, w.target_glob));
      break;
    case State::active: break;
  }
}

}  // namespace

void apply_waivers(std::vector<core::Finding>& findings, std::vector<core::WaiverInfo>& waivers, core::Date as_of,
                   std::vector<std::string>& warnings) {
  for (auto& w : waivers) {
    w.state = date_state(w, as_of);
    w.matched = 0;
  }
  for (auto& f : findings) {
    if (f.verdict != core::Verdict::fail && f.verdict != core::Verdict::unknown) continue;
    if (core::WaiverInfo* w = find_waiver(f, waivers)) waive(f, *w);
  }
  settle_waivers(waivers, as_of, warnings);
}

void settle_waivers(std::vector<core::WaiverInfo>& waivers, core::Date as_of, std::vector<std::string>& warnings) {
  for (auto& w : waivers) {
    w.state = date_state(w, as_of);
    if (w.matched == 0 && w.state != State::expired) w.state = State::unused;
    warn_about(w, as_of, warnings);
  }
}

}  // namespace audit
