// The c-ares event loop. c-ares reports its sockets through ARES_OPT_SOCK_STATE_CB; we poll()
// them and hand ready ones to ares_process_fd, which reads every waiting datagram and also
// expires timed-out tries. Queries wait in a FIFO until a slot is free (at most `concurrency`
// in flight) and, with a rate limit, until the token bucket allows one more. c-ares callbacks
// only record results and queue follow-up queries: ares_query is called from pump() alone, so
// a callback that fires synchronously inside ares_query cannot re-enter it.
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
    case ARES_ENOTFOUND: out.status = DnsStatus::nxdomain; return;
    case ARES_ENODATA: out.status = DnsStatus::nodata; return;
    case ARES_EREFUSED: out.status = DnsStatus::refused; return;
    case ARES_ESERVFAIL: out.status = DnsStatus::servfail; return;
    default:
      out.status = DnsStatus::servfail;
      out.detail = ares_strerror(status);
  }
}

// Map the rcode of a parsed answer to a DnsStatus.
void map_rcode(int rcode, QueryResult& out) {
  switch (rcode) {
    case wire::k_rcode_noerror: out.status = DnsStatus::ok; return;
    case wire::k_rcode_nxdomain: out.status = DnsStatus::nxdomain; return;
    case wire::k_rcode_refused: out.status = DnsStatus::refused; return;
    case wire::k_rcode_servfail: out.status = DnsStatus::servfail; return;
    default:
      out.status = DnsStatus::servfail;
      out.detail = fmt::format("rcode {}", rcode);
  }
}

}  // namespace

struct QueryLoop::Impl {
  ares_channel channel = nullptr;
  std::vector<pollfd> fds;
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
    QueryHandler handler;
  };

  ~Impl() {
    if (channel != nullptr) ares_destroy(channel);
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
  auto* impl = static_cast<Impl*>(data);
  auto it = std::find_if(impl->fds.begin(), impl->fds.end(), [fd](const pollfd& p) { return p.fd == fd; });
  if (readable == 0 && writable == 0) {
    if (it != impl->fds.end()) impl->fds.erase(it);
    return;
  }
  if (it == impl->fds.end()) it = impl->fds.insert(impl->fds.end(), pollfd{fd, 0, 0});
  it->events = static_cast<short>((readable != 0 ? POLLIN : 0) | (writable != 0 ? POLLOUT : 0));
}

void QueryLoop::Impl::on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  std::unique_ptr<Pending> pending(static_cast<Pending*>(arg));
  --pending->impl->in_flight;
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
  if (status != ARES_EDESTRUCTION) pending->handler(std::move(result));
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

int QueryLoop::Impl::rate_wait_ms() const {
  return static_cast<int>(std::ceil((1.0 - tokens) * 1000.0 / rate_qps));
}

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
    auto pending = std::make_unique<Pending>(Pending{this, std::move(queue.front().handler)});
    const std::string qname = std::move(queue.front().qname);
    const std::uint16_t type = queue.front().type;
    queue.pop_front();
    ++in_flight;
    ++sent;
    ares_query(channel, qname.c_str(), 1 /* class IN */, type, &Impl::on_answer, pending.release());
  }
}

int QueryLoop::Impl::poll_timeout_ms() {
  int wait = -1;
  if (in_flight > 0) {
    timeval tv{};
    if (const timeval* t = ares_timeout(channel, nullptr, &tv); t != nullptr) {
      wait = static_cast<int>(t->tv_sec * 1000 + (t->tv_usec + 999) / 1000);
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
    ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // expire timed-out tries
    return;
  }
  // Copy first: ares_process_fd changes `fds` through on_socket.
  std::vector<pollfd> snapshot = fds;
  for (const pollfd& p : snapshot) {
    if (p.revents == 0) continue;
    const bool readable = (p.revents & (POLLIN | POLLERR | POLLHUP)) != 0;
    const bool writable = (p.revents & POLLOUT) != 0;
    ares_process_fd(channel, readable ? p.fd : ARES_SOCKET_BAD, writable ? p.fd : ARES_SOCKET_BAD);
  }
}

QueryLoop::QueryLoop(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
QueryLoop::~QueryLoop() = default;

void QueryLoop::submit(std::string qname, std::uint16_t type, QueryHandler handler) {
  m_impl->queue.push_back(Queued{std::move(qname), type, std::move(handler)});
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

// Describe the servers the channel will ask.
std::string describe_servers(ares_channel channel) {
  ares_addr_port_node* list = nullptr;
  if (ares_get_servers_ports(channel, &list) != ARES_SUCCESS) return "unknown";
  std::string out;
  for (const ares_addr_port_node* n = list; n != nullptr; n = n->next) {
    DnsServer s;
    s.address.family = n->family == AF_INET ? core::IpFamily::v4 : core::IpFamily::v6;
    std::memcpy(s.address.bytes.data(), n->family == AF_INET ? static_cast<const void*>(&n->addr.addr4)
                                                             : static_cast<const void*>(&n->addr.addr6),
                n->family == AF_INET ? 4 : 16);
    s.port = static_cast<std::uint16_t>(n->udp_port != 0 ? n->udp_port : 53);
    out += (out.empty() ? "" : ",") + format_server(s);
  }
  ares_free_data(list);
  return out;
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
  opts.sock_state_cb_data = impl.get();
  opts.socket_receive_buffer_size = options.socket_buffer;
  // NOCHECKRESP: SERVFAIL and REFUSED answers reach us with their rcode (c-ares 1.18 would
  // otherwise retry them and report a connection error).
  opts.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOCHECKRESP;
  const int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB | ARES_OPT_SOCK_RCVBUF |
                   ARES_OPT_FLAGS;
  if (const int rc = ares_init_options(&impl->channel, &opts, mask); rc != ARES_SUCCESS) {
    return core::fail(core::ErrorCode::config, fmt::format("cannot set up the DNS resolver: {}", ares_strerror(rc)));
  }
  if (!options.servers.empty()) {
    if (auto ok = set_servers(impl->channel, options.servers); !ok) return std::unexpected(ok.error());
  }
  impl->resolver = describe_servers(impl->channel);
  return std::unique_ptr<QueryLoop>(new QueryLoop(std::move(impl)));
}

}  // namespace probe
