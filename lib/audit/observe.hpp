// audit::observe_target: from a target, its DNS answers (live or recorded), the GeoIP databases
// and the rule packs, build the facts and the evidence chain that policies judge. This is the
// probe → geo → attribute half of the pipeline, shared by `residency probe` and `residency audit`.
#pragma once

#include "audit/recording.hpp"
#include "core/audit_result.hpp"
#include "core/date.hpp"
#include "core/target.hpp"
#include "geo/mmdb_reader.hpp"
#include "policy/attribute.hpp"
#include "policy/rule_set.hpp"
#include "probe/dns.hpp"

#include <string>
#include <vector>

namespace audit {

// The DNS name a target resolves (its host, unless that is an IP address); empty for IP
// addresses, URLs whose host is an IP address, and cloud resources.
std::string dns_name(const core::Target& target);

// Whether to ask PTR for every address (--ptr, or a policy reads dns.ptr).
enum class PtrLookup { no, yes };

// The DNS requests the targets need (one per distinct name; MX for mail domains), sorted.
std::vector<probe::DnsRequest> dns_requests(const std::vector<core::Target>& targets, PtrLookup ptr = PtrLookup::no);
// Requests for the MX hosts named in `results` that are not in `results` yet, sorted.
std::vector<probe::DnsRequest> mx_host_requests(const std::vector<probe::DnsResult>& results,
                                                PtrLookup ptr = PtrLookup::no);

// Resolve every name the targets need (then their MX hosts) and return the results sorted by
// name. Fails only when the resolver cannot be set up.
core::Result<std::vector<probe::DnsResult>> resolve_targets(const std::vector<core::Target>& targets,
                                                            const probe::DnsOptions& options,
                                                            const probe::DnsProgress& progress = {},
                                                            PtrLookup ptr = PtrLookup::no);

// Build the facts and evidence of `target`, which the report keeps (the audit moves each entry of
// its inventory in). Problems with a database (a corrupt entry) are appended to `warnings`; they
// make the affected facts unknown, never a pass.
core::TargetReport observe_target(core::Target target, const Recording& dns, const geo::DatabaseSet& geoip,
                                  const policy::RuleSet& rules, core::Date as_of, std::vector<std::string>& warnings);

// Attribute what `name` (a host name or an IP address) resolved to in `dns` as a host target's
// addresses would be: the HTTPS probe's redirect hops are attributed this way.
policy::Attribution attribute_host(const std::string& name, const Recording& dns, const geo::DatabaseSet& geoip,
                                   const policy::RuleSet& rules, core::Date as_of, std::vector<std::string>& warnings);

// Describe the databases of `geoip` as report data sources (file, type, build date).
std::vector<core::DataSource> geoip_sources(const geo::DatabaseSet& geoip);

}  // namespace audit
