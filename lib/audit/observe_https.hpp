// audit::observe_https: the HTTPS half of observing a target. Live, probe_https_targets probes
// the URL of every target that needs it at each address DNS found (redirect hops resolved on the
// way) and adds the chains to the recording; then, live or replayed, observe_https turns the
// recorded chain into facts (tls.terminated_by observed, tls.issuer.*, tls.version,
// tls.verification, http.server, http.edge_headers) and evidence, using the providers' `edge`
// data. Where no chain was recorded nothing is set, and observe.cpp's DNS inference applies.
#pragma once

#include "audit/recording.hpp"
#include "core/audit_result.hpp"
#include "core/date.hpp"
#include "core/target.hpp"
#include "geo/mmdb_reader.hpp"
#include "policy/attribute.hpp"
#include "policy/rule_set.hpp"
#include "probe/dns.hpp"
#include "probe/http.hpp"

#include <string>
#include <vector>

namespace audit {

// Which host targets are probed: those with `https: true`, or every one (--https).
enum class HttpsScope { declared, all_hosts };

// The URL a chain for `target` is recorded under: a url target's URL, https://HOST/ for a host
// target; "" for other kinds.
std::string https_url(const core::Target& target);
// True when `target` is probed over HTTP(S) under `scope` (url targets always).
bool wants_https(const core::Target& target, HttpsScope scope);

// Probe every target that wants it and add the chains (sorted by URL) and the DNS answers of
// redirect hops to `rec`. Fails only when a probe cannot be set up.
core::Result<void> probe_https_targets(const std::vector<core::Target>& targets, HttpsScope scope,
                                       const probe::HttpsOptions& https, const probe::DnsOptions& dns, Recording& rec,
                                       const probe::HttpsProgress& progress = {});

// Add the HTTPS facts and evidence of `target` to `report` when `rec` holds its chain. `own` is
// the attribution of the target's own addresses (the operators of the first hop's endpoints).
void observe_https(const core::Target& target, const Recording& rec, const geo::DatabaseSet& geoip,
                   const policy::RuleSet& rules, core::Date as_of, const policy::Attribution& own,
                   std::vector<std::string>& warnings, core::TargetReport& report);

}  // namespace audit
