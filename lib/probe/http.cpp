// The HTTPS probe's rounds: every target URL is probed at each of its addresses in one run of the
// event loop (http_loop.cpp); the redirects those answers name are then checked (http or https,
// at most max_redirects, no loop), their host names resolved in one DNS batch, and the next round
// probes them. Before any connection the SSRF guard looks at the address: a special-use address
// (core/special_ip.hpp) is refused unless --allow-private, whether it came from a target, from a
// name that resolved to it, or from a redirect. --connect-to mappings are the operator's and are
// not guarded; the address recorded (and attributed) stays the one DNS gave.
#include "probe/http.hpp"

#include "core/date.hpp"
#include "core/special_ip.hpp"
#include "core/url.hpp"
#include "probe/http_loop.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>
#include <set>

namespace probe {

namespace {

constexpr std::size_t k_max_hops = 16;

struct StatusName {
  HttpsStatus status;
  std::string_view name;
};

constexpr StatusName k_statuses[] = {
    {HttpsStatus::ok, "ok"},
    {HttpsStatus::refused, "refused"},
    {HttpsStatus::timeout, "timeout"},
    {HttpsStatus::unreachable, "unreachable"},
    {HttpsStatus::tls_error, "tls-error"},
    {HttpsStatus::verify_failed, "verify-failed"},
    {HttpsStatus::http_error, "http-error"},
    {HttpsStatus::invalid, "invalid"},
};

// Cloud metadata services, named in the guard's reason because they are what SSRF is after.
std::string metadata_note(const core::IpAddress& ip) {
  const std::string text = core::format_ip(ip);
  if (text == "169.254.169.254") return ", the cloud instance metadata address";
  if (text == "fd00:ec2::254") return ", the AWS instance metadata address (IPv6)";
  return {};
}

// Read "IP:PORT" or "[IPv6]:PORT" from the front of `rest`, consuming a following ':'.
core::Result<std::pair<core::IpAddress, std::uint16_t>> take_endpoint(std::string_view& rest, std::string_view text) {
  std::string_view host;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return core::fail(core::ErrorCode::usage, "missing ']'", std::string(text));
    host = rest.substr(1, close - 1);
    rest.remove_prefix(close + 1);
  } else {
    const auto colon = rest.find(':');
    host = rest.substr(0, colon);
    rest.remove_prefix(colon == std::string_view::npos ? rest.size() : colon);
  }
  if (!rest.starts_with(':'))
    return core::fail(core::ErrorCode::usage, "expected ':PORT' after the address", std::string(text));
  rest.remove_prefix(1);
  const auto end = rest.find(':');
  const std::string_view port_text = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  auto ip = core::parse_ip(host);
  if (!ip) return core::fail(core::ErrorCode::usage, fmt::format("'{}' is not an IP address", host), std::string(text));
  unsigned port = 0;
  const auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || p != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    return core::fail(core::ErrorCode::usage, fmt::format("bad port '{}'", port_text), std::string(text));
  }
  return std::pair{*ip, static_cast<std::uint16_t>(port)};
}

std::string now_utc() {
  return core::format_utc(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// A hop waiting for its round: where it sits, and what to connect to.
struct HopRef {
  std::size_t chain = 0;
  std::size_t hop = 0;
};

class Prober {
 public:
  Prober(const HttpsOptions& options, HttpLoop& loop, const HopResolver& resolve, const HttpsProgress& progress)
      : m_options(options), m_loop(loop), m_resolve(resolve), m_progress(progress) {}

  core::Result<HttpsRun> run(const std::vector<HttpsTarget>& targets) {
    std::vector<HopRef> round;
    m_run.chains.resize(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) {
      HttpsChain& chain = m_run.chains[i];
      chain.url = targets[i].url;
      auto url = core::parse_url(targets[i].url);
      HttpsHop hop;
      hop.url = targets[i].url;
      hop.host = url ? url->host : std::string();
      hop.problem = targets[i].problem;
      chain.hops.push_back(std::move(hop));
      add_endpoints(i, 0, targets[i].addresses);
      round.push_back({i, 0});
    }
    while (!round.empty()) {
      probe_round(round);
      auto next = follow_redirects(round);
      if (!next) return std::unexpected(next.error());
      round = std::move(*next);
    }
    return std::move(m_run);
  }

 private:
  HttpsHop& hop_at(const HopRef& ref) { return m_run.chains[ref.chain].hops[ref.hop]; }

  const ConnectTo* mapping(const core::IpAddress& ip, std::uint16_t port) const {
    for (const auto& c : m_options.connect_to) {
      if (c.from == ip && c.from_port == port) return &c;
    }
    return nullptr;
  }

  // Create one endpoint per address (refused ones are complete already).
  void add_endpoints(std::size_t chain, std::size_t index, const std::vector<core::IpAddress>& addresses) {
    HttpsHop& hop = m_run.chains[chain].hops[index];
    auto url = core::parse_url(hop.url);
    if (!url || (url->scheme != "https" && url->scheme != "http")) {
      if (hop.problem.empty())
        hop.problem = url ? fmt::format("scheme '{}' is not http or https", url->scheme) : url.error().message;
      return;
    }
    const auto port = static_cast<std::uint16_t>(url->port != 0 ? url->port : url->scheme == "https" ? 443 : 80);
    for (const auto& ip : addresses) {
      HttpsEndpoint e;
      e.address = ip;
      e.port = port;
      e.time = now_utc();
      e.method = "HEAD";
      if (auto why = guard_refusal(ip, m_options.allow_private)) {
        e.status = HttpsStatus::refused;
        e.detail = *why;
      } else if (const ConnectTo* c = mapping(ip, port)) {
        e.connected_to = format_endpoint(c->to, c->to_port);
      }
      hop.endpoints.push_back(std::move(e));
    }
  }

  void probe_round(const std::vector<HopRef>& round) {
    std::vector<HttpJob> jobs;
    for (const auto& ref : round) {
      HttpsHop& hop = hop_at(ref);
      auto url = core::parse_url(hop.url);
      if (!url) continue;
      for (auto& e : hop.endpoints) {
        if (e.status == HttpsStatus::refused) continue;
        HttpJob job;
        job.url = hop.url;
        job.host = url->host;
        job.port = e.port;
        job.tls = url->scheme == "https";
        const ConnectTo* c = mapping(e.address, e.port);
        job.connect_ip = c != nullptr ? c->to : e.address;
        job.connect_port = c != nullptr ? c->to_port : e.port;
        job.out = &e;
        jobs.push_back(std::move(job));
      }
    }
    m_loop.run(std::move(jobs), m_progress);
  }

  // Why `next` (from a hop at `depth` in `chain`) is not followed, or "" when it is.
  std::string refuse_redirect(const HttpsChain& chain, const std::string& next, int depth) const {
    auto url = core::parse_url(next);
    if (!url) return fmt::format("redirect to '{}' not followed: {}", next, url.error().message);
    if (url->scheme != "http" && url->scheme != "https") {
      return fmt::format("redirect to {} not followed: only http and https are", next);
    }
    if (depth + 1 > m_options.max_redirects) {
      return fmt::format("more than {} redirects: {} not followed", m_options.max_redirects, next);
    }
    if (std::any_of(chain.hops.begin(), chain.hops.end(), [&](const HttpsHop& h) { return h.url == next; })) {
      return fmt::format("redirect loop: {} was already visited", next);
    }
    if (chain.hops.size() >= k_max_hops) return fmt::format("more than {} hops: {} not followed", k_max_hops, next);
    return {};
  }

  core::Result<std::vector<HopRef>> follow_redirects(const std::vector<HopRef>& round) {
    struct Planned {
      HopRef ref;
      std::string host;
      bool literal = false;
    };
    std::vector<Planned> planned;
    std::set<std::string> names;
    for (const auto& ref : round) {
      HttpsChain& chain = m_run.chains[ref.chain];
      std::vector<std::string> nexts;
      for (const auto& e : chain.hops[ref.hop].endpoints) {
        if (!e.redirect.empty() && std::find(nexts.begin(), nexts.end(), e.redirect) == nexts.end())
          nexts.push_back(e.redirect);
      }
      const int depth = chain.hops[ref.hop].depth;
      const std::string from = chain.hops[ref.hop].url;
      for (const auto& next : nexts) {
        if (std::string why = refuse_redirect(chain, next, depth); !why.empty()) {
          if (chain.stopped.empty()) chain.stopped = why;
          continue;
        }
        auto url = core::parse_url(next);
        HttpsHop hop;
        hop.url = next;
        hop.host = url->host;
        hop.depth = depth + 1;
        hop.from = from;
        chain.hops.push_back(std::move(hop));
        planned.push_back({{ref.chain, chain.hops.size() - 1}, url->host, url->host_is_ip});
        if (!url->host_is_ip) names.insert(url->host);
      }
    }
    std::map<std::string, DnsResult> answers;
    if (!names.empty()) {
      auto resolved = m_resolve(std::vector<std::string>(names.begin(), names.end()));
      if (!resolved) return std::unexpected(resolved.error());
      for (auto& r : *resolved) {
        answers[r.name] = r;
        m_run.hop_dns.push_back(std::move(r));
      }
    }
    std::vector<HopRef> next_round;
    for (const auto& p : planned) {
      std::vector<core::IpAddress> addresses;
      if (p.literal) {
        addresses.push_back(*core::parse_ip(p.host));
      } else if (auto it = answers.find(p.host); it == answers.end()) {
        hop_at(p.ref).problem = "not resolved";
      } else if (it->second.status != DnsStatus::ok || it->second.addresses.empty()) {
        const DnsResult& r = it->second;
        hop_at(p.ref).problem = fmt::format("dns {}{}", to_string(r.status), r.detail.empty() ? "" : ": " + r.detail);
      } else {
        for (const auto& a : it->second.addresses) addresses.push_back(a.ip);
      }
      add_endpoints(p.ref.chain, p.ref.hop, addresses);
      next_round.push_back(p.ref);
    }
    return next_round;
  }

  const HttpsOptions& m_options;
  HttpLoop& m_loop;
  const HopResolver& m_resolve;
  const HttpsProgress& m_progress;
  HttpsRun m_run;
};

}  // namespace

std::optional<std::string> guard_refusal(const core::IpAddress& ip, AllowPrivate allow) {
  if (allow == AllowPrivate::yes) return std::nullopt;
  auto use = core::special_use(ip);
  if (!use) return std::nullopt;
  return fmt::format("refused to connect to {}: {}{}; pass --allow-private to probe private and special-use addresses",
                     core::format_ip(ip), core::describe(*use), metadata_note(ip));
}

std::string_view to_string(HttpsStatus status) {
  for (const auto& s : k_statuses) {
    if (s.status == status) return s.name;
  }
  return "unknown";
}

std::optional<HttpsStatus> parse_https_status(std::string_view text) {
  for (const auto& s : k_statuses) {
    if (s.name == text) return s.status;
  }
  return std::nullopt;
}

std::string format_endpoint(const core::IpAddress& ip, std::uint16_t port) {
  return ip.family == core::IpFamily::v6 ? fmt::format("[{}]:{}", core::format_ip(ip), port)
                                         : fmt::format("{}:{}", core::format_ip(ip), port);
}

core::Result<ConnectTo> parse_connect_to(std::string_view text) {
  std::string_view rest = text;
  auto from = take_endpoint(rest, text);
  if (!from) return std::unexpected(from.error());
  auto to = take_endpoint(rest, text);
  if (!to) return std::unexpected(to.error());
  if (!rest.empty()) return core::fail(core::ErrorCode::usage, "unexpected text after TO_PORT", std::string(text));
  return ConnectTo{from->first, from->second, to->first, to->second};
}

core::Result<HttpsRun> probe_https(const HttpsOptions& options, const std::vector<HttpsTarget>& targets,
                                   const HopResolver& resolve, const HttpsProgress& progress) {
  auto loop = HttpLoop::create(options);
  if (!loop) return std::unexpected(loop.error());
  Prober prober(options, **loop, resolve, progress);
  return prober.run(targets);
}

}  // namespace probe
