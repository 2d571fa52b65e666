// From recorded HTTPS chains to facts. Who terminates TLS at an address is decided per endpoint:
//   - a response header listed in a provider's `edge` (method header, confidence high);
//   - the leaf certificate's issuer listed in a provider's `edge` (method certificate);
//   - the operator of the address itself, from attribution (ip-range, asn, cname-suffix,
//     ptr-suffix): whoever runs the address the handshake completed at holds the session.
// tls.terminated_by is the union over every endpoint of every hop (each hop of a redirect reads
// the request in clear). It is a complete list (docs/facts.md), so it is `known` only when every
// endpoint answered with a verified TLS session (or plain HTTP), its headers were read in full,
// and a terminator was identified; otherwise it is `unknown` with the first reason (refused by
// the SSRF guard, timeout, failed verification, no edge network recognised, …) and keeps the
// candidates seen as values, so that a probe failure is never a pass.
#include "audit/observe_https.hpp"

#include "audit/observe.hpp"
#include "core/text.hpp"
#include "policy/edge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace audit {

namespace {

struct Terminator {
  std::string provider;
  std::string method;
  std::string what;
  std::string confidence;
  std::string source;
};

// What one endpoint contributes.
struct EndpointView {
  std::vector<Terminator> terminators;
  std::string problem;  // why this endpoint leaves the terminators unknown; "" when known
};

template <typename T>
void add_unique(std::vector<T>& v, const T& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

std::string cite(const policy::RuleSet& rules, const std::string& provider, const policy::Sourcing& s) {
  auto it = rules.providers.find(provider);
  if (it == rules.providers.end()) return {};
  return s.as_of ? fmt::format("{} (as of {})", it->second.loc.file, s.as_of->to_string()) : it->second.loc.file;
}

// The operators of `address` by attribution (declared providers excluded: an inventory line
// says nothing about who answers on the wire).
std::vector<Terminator> operators_at(const policy::Attribution& a, const std::string& address,
                                     const policy::RuleSet& rules) {
  std::vector<Terminator> out;
  for (const auto& m : a.matches) {
    if (m.method == "declared") continue;
    const bool per_address = m.method == "ip-range" || m.method == "asn";
    if (per_address && m.subject != address) continue;
    auto it = rules.providers.find(m.provider);
    const policy::Sourcing none;
    const policy::Sourcing& s = it != rules.providers.end() ? it->second.network_sourcing : none;
    out.push_back({m.provider, m.method,
                   per_address ? fmt::format("the address {} is in {}'s network ({})", address, m.provider, m.value)
                               : fmt::format("the name {} is {}'s ({})", m.subject, m.provider, m.value),
                   m.confidence, cite(rules, m.provider, s)});
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> header_pairs(const probe::HttpsEndpoint& e) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& h : e.headers) out.emplace_back(h.name, h.value);
  return out;
}

void add_edge(const std::vector<policy::EdgeMatch>& matches, std::vector<Terminator>& out) {
  for (const auto& m : matches) out.push_back({m.provider, m.method, m.what, m.confidence, m.source});
}

bool is_tls(const probe::HttpsHop& hop) { return hop.url.starts_with("https:"); }

EndpointView view_of(const probe::HttpsHop& hop, const probe::HttpsEndpoint& e, const policy::Attribution& operators,
                     const policy::RuleSet& rules) {
  EndpointView v;
  const std::string address = core::format_ip(e.address);
  if (e.status == probe::HttpsStatus::refused) {
    v.problem = e.detail;
    return v;
  }
  if (e.status == probe::HttpsStatus::ok) add_edge(policy::match_edge_headers(rules, header_pairs(e)), v.terminators);
  if (!e.chain.empty()) {
    add_edge(policy::match_edge_issuer(rules, e.chain[0].issuer_organisation, e.chain[0].issuer_country),
             v.terminators);
  }
  auto ops = operators_at(operators, address, rules);
  v.terminators.insert(v.terminators.end(), ops.begin(), ops.end());
  if (e.status == probe::HttpsStatus::verify_failed) {
    v.problem = fmt::format("TLS verification failed at {} ({}): what answered there is not authenticated", address,
                            e.verify_error);
  } else if (e.status != probe::HttpsStatus::ok) {
    v.problem = fmt::format("no HTTP answer from {} ({}: {})", address, probe::to_string(e.status), e.detail);
  } else if (e.headers_truncated) {
    v.problem = fmt::format("the response headers from {} were not read in full ({})", address, e.detail);
  } else if (is_tls(hop) && !e.verified) {
    v.problem = fmt::format("the TLS session with {} was not verified", address);
  } else if (v.terminators.empty()) {
    v.problem = fmt::format(
        "no edge network recognised at {} (no known edge header or certificate issuer) and no provider operates the "
        "address; if the origin itself terminates TLS, declare it in the manifest",
        address);
  }
  return v;
}

std::string endpoint_text(const probe::HttpsEndpoint& e) {
  if (e.status != probe::HttpsStatus::ok) return std::string(probe::to_string(e.status));
  std::string out = fmt::format("{} {}", e.status_code, e.http_version);
  if (!e.tls_version.empty()) out += ", " + e.tls_version;
  return out;
}

std::string certificate_text(const probe::Certificate& c) {
  return fmt::format("issuer O={}{}; {}; valid {} to {}; {} {}",
                     c.issuer_organisation.empty() ? "?" : c.issuer_organisation,
                     c.issuer_country.empty() ? "" : ", C=" + c.issuer_country, c.subject, c.not_before, c.not_after,
                     c.key_type, c.key_bits);
}

// The facts, built while walking the chain.
struct Collected {
  std::vector<std::string> terminators, issuers, countries, versions, verification, servers, edge_headers;
  std::vector<std::string> problems;      // for tls.terminated_by
  std::vector<std::string> cert_gaps;     // an https endpoint that showed no certificate
  std::vector<std::string> version_gaps;  // … no completed handshake
  std::vector<std::string> verify_gaps;   // … no verification outcome
  std::vector<std::string> http_gaps;     // an endpoint without a complete HTTP answer
  std::size_t endpoints = 0;
  std::string time;
};

class ChainObserver {
 public:
  ChainObserver(const core::Target& target, const Recording& rec, const geo::DatabaseSet& geoip,
                const policy::RuleSet& rules, core::Date as_of, const policy::Attribution& own,
                std::vector<std::string>& warnings, core::TargetReport& report)
      : m_target(target),
        m_rec(rec),
        m_geoip(geoip),
        m_rules(rules),
        m_as_of(as_of),
        m_own(own),
        m_warnings(warnings),
        m_report(report) {}

  void run(const probe::HttpsChain& chain) {
    for (const auto& hop : chain.hops) observe_hop(hop);
    if (!chain.stopped.empty() && !chain.stopped.starts_with("redirect loop")) m_c.problems.push_back(chain.stopped);
    set_facts(chain);
  }

 private:
  void step(std::string kind, std::string subject, std::string value, std::string method, std::string confidence,
            std::string source) {
    m_report.evidence.push_back({std::move(kind), std::move(subject), std::move(value), std::move(method),
                                 std::move(confidence), std::move(source)});
  }

  const policy::Attribution& operators_of(const probe::HttpsHop& hop) {
    if (hop.depth == 0 || hop.host == m_target.host) return m_own;
    auto [it, added] = m_hops.try_emplace(hop.host);
    if (added) it->second = attribute_host(hop.host, m_rec, m_geoip, m_rules, m_as_of, m_warnings);
    return it->second;
  }

  void observe_hop(const probe::HttpsHop& hop) {
    if (hop.depth > 0) step("redirect", hop.from, hop.url, "http redirect (Location)", "high", "https probe");
    if (hop.endpoints.empty()) {
      const std::string why =
          fmt::format("{} was not probed: {}", hop.url, hop.problem.empty() ? "no address" : hop.problem);
      for (auto* gaps : {&m_c.problems, &m_c.cert_gaps, &m_c.version_gaps, &m_c.verify_gaps, &m_c.http_gaps}) {
        gaps->push_back(why);
      }
      return;
    }
    const policy::Attribution& ops = operators_of(hop);
    for (const auto& e : hop.endpoints) observe_endpoint(hop, e, ops);
  }

  void observe_endpoint(const probe::HttpsHop& hop, const probe::HttpsEndpoint& e, const policy::Attribution& ops) {
    ++m_c.endpoints;
    if (m_c.time.empty() || e.time < m_c.time) m_c.time = e.time;
    const std::string address = core::format_ip(e.address);
    const std::string at = fmt::format("{} at {}", hop.url, probe::format_endpoint(e.address, e.port));
    const std::string method =
        e.status == probe::HttpsStatus::refused ? std::string("SSRF guard, nothing sent") : e.method;
    const std::string how =
        e.connected_to.empty() ? method : fmt::format("{} (connected to {} by --connect-to)", method, e.connected_to);
    step("https", at, endpoint_text(e), e.detail.empty() ? how : fmt::format("{}: {}", how, e.detail), "high",
         "https probe");
    if (!e.chain.empty()) {
      const auto& leaf = e.chain[0];
      step("certificate", address, certificate_text(leaf),
           e.verified
               ? "TLS handshake, verified"
               : fmt::format("TLS handshake, not verified: {}", e.verify_error.empty() ? e.detail : e.verify_error),
           "high", "https probe");
      add_unique(m_c.issuers, leaf.issuer_organisation.empty() ? std::string("?") : leaf.issuer_organisation);
      if (!leaf.issuer_country.empty()) add_unique(m_c.countries, leaf.issuer_country);
    }
    if (is_tls(hop)) {
      const std::string none = fmt::format("no TLS handshake with {} ({})", address, probe::to_string(e.status));
      if (e.chain.empty()) m_c.cert_gaps.push_back(none);
      if (e.tls_version.empty())
        m_c.version_gaps.push_back(none);
      else
        add_unique(m_c.versions, e.tls_version);
      if (e.verified)
        add_unique(m_c.verification, std::string("verified"));
      else if (!e.verify_code.empty())
        add_unique(m_c.verification, e.verify_code);
      else
        m_c.verify_gaps.push_back(none);
    } else {
      add_unique(m_c.verification, std::string("plaintext"));
    }
    if (e.status == probe::HttpsStatus::ok && !e.headers_truncated) {
      for (const auto& h : e.headers) {
        if (h.name == "server") add_unique(m_c.servers, h.value);
      }
      for (const auto& m : policy::match_edge_headers(m_rules, header_pairs(e))) add_unique(m_c.edge_headers, m.header);
    } else {
      m_c.http_gaps.push_back(fmt::format("no complete HTTP answer from {} ({})", address, probe::to_string(e.status)));
    }
    const EndpointView v = view_of(hop, e, ops, m_rules);
    for (const auto& t : v.terminators) {
      add_unique(m_c.terminators, t.provider);
      step("tls", fmt::format("{} at {}", hop.host, address), t.provider, fmt::format("{}: {}", t.method, t.what),
           t.confidence, t.source);
    }
    if (!v.problem.empty()) m_c.problems.push_back(v.problem);
  }

  void set_list(const std::string& path, const std::vector<std::string>& values, const std::vector<std::string>& gaps,
                const core::Provenance& prov) {
    if (gaps.empty() && !values.empty()) {
      m_report.facts.set_known(path, values, prov);
      return;
    }
    const std::string why = !gaps.empty() ? gaps.front() : "nothing observed";
    m_report.facts.set(path, core::Fact{values, core::FactStatus::unknown, why, {core::intern(prov)}});
  }

  void set_facts(const probe::HttpsChain& chain) {
    const core::Provenance prov{
        "https",
        fmt::format("observed: {} at {} address(es){}", chain.url, m_c.endpoints,
                    chain.hops.size() > 1 ? fmt::format(", {} redirect hop(s)", chain.hops.size() - 1) : ""),
        m_c.time};
    if (m_c.problems.empty() && !m_c.terminators.empty()) {
      m_report.facts.set_known("tls.terminated_by", m_c.terminators, prov);
    } else {
      std::string why = m_c.problems.empty() ? "no TLS terminator identified" : m_c.problems.front();
      if (m_c.problems.size() > 1) why += fmt::format(" (and {} more)", m_c.problems.size() - 1);
      m_report.facts.set("tls.terminated_by",
                         core::Fact{m_c.terminators, core::FactStatus::unknown, why, {core::intern(prov)}});
    }
    set_list("tls.issuer.organisation", m_c.issuers, m_c.cert_gaps, prov);
    set_list("tls.issuer.country", m_c.countries, m_c.cert_gaps, prov);
    set_list("tls.version", m_c.versions, m_c.version_gaps, prov);
    set_list("tls.verification", m_c.verification, m_c.verify_gaps, prov);
    set_list("http.server", m_c.servers, m_c.http_gaps, prov);
    set_list("http.edge_headers", m_c.edge_headers, m_c.http_gaps, prov);
  }

  const core::Target& m_target;
  const Recording& m_rec;
  const geo::DatabaseSet& m_geoip;
  const policy::RuleSet& m_rules;
  core::Date m_as_of;
  const policy::Attribution& m_own;
  std::vector<std::string>& m_warnings;
  core::TargetReport& m_report;
  std::map<std::string, policy::Attribution> m_hops;
  Collected m_c;
};

// The targets' URLs with the addresses their hosts resolved to.
std::vector<probe::HttpsTarget> plan(const std::vector<core::Target>& targets, HttpsScope scope, const Recording& rec) {
  std::set<std::string> seen;
  std::vector<probe::HttpsTarget> out;
  for (const auto& t : targets) {
    if (!wants_https(t, scope)) continue;
    const std::string url = https_url(t);
    if (!seen.insert(url).second) continue;
    probe::HttpsTarget h{url, {}, {}};
    if (auto ip = core::parse_ip(t.host)) {
      h.addresses.push_back(*ip);
    } else if (const probe::DnsResult* r = rec.find(dns_name(t)); r == nullptr) {
      h.problem = "not resolved";
    } else if (r->status != probe::DnsStatus::ok || r->addresses.empty()) {
      h.problem = fmt::format("dns {}{}", probe::to_string(r->status), r->detail.empty() ? "" : ": " + r->detail);
    } else {
      for (const auto& a : r->addresses) h.addresses.push_back(a.ip);
    }
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace

std::string https_url(const core::Target& target) {
  if (target.kind == core::TargetKind::url) return target.value;
  if (target.kind == core::TargetKind::host && !target.host.empty()) return fmt::format("https://{}/", target.host);
  return {};
}

bool wants_https(const core::Target& target, HttpsScope scope) {
  if (target.kind == core::TargetKind::url) return true;
  return target.kind == core::TargetKind::host && (target.https || scope == HttpsScope::all_hosts);
}

core::Result<void> probe_https_targets(const std::vector<core::Target>& targets, HttpsScope scope,
                                       const probe::HttpsOptions& https, const probe::DnsOptions& dns, Recording& rec,
                                       const probe::HttpsProgress& progress) {
  const auto todo = plan(targets, scope, rec);
  if (todo.empty()) return {};
  // Redirect hops: a name already resolved is taken from the recording, the others asked in one batch.
  auto resolve = [&](const std::vector<std::string>& names) -> core::Result<std::vector<probe::DnsResult>> {
    std::vector<probe::DnsResult> out;
    std::vector<probe::DnsRequest> ask;
    for (const auto& n : names) {
      if (const auto* r = rec.find(n))
        out.push_back(*r);
      else
        ask.push_back({.name = n, .want_mx = false, .want_ns = false, .want_ptr = false});
    }
    if (!ask.empty()) {
      auto answers = probe::resolve_all(dns, ask);
      if (!answers) return std::unexpected(answers.error());
      out.insert(out.end(), answers->begin(), answers->end());
    }
    return out;
  };
  auto run = probe::probe_https(https, todo, resolve, progress);
  if (!run) return std::unexpected(run.error());
  for (auto& r : run->hop_dns) {
    if (rec.find(r.name) == nullptr) rec.dns.push_back(std::move(r));
  }
  std::sort(rec.dns.begin(), rec.dns.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (auto& c : run->chains) rec.https.push_back(std::move(c));
  std::sort(rec.https.begin(), rec.https.end(), [](const auto& a, const auto& b) { return a.url < b.url; });
  return {};
}

void observe_https(const core::Target& target, const Recording& rec, const geo::DatabaseSet& geoip,
                   const policy::RuleSet& rules, core::Date as_of, const policy::Attribution& own,
                   std::vector<std::string>& warnings, core::TargetReport& report) {
  const std::string url = https_url(target);
  if (url.empty()) return;
  const probe::HttpsChain* chain = rec.find_https(url);
  if (chain == nullptr) return;
  ChainObserver(target, rec, geoip, rules, as_of, own, warnings, report).run(*chain);
}

}  // namespace audit
