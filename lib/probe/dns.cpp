// The DNS probe: per name, a small state machine on top of QueryLoop. A and AAAA are asked in
// parallel, each following the CNAME chain through the answer section (and asking again for
// the last target when an authoritative server stopped at a zone it does not serve), with loop
// detection and a depth bound. NS walks up the labels (using the SOA owner of a NODATA answer as
// a shortcut) and is cached per zone; MX is read from one answer; PTR is asked for every address
// once both address lookups are done, cached per address. A job finishes when no part of it
// is pending. Names are started only when the loop has room, so memory stays bounded.
#include "probe/dns.hpp"

#include "core/date.hpp"
#include "core/text.hpp"
#include "probe/idn.hpp"
#include "probe/query_loop.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <unordered_map>

namespace probe {

namespace {

constexpr std::size_t k_max_chain = 16;

// Progress of one address family along the CNAME chain.
struct Walk {
  DnsStatus status = DnsStatus::ok;
  std::string detail;
  std::vector<std::string> chain;
};

struct Job {
  const DnsRequest* request = nullptr;
  DnsResult result;
  Walk walk4;
  Walk walk6;
  int address_parts = 2;  // A and AAAA still running
  int pending = 0;        // parts (A, AAAA, NS, MX, each PTR) still running
};

const wire::Record* find_record(const std::vector<wire::Record>& records, std::string_view owner, std::uint16_t type) {
  for (const wire::Record& r : records) {
    if (r.type == type && r.owner == owner) return &r;
  }
  return nullptr;
}

// Follow CNAMEs from `from` through `records`; return the last name reached, or nullopt after
// marking the walk as a loop (a repeated name, or more than k_max_chain links).
std::optional<std::string> follow_chain(const std::vector<wire::Record>& records, const std::string& origin,
                                        std::string from, Walk& walk) {
  while (const wire::Record* cname = find_record(records, from, wire::k_type_cname)) {
    const std::string& target = cname->target;
    if (target == origin || std::find(walk.chain.begin(), walk.chain.end(), target) != walk.chain.end()) {
      walk.status = DnsStatus::loop;
      walk.detail = fmt::format("CNAME loop at {}", target);
      return std::nullopt;
    }
    walk.chain.push_back(target);
    if (walk.chain.size() > k_max_chain) {
      walk.status = DnsStatus::loop;
      walk.detail = fmt::format("CNAME chain longer than {}", k_max_chain);
      return std::nullopt;
    }
    from = target;
  }
  return from;
}

// True when the authority section holds the SOA of a zone containing `name`: the server is
// authoritative for it, so an answer without records means NODATA.
bool authoritative_for(const wire::Message& msg, std::string_view name) {
  return std::any_of(msg.authority.begin(), msg.authority.end(), [&](const wire::Record& r) {
    return r.type == wire::k_type_soa && core::has_domain_suffix(name, r.owner);
  });
}

int severity(DnsStatus status) {
  switch (status) {
    case DnsStatus::loop:
      return 6;
    case DnsStatus::timeout:
      return 5;
    case DnsStatus::servfail:
      return 4;
    case DnsStatus::refused:
      return 3;
    case DnsStatus::nxdomain:
      return 2;
    case DnsStatus::nodata:
      return 1;
    default:
      return 0;
  }
}

std::string parent_of(std::string_view name) {
  const auto dot = name.find('.');
  return dot == std::string_view::npos ? std::string() : std::string(name.substr(dot + 1));
}

class Resolver {
 public:
  Resolver(QueryLoop& loop, const std::vector<DnsRequest>& requests, const DnsProgress& progress)
      : m_loop(loop), m_progress(progress), m_jobs(requests.size()) {
    for (std::size_t i = 0; i < requests.size(); ++i) m_jobs[i].request = &requests[i];
  }

  std::vector<DnsResult> run() {
    m_loop.run([this] { return start_next(); });
    std::vector<DnsResult> out;
    out.reserve(m_jobs.size());
    for (Job& job : m_jobs) out.push_back(std::move(job.result));
    return out;
  }

 private:
  bool start_next();
  void ask_address(std::size_t i, bool v6, std::string qname);
  void on_address(std::size_t i, bool v6, QueryResult&& r);
  void addresses_done(std::size_t i);
  void ask_ns(std::size_t i, std::string qname);
  void on_ns(std::size_t i, const std::string& qname, QueryResult&& r);
  void set_ns(std::size_t i, const std::string& zone, const std::vector<std::string>& ns);
  void on_mx(std::size_t i, QueryResult&& r);
  void ask_ptr(std::size_t i, std::size_t k);
  void finish_part(std::size_t i);
  void finish(std::size_t i);

  QueryLoop& m_loop;
  const DnsProgress& m_progress;
  std::vector<Job> m_jobs;
  std::size_t m_next = 0;
  std::size_t m_done = 0;
  std::unordered_map<std::string, std::vector<std::string>> m_ns_cache;   // zone → NS names
  std::unordered_map<std::string, std::vector<std::string>> m_ptr_cache;  // reverse name → PTR names
};

bool Resolver::start_next() {
  if (m_next >= m_jobs.size()) return false;
  const std::size_t i = m_next++;
  Job& job = m_jobs[i];
  const DnsRequest& req = *job.request;
  job.result.name = req.name;
  job.result.ptr_asked = req.want_ptr;
  job.result.resolver = m_loop.resolver();
  job.result.time = core::format_utc(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  auto host = to_host_name(req.name);
  if (!host) {
    job.result.status = DnsStatus::invalid;
    job.result.detail = host.error().message;
    finish(i);
    return true;
  }
  job.result.ascii_name = host->ascii;
  job.result.unicode_name = host->unicode;
  job.pending = 2 + (req.want_ns ? 1 : 0) + (req.want_mx ? 1 : 0);
  ask_address(i, false, host->ascii);
  ask_address(i, true, host->ascii);
  if (req.want_ns) ask_ns(i, host->ascii);
  if (req.want_mx) {
    m_loop.submit(host->ascii, wire::k_type_mx, [this, i](QueryResult&& r) { on_mx(i, std::move(r)); });
  }
  return true;
}

void Resolver::ask_address(std::size_t i, bool v6, std::string qname) {
  const std::uint16_t type = v6 ? wire::k_type_aaaa : wire::k_type_a;
  m_loop.submit(std::move(qname), type, [this, i, v6](QueryResult&& r) { on_address(i, v6, std::move(r)); });
}

void Resolver::on_address(std::size_t i, bool v6, QueryResult&& r) {
  Job& job = m_jobs[i];
  Walk& walk = v6 ? job.walk6 : job.walk4;
  const std::string& origin = job.result.ascii_name;
  if (!r.has_message || r.status == DnsStatus::servfail || r.status == DnsStatus::refused) {
    walk.status = r.status;
    walk.detail = r.detail;
    return addresses_done(i);
  }
  const std::size_t links_before = walk.chain.size();
  auto last = follow_chain(r.message.answers, origin, walk.chain.empty() ? origin : walk.chain.back(), walk);
  if (!last) return addresses_done(i);
  const std::uint16_t type = v6 ? wire::k_type_aaaa : wire::k_type_a;
  bool found = false;
  for (const wire::Record& rec : r.message.answers) {
    if (rec.type != type || rec.owner != *last) continue;
    job.result.addresses.push_back(DnsAddress{rec.ip, rec.ttl, {}});
    found = true;
  }
  if (found) {
    walk.status = DnsStatus::ok;
  } else if (r.status == DnsStatus::nxdomain) {
    walk.status = DnsStatus::nxdomain;
  } else if (walk.chain.size() > links_before && !authoritative_for(r.message, *last)) {
    return ask_address(i, v6, *last);  // the server stopped at a CNAME it cannot follow
  } else {
    walk.status = DnsStatus::nodata;
  }
  addresses_done(i);
}

void Resolver::addresses_done(std::size_t i) {
  Job& job = m_jobs[i];
  if (--job.address_parts > 0) return finish_part(i);
  auto& addrs = job.result.addresses;
  std::sort(addrs.begin(), addrs.end());
  addrs.erase(
      std::unique(addrs.begin(), addrs.end(), [](const DnsAddress& a, const DnsAddress& b) { return a.ip == b.ip; }),
      addrs.end());
  if (job.request->want_ptr) {
    job.pending += static_cast<int>(addrs.size());
    for (std::size_t k = 0; k < addrs.size(); ++k) ask_ptr(i, k);
  }
  finish_part(i);
}

void Resolver::ask_ptr(std::size_t i, std::size_t k) {
  std::string rname = wire::reverse_name(m_jobs[i].result.addresses[k].ip);
  if (auto it = m_ptr_cache.find(rname); it != m_ptr_cache.end()) {
    m_jobs[i].result.addresses[k].ptr = it->second;
    return finish_part(i);
  }
  m_loop.submit(rname, wire::k_type_ptr, [this, i, k, rname](QueryResult&& r) {
    std::vector<std::string> names;
    Walk walk;
    if (r.has_message) {
      const auto last = follow_chain(r.message.answers, rname, rname, walk);  // RFC 2317 CNAMEs
      for (const wire::Record& rec : r.message.answers) {
        if (last && rec.type == wire::k_type_ptr && rec.owner == *last) names.push_back(rec.target);
      }
      std::sort(names.begin(), names.end());
      m_ptr_cache[rname] = names;
    }
    m_jobs[i].result.addresses[k].ptr = std::move(names);
    finish_part(i);
  });
}

void Resolver::ask_ns(std::size_t i, std::string qname) {
  m_loop.submit(qname, wire::k_type_ns, [this, i, qname](QueryResult&& r) { on_ns(i, qname, std::move(r)); });
}

void Resolver::set_ns(std::size_t i, const std::string& zone, const std::vector<std::string>& ns) {
  DnsResult& result = m_jobs[i].result;
  result.ns_zone = zone;
  result.ns = ns;
  std::sort(result.ns.begin(), result.ns.end());
  result.ns_status = DnsStatus::ok;
  m_ns_cache[zone] = result.ns;
  finish_part(i);
}

void Resolver::on_ns(std::size_t i, const std::string& qname, QueryResult&& r) {
  if (!r.has_message || r.status == DnsStatus::servfail || r.status == DnsStatus::refused) {
    m_jobs[i].result.ns_status = r.status;
    return finish_part(i);
  }
  std::vector<std::string> ns;
  std::string next = parent_of(qname);
  for (const wire::Record& rec : r.message.answers) {
    if (rec.type == wire::k_type_ns && rec.owner == qname) ns.push_back(rec.target);
  }
  if (!ns.empty()) return set_ns(i, qname, ns);
  std::string referral_zone;
  for (const wire::Record& rec : r.message.authority) {
    if (!core::has_domain_suffix(qname, rec.owner)) continue;
    if (rec.type == wire::k_type_soa && rec.owner != qname) next = rec.owner;  // NODATA: the zone apex
    if (rec.type == wire::k_type_ns) {  // a referral to the zone holding the name
      referral_zone = rec.owner;
      ns.push_back(rec.target);
    }
  }
  if (!ns.empty() && !authoritative_for(r.message, qname)) return set_ns(i, referral_zone, ns);
  if (next.empty()) {
    m_jobs[i].result.ns_status = DnsStatus::nodata;
    return finish_part(i);
  }
  if (auto it = m_ns_cache.find(next); it != m_ns_cache.end()) return set_ns(i, next, it->second);
  ask_ns(i, next);
}

void Resolver::on_mx(std::size_t i, QueryResult&& r) {
  DnsResult& result = m_jobs[i].result;
  if (!r.has_message || r.status != DnsStatus::ok) {
    result.mx_status = r.status;
    return finish_part(i);
  }
  Walk walk;
  const auto last = follow_chain(r.message.answers, result.ascii_name, result.ascii_name, walk);
  for (const wire::Record& rec : r.message.answers) {
    if (last && rec.type == wire::k_type_mx && rec.owner == *last)
      result.mx.push_back(MxHost{rec.preference, rec.target});
  }
  std::sort(result.mx.begin(), result.mx.end());
  result.mx_status = !last ? DnsStatus::loop : result.mx.empty() ? DnsStatus::nodata : DnsStatus::ok;
  finish_part(i);
}

void Resolver::finish_part(std::size_t i) {
  if (--m_jobs[i].pending == 0) finish(i);
}

void Resolver::finish(std::size_t i) {
  Job& job = m_jobs[i];
  DnsResult& result = job.result;
  if (result.status != DnsStatus::invalid) {
    result.a_status = job.walk4.status;
    result.aaaa_status = job.walk6.status;
    result.cname_chain = !job.walk4.chain.empty() ? job.walk4.chain : job.walk6.chain;
    const Walk& worst = severity(job.walk6.status) > severity(job.walk4.status) ? job.walk6 : job.walk4;
    if (!result.addresses.empty()) {
      result.status = DnsStatus::ok;
      if (worst.status != DnsStatus::ok) {
        result.detail = fmt::format("{}: {}{}{}", &worst == &job.walk6 ? "AAAA" : "A", to_string(worst.status),
                                    worst.detail.empty() ? "" : ": ", worst.detail);
      }
    } else {
      result.status = worst.status == DnsStatus::ok ? DnsStatus::nodata : worst.status;
      result.detail = worst.detail;
    }
  }
  ++m_done;
  if (m_progress) m_progress(m_done, m_jobs.size());
}

}  // namespace

std::string_view to_string(DnsStatus status) {
  switch (status) {
    case DnsStatus::ok:
      return "ok";
    case DnsStatus::nxdomain:
      return "nxdomain";
    case DnsStatus::nodata:
      return "nodata";
    case DnsStatus::servfail:
      return "servfail";
    case DnsStatus::timeout:
      return "timeout";
    case DnsStatus::refused:
      return "refused";
    case DnsStatus::loop:
      return "loop";
    case DnsStatus::invalid:
      return "invalid";
  }
  return "unknown";
}

bool partial_answer(const DnsResult& r, std::string& why) {
  if (r.status != DnsStatus::ok) return false;
  auto failed = [](const std::optional<DnsStatus>& s) {
    return s && *s != DnsStatus::ok && *s != DnsStatus::nodata && *s != DnsStatus::nxdomain;
  };
  if (!failed(r.a_status) && !failed(r.aaaa_status)) return false;
  const bool v6 = failed(r.aaaa_status);
  why = fmt::format("{} {} for {}{}", v6 ? "AAAA" : "A", to_string(v6 ? *r.aaaa_status : *r.a_status), r.name,
                    r.detail.empty() ? "" : " (" + r.detail + ")");
  return true;
}

core::Result<DnsServer> parse_server(std::string_view text) {
  const std::string original(text);
  text = core::trim(text);
  std::string_view host = text;
  std::string_view port;
  bool has_port = false;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos)
      return core::fail(core::ErrorCode::usage, "missing ']' in DNS server", original);
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':')
      return core::fail(core::ErrorCode::usage, "expected ':PORT' after ']'", original);
    has_port = !rest.empty();
    if (has_port) port = rest.substr(1);
  } else if (std::count(text.begin(), text.end(), ':') == 1) {  // more than one: a bare IPv6 address
    host = text.substr(0, text.find(':'));
    port = text.substr(text.find(':') + 1);
    has_port = true;
  }
  auto ip = core::parse_ip(host);
  if (!ip) return core::fail(core::ErrorCode::usage, "DNS server is not IP[:PORT] or [IPv6]:PORT", original);
  DnsServer server{*ip, 53};
  if (!has_port) return server;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    return core::fail(core::ErrorCode::usage, fmt::format("bad port '{}' in DNS server", port), original);
  }
  server.port = static_cast<std::uint16_t>(value);
  return server;
}

std::string format_server(const DnsServer& server) {
  const std::string ip = core::format_ip(server.address);
  return server.address.family == core::IpFamily::v6 ? fmt::format("[{}]:{}", ip, server.port)
                                                     : fmt::format("{}:{}", ip, server.port);
}

core::Result<std::vector<DnsResult>> resolve_all(const DnsOptions& options, const std::vector<DnsRequest>& requests,
                                                 const DnsProgress& progress) {
  auto loop = QueryLoop::create(options);
  if (!loop) return std::unexpected(loop.error());
  Resolver resolver(**loop, requests, progress);
  return resolver.run();
}

}  // namespace probe
