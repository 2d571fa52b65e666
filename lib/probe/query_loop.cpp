// The c-ares event loop. c-ares reports its sockets through ARES_OPT_SOCK_STATE_CB; we poll()
// them and hand ready ones to ares_process_fd, which reads every waiting datagram and also
// expires timed-out tries. Queries wait in a FIFO until a slot is free (at most `concurrency`
// in flight) and, with a rate limit, until the token bucket allows one more. c-ares callbacks
// only record results and queue follow-up queries: ares_query is called from pump() alone, so
// a callback that fires synchronously inside ares_query cannot re-enter it.
// Failover: each resolver gets its own channel, so a query that ends in SERVFAIL or a timeout
// on one resolver is asked again of the next one (c-ares alone would return the SERVFAIL
// answer as it is, and rotate over servers only on timeouts).
#include "probe/query_loop.hpp"

#include <ares.h>
#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <mutex>

namespace probe {

namespace {

using Clock = std::chrono::steady_clock;

struct Queued {
  std::string qname;
  std::uint16_t type;
  QueryHandler handler;
  std::size_t server = 0;  // index of the channel (resolver) to ask
};

// c-ares needs one process-wide ares_library_init before the first channel.
bool library_ready() {
  static const bool ok = ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS;
  return ok;
}

// Map a c-ares status without an answer to a DnsStatus and detail.
void map_ares_status(int status, QueryResult& out) {
  switch (status) {
    case ARES_ETIMEOUT:
    case ARES_ECONNREFUSED:
      out.status = DnsStatus::timeout;
      out.detail = "unreachable";
      return;
    case ARES_ENOTFOUND:
      out.status = DnsStatus::nxdomain;
      return;
    case ARES_ENODATA:
      out.status = DnsStatus::nodata;
      return;
    case ARES_EREFUSED:
      out.status = DnsStatus::refused;
      return;
    case ARES_ESERVFAIL:
      out.status = DnsStatus::servfail;
      return;
    default:
      out.status = DnsStatus::servfail;
      out.detail = ares_strerror(status);
  }
}

// Map the rcode of a parsed answer to a DnsStatus.
void map_rcode(int rcode, QueryResult& out) {
  switch (rcode) {
    case wire::k_rcode_noerror:
      out.status = DnsStatus::ok;
      return;
    case wire::k_rcode_nxdomain:
      out.status = DnsStatus::nxdomain;
      return;
    case wire::k_rcode_refused:
      out.status = DnsStatus::refused;
      return;
    case wire::k_rcode_servfail:
      out.status = DnsStatus::servfail;
      return;
    default:
      out.status = DnsStatus::servfail;
      out.detail = fmt::format("rcode {}", rcode);
  }
}

}  // namespace

struct QueryLoop::Impl {
  // One channel per resolver; `data` is what the socket callback receives.
  struct Channel {
    Impl* impl = nullptr;
    std::size_t index = 0;
    ares_channel channel = nullptr;
  };
  std::vector<std::unique_ptr<Channel>> channels;
  std::vector<pollfd> fds;
  std::vector<std::size_t> fd_channel;  // fds[i] belongs to channels[fd_channel[i]]
  std::deque<Queued> queue;
  int in_flight = 0;
  int concurrency = 256;
  double rate_qps = 0;
  double tokens = 0;
  Clock::time_point last_refill = Clock::now();
  std::size_t sent = 0;
  std::string resolver;
  bool exhausted = false;
  const std::function<bool()>* refill = nullptr;

  struct Pending {
    Impl* impl;
    Queued query;
  };

  ~Impl() {
    for (auto& c : channels) {
      if (c->channel != nullptr) ares_destroy(c->channel);
    }
  }

  static void on_socket(void* data, ares_socket_t fd, int readable, int writable);
  static void on_answer(void* arg, int status, int timeouts, unsigned char* abuf, int alen);
  bool take_token();
  int rate_wait_ms() const;
  void pump();
  int poll_timeout_ms();
  void wait_and_process();
};

void QueryLoop::Impl::on_socket(void* data, ares_socket_t fd, int readable, int writable) {
  auto* ch = static_cast<Channel*>(data);
  Impl* impl = ch->impl;
  auto it = std::find_if(impl->fds.begin(), impl->fds.end(), [fd](const pollfd& p) { return p.fd == fd; });
  const auto at = static_cast<std::size_t>(it - impl->fds.begin());
  if (readable == 0 && writable == 0) {
    if (it != impl->fds.end()) {
      impl->fds.erase(it);
      impl->fd_channel.erase(impl->fd_channel.begin() + static_cast<long>(at));
    }
    return;
  }
  if (it == impl->fds.end()) {
    it = impl->fds.insert(impl->fds.end(), pollfd{fd, 0, 0});
    impl->fd_channel.push_back(ch->index);
  }
  it->events = static_cast<short>((readable != 0 ? POLLIN : 0) | (writable != 0 ? POLLOUT : 0));
}

// True when another resolver should be asked: the answer was SERVFAIL, or none came in time.
bool worth_failover(const QueryResult& r) {
  return r.status == DnsStatus::servfail || (r.status == DnsStatus::timeout && !r.has_message);
}

void QueryLoop::Impl::on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  std::unique_ptr<Pending> pending(static_cast<Pending*>(arg));
  Impl* impl = pending->impl;
  --impl->in_flight;
  QueryResult result;
  if (abuf != nullptr && alen > 0) {
    auto parsed = wire::parse_message(std::span<const std::uint8_t>(abuf, static_cast<std::size_t>(alen)));
    if (parsed) {
      result.has_message = true;
      result.message = std::move(*parsed);
      map_rcode(result.message.rcode, result);
    } else {
      result.status = DnsStatus::servfail;
      result.detail = parsed.error().message;
    }
  } else {
    map_ares_status(status, result);
  }
  // ARES_EDESTRUCTION: the channel is going away; nobody waits for the result.
  if (status == ARES_EDESTRUCTION) return;
  if (worth_failover(result) && pending->query.server + 1 < impl->channels.size()) {
    ++pending->query.server;
    impl->queue.push_front(std::move(pending->query));  // asked again before new work
    return;
  }
  pending->query.handler(std::move(result));
}

bool QueryLoop::Impl::take_token() {
  if (rate_qps <= 0) return true;
  const auto now = Clock::now();
  const double burst = std::max(1.0, std::min(rate_qps / 20.0, static_cast<double>(concurrency)));
  tokens = std::min(burst, tokens + std::chrono::duration<double>(now - last_refill).count() * rate_qps);
  last_refill = now;
  if (tokens < 1.0) return false;
  tokens -= 1.0;
  return true;
}

int QueryLoop::Impl::rate_wait_ms() const { return static_cast<int>(std::ceil((1.0 - tokens) * 1000.0 / rate_qps)); }

void QueryLoop::Impl::pump() {
  while (in_flight < concurrency) {
    if (queue.empty()) {
      if (exhausted || !(*refill)()) {
        exhausted = true;
        return;
      }
      continue;
    }
    if (!take_token()) return;
    auto pending = std::make_unique<Pending>(Pending{this, std::move(queue.front())});
    queue.pop_front();
    ++in_flight;
    ++sent;
    const Queued& q = pending->query;
    ares_channel channel = channels[q.server]->channel;
    const std::string qname = q.qname;
    ares_query(channel, qname.c_str(), 1 /* class IN */, q.type, &Impl::on_answer, pending.release());
  }
}

int QueryLoop::Impl::poll_timeout_ms() {
  int wait = -1;
  if (in_flight > 0) {
    for (const auto& c : channels) {
      timeval tv{};
      if (const timeval* t = ares_timeout(c->channel, nullptr, &tv); t != nullptr) {
        const int ms = static_cast<int>(t->tv_sec * 1000 + (t->tv_usec + 999) / 1000);
        wait = wait < 0 ? ms : std::min(wait, ms);
      }
    }
  }
  if (!queue.empty() && in_flight < concurrency && rate_qps > 0) {
    const int rate_wait = rate_wait_ms();
    wait = wait < 0 ? rate_wait : std::min(wait, rate_wait);
  }
  return wait;
}

void QueryLoop::Impl::wait_and_process() {
  const int ready = ::poll(fds.data(), fds.size(), poll_timeout_ms());
  if (ready <= 0) {
    for (const auto& c : channels) ares_process_fd(c->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // expire tries
    return;
  }
  // Copy first: ares_process_fd changes `fds` through on_socket.
  const std::vector<pollfd> snapshot = fds;
  const std::vector<std::size_t> owners = fd_channel;
  for (std::size_t i = 0; i < snapshot.size(); ++i) {
    const pollfd& p = snapshot[i];
    if (p.revents == 0) continue;
    const bool readable = (p.revents & (POLLIN | POLLERR | POLLHUP)) != 0;
    const bool writable = (p.revents & POLLOUT) != 0;
    ares_process_fd(channels[owners[i]]->channel, readable ? p.fd : ARES_SOCKET_BAD, writable ? p.fd : ARES_SOCKET_BAD);
  }
  // A channel whose sockets were quiet may still have tries to expire.
  for (const auto& c : channels) ares_process_fd(c->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

QueryLoop::QueryLoop(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
QueryLoop::~QueryLoop() = default;

void QueryLoop::submit(std::string qname, std::uint16_t type, QueryHandler handler) {
  m_impl->queue.push_back(Queued{std::move(qname), type, std::move(handler), 0});
}

void QueryLoop::run(const std::function<bool()>& refill) {
  m_impl->refill = &refill;
  m_impl->exhausted = false;
  while (true) {
    m_impl->pump();
    if (m_impl->in_flight == 0 && m_impl->queue.empty() && m_impl->exhausted) break;
    m_impl->wait_and_process();
  }
  m_impl->refill = nullptr;
}

const std::string& QueryLoop::resolver() const { return m_impl->resolver; }
std::size_t QueryLoop::queries_sent() const { return m_impl->sent; }

namespace {

// Point the channel at explicit servers.
core::Result<void> set_servers(ares_channel channel, const std::vector<DnsServer>& servers) {
  std::vector<ares_addr_port_node> nodes(servers.size());
  for (std::size_t i = 0; i < servers.size(); ++i) {
    ares_addr_port_node& n = nodes[i];
    n.next = i + 1 < nodes.size() ? &nodes[i + 1] : nullptr;
    const bool v4 = servers[i].address.family == core::IpFamily::v4;
    n.family = v4 ? AF_INET : AF_INET6;
    std::memcpy(v4 ? static_cast<void*>(&n.addr.addr4) : static_cast<void*>(&n.addr.addr6),
                servers[i].address.bytes.data(), v4 ? 4 : 16);
    n.udp_port = servers[i].port;
    n.tcp_port = servers[i].port;
  }
  if (const int rc = ares_set_servers_ports(channel, nodes.data()); rc != ARES_SUCCESS) {
    return core::fail(core::ErrorCode::config, fmt::format("cannot set DNS servers: {}", ares_strerror(rc)));
  }
  return {};
}

// The servers a channel will ask, in order.
std::vector<DnsServer> servers_of(ares_channel channel) {
  std::vector<DnsServer> out;
  ares_addr_port_node* list = nullptr;
  if (ares_get_servers_ports(channel, &list) != ARES_SUCCESS) return out;
  for (const ares_addr_port_node* n = list; n != nullptr; n = n->next) {
    DnsServer s;
    s.address.family = n->family == AF_INET ? core::IpFamily::v4 : core::IpFamily::v6;
    std::memcpy(
        s.address.bytes.data(),
        n->family == AF_INET ? static_cast<const void*>(&n->addr.addr4) : static_cast<const void*>(&n->addr.addr6),
        n->family == AF_INET ? 4 : 16);
    s.port = static_cast<std::uint16_t>(n->udp_port != 0 ? n->udp_port : 53);
    out.push_back(s);
  }
  ares_free_data(list);
  return out;
}

// Create a channel with `opts`; with `servers` non-empty, point it at them.
core::Result<ares_channel> make_channel(ares_options& opts, int mask, const std::vector<DnsServer>& servers) {
  ares_channel channel = nullptr;
  if (const int rc = ares_init_options(&channel, &opts, mask); rc != ARES_SUCCESS) {
    return core::fail(core::ErrorCode::config, fmt::format("cannot set up the DNS resolver: {}", ares_strerror(rc)));
  }
  if (!servers.empty()) {
    if (auto ok = set_servers(channel, servers); !ok) {
      ares_destroy(channel);
      return std::unexpected(ok.error());
    }
  }
  return channel;
}

}  // namespace

core::Result<std::unique_ptr<QueryLoop>> QueryLoop::create(const DnsOptions& options) {
  if (!library_ready()) return core::fail(core::ErrorCode::internal, "cannot initialise c-ares");
  if (options.timeout_ms <= 0 || options.retries < 0 || options.concurrency <= 0 || options.rate_qps < 0) {
    return core::fail(core::ErrorCode::usage, "DNS options: timeout and concurrency must be positive");
  }
  auto impl = std::make_unique<Impl>();
  impl->concurrency = options.concurrency;
  impl->rate_qps = options.rate_qps;
  impl->tokens = 1.0;
  ares_options opts{};
  opts.timeout = options.timeout_ms;
  opts.tries = options.retries + 1;
  opts.sock_state_cb = &Impl::on_socket;
  opts.socket_receive_buffer_size = options.socket_buffer;
  // NOCHECKRESP: SERVFAIL and REFUSED answers reach us with their rcode (c-ares 1.18 would
  // otherwise retry them and report a connection error).
  opts.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOCHECKRESP;
  const int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB | ARES_OPT_SOCK_RCVBUF | ARES_OPT_FLAGS;
  // The resolvers: the explicit ones, else those of /etc/resolv.conf (read by a first channel).
  std::vector<DnsServer> servers = options.servers;
  if (servers.empty()) {
    opts.sock_state_cb_data = nullptr;
    auto probe_channel = make_channel(opts, mask, {});
    if (!probe_channel) return std::unexpected(probe_channel.error());
    servers = servers_of(*probe_channel);
    ares_destroy(*probe_channel);
    if (servers.empty())
      return core::fail(core::ErrorCode::config, "no DNS resolver configured; expected --resolver IP[:PORT]");
  }
  for (std::size_t i = 0; i < servers.size(); ++i) {
    auto ch = std::make_unique<Impl::Channel>();
    ch->impl = impl.get();
    ch->index = i;
    opts.sock_state_cb_data = ch.get();
    auto channel = make_channel(opts, mask, {servers[i]});
    if (!channel) return std::unexpected(channel.error());
    ch->channel = *channel;
    impl->channels.push_back(std::move(ch));
    impl->resolver += (impl->resolver.empty() ? "" : ",") + format_server(servers[i]);
  }
  return std::unique_ptr<QueryLoop>(new QueryLoop(std::move(impl)));
}

}  // namespace probe
