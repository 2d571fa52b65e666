// policy::attribute: turn raw observations about one target (declared cloud resource, CNAME
// chain, PTR names, ASNs, provider-range matches, GeoIP countries) into facts, using the rule
// data: provider → operating company (the provider's own entity, a subsidiary abroad or a
// region's own operator) → control countries → laws with extraterritorial reach, and the
// certifications of the declared offer on the audit date, for the regions they cover. Every
// step is kept as evidence. Precedence of provider evidence (docs/facts.md): declared >
// ip-range > cname-suffix > mx-suffix > ptr-suffix > asn.
#pragma once

#include "core/audit_result.hpp"
#include "core/date.hpp"
#include "core/facts.hpp"
#include "core/target.hpp"
#include "policy/rule_set.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace policy {

// An address found in a provider range database (geo's provider/region database).
struct RangeMatch {
  std::string address;
  std::string provider;  // provider id, as in rules/providers/<id>.yaml
  std::string region;    // region as stored in the feed, e.g. Azure "centralfrance"; may be empty
  std::string service;   // e.g. "AzureCloud", "EC2"; may be empty
  std::string source;    // database file and build date
};

// The GeoIP country of one address.
struct GeoCountry {
  std::string address;
  std::string country;  // ISO 3166-1 alpha-2; empty when not found
  core::FactStatus status = core::FactStatus::known;
  std::string source;     // database file and build date
  std::string kind = {};  // what the database holds: "geolocation", "registry" (WHOIS country of the
                          // registrant, not a location) or "provider-feed"; empty when unknown
};

struct AsnObservation {
  std::string address;
  std::uint32_t asn = 0;
  std::string source;
};

struct PtrName {
  std::string address;
  std::string name;
};

// How the target's facts come about: observed on the network (host, URL, IP, mail domain:
// declared tags are intent only), or the target is itself a declaration (cloud resource,
// Terraform resource: the declared provider and region are what there is to judge).
enum class Basis { observed, declared };

// What the probes and the inventory observed about one target.
struct Observations {
  std::string subject;  // the target's name (host, IP, resource id)
  Basis basis = Basis::observed;
  std::string declared_provider;                         // cloud-resource provider or the `provider` tag
  std::string declared_region;                           // canonical code or a feed alias
  std::string declared_offer;                            // the `offer` tag: the certified offer the target runs on
  std::optional<std::vector<std::string>> declared_tls;  // manifest tls_terminated_by: "origin" or ids
  // Why the target's name could not be observed (DNS failed, absent from the recording); then
  // every fact about where it is served and who controls it is unknown with this reason.
  std::string unobserved;
  // Why the answers are partial (AAAA timed out, an MX host failed); then the facts built from
  // the addresses are unknown, never complete.
  std::vector<std::string> incomplete;
  std::vector<std::string> addresses;  // every address the target resolves to
  // The names on the way to each address (the name asked and its CNAME targets); a name match
  // covers the addresses reached through it. Empty: a name match covers every address.
  std::map<std::string, std::vector<std::string>> address_names;
  std::vector<std::string> cname_chain;  // names after the target's own name, in order
  std::vector<std::string> mx_hosts;     // a mail domain's MX hosts and the names their CNAMEs reach
  std::vector<PtrName> ptr_names;
  std::vector<AsnObservation> asns;
  std::vector<RangeMatch> ranges;
  std::vector<GeoCountry> geo;
  bool anycast = false;                                       // a probe or database flagged the addresses as anycast
  std::optional<std::vector<std::string>> tls_terminated_by;  // passed through when observed
  std::string observed_at;                                    // ISO 8601 time, for provenance
};

// One reason to attribute the target to a provider.
struct ProviderMatch {
  std::string provider;
  std::string method;      // declared, ip-range, cname-suffix, mx-suffix, ptr-suffix, asn
  std::string confidence;  // high, medium, low
  std::string subject;     // the name or address that matched
  std::string value;       // the suffix, range or ASN that matched
};

struct Attribution {
  core::Facts facts;
  core::Evidence evidence;
  std::vector<ProviderMatch> matches;                     // in precedence order
  std::vector<core::CertificationStatus> certifications;  // of the declared offer, one per scheme
};

// Fill the declared provider/region/offer from a target (cloud-resource fields, or tags
// `provider`, `region`, `offer`), its basis and its declared TLS terminators.
Observations declared_observations(const core::Target& target);
// Attribute `obs` using `rules` on date `as_of`.
Attribution attribute(const RuleSet& rules, const Observations& obs, core::Date as_of);

}  // namespace policy
