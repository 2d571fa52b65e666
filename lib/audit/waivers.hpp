// audit::apply_waivers: turn failing findings covered by a manifest waiver into `waived`, and
// give every waiver its state on the audit date (active, expiring, expired, unused).
#pragma once

#include "core/audit_result.hpp"
#include "core/date.hpp"

#include <string>
#include <vector>

namespace audit {

// Days before expiry at which a waiver is reported as expiring.
inline constexpr long k_waiver_warning_days = 30;

// Waive each fail/unknown finding matched by a waiver (requirement glob on requirement_id, target
// glob on target_id) that has not expired on `as_of`; the first matching waiver in declaration
// order wins, and an unexpired one beats an expired one. A finding matched only by expired
// waivers keeps failing and gets a waiver_note. Sets each waiver's state and match count and
// appends a warning per expiring, expired or unused waiver, in waiver order.
void apply_waivers(std::vector<core::Finding>& findings, std::vector<core::WaiverInfo>& waivers, core::Date as_of,
                   std::vector<std::string>& warnings);
// Give each waiver its state from its expiry and match count (unused when it matched nothing and
// has not expired) and append its warning; apply_waivers ends with this, and merging shard
// reports calls it on the summed counts.
void settle_waivers(std::vector<core::WaiverInfo>& waivers, core::Date as_of, std::vector<std::string>& warnings);

}  // namespace audit
