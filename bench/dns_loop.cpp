// The baseline for the DNS probe: a plain c-ares loop with no per-name logic. It keeps
// --concurrency queries in flight (poll() over the sockets c-ares reports through
// ARES_OPT_SOCK_STATE_CB, then ares_process_fd), asks each name for the record types of the
// chosen mix and parses each answer with the matching ares_parse_* function, and prints
// names per second. Usage: bench_dns_loop SERVER_IP PORT NAMES_FILE [a|mix|mix4] [CONCURRENCY]
#include <ares.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct Loop {
  ares_channel channel = nullptr;
  std::vector<pollfd> fds;
  int in_flight = 0;
  long answered = 0;
  long failed = 0;
  long records = 0;
};

void on_socket(void* data, ares_socket_t fd, int readable, int writable) {
  auto* loop = static_cast<Loop*>(data);
  auto it = std::find_if(loop->fds.begin(), loop->fds.end(), [fd](const pollfd& p) { return p.fd == fd; });
  if (readable == 0 && writable == 0) {
    if (it != loop->fds.end()) loop->fds.erase(it);
    return;
  }
  if (it == loop->fds.end()) it = loop->fds.insert(loop->fds.end(), pollfd{fd, 0, 0});
  it->events = static_cast<short>((readable != 0 ? POLLIN : 0) | (writable != 0 ? POLLOUT : 0));
}

// Parse the answer the way a real client would, so the baseline pays for parsing too.
int parse(int type, unsigned char* abuf, int alen) {
  int n = 0;
  if (type == 1) {
    ares_addrttl ttls[32];
    n = 32;
    if (ares_parse_a_reply(abuf, alen, nullptr, ttls, &n) != ARES_SUCCESS) n = 0;
  } else if (type == 28) {
    ares_addr6ttl ttls[32];
    n = 32;
    if (ares_parse_aaaa_reply(abuf, alen, nullptr, ttls, &n) != ARES_SUCCESS) n = 0;
  } else if (type == 2) {
    hostent* host = nullptr;
    if (ares_parse_ns_reply(abuf, alen, &host) == ARES_SUCCESS) {
      for (char** a = host->h_aliases; a != nullptr && *a != nullptr; ++a) ++n;
      ares_free_hostent(host);
    }
  } else if (type == 15) {
    ares_mx_reply* mx = nullptr;
    if (ares_parse_mx_reply(abuf, alen, &mx) == ARES_SUCCESS) {
      for (ares_mx_reply* m = mx; m != nullptr; m = m->next) ++n;
      ares_free_data(mx);
    }
  } else if (type == 5) {
    hostent* host = nullptr;  // a CNAME answer: ares_parse_a_reply reads the alias chain
    if (ares_parse_a_reply(abuf, alen, &host, nullptr, nullptr) == ARES_SUCCESS) {
      for (char** a = host->h_aliases; a != nullptr && *a != nullptr; ++a) ++n;
      ares_free_hostent(host);
    } else {
      n = 1;
    }
  }
  return n;
}

struct Query {
  Loop* loop;
  int type;
};

void on_answer(void* arg, int status, int, unsigned char* abuf, int alen) {
  auto* q = static_cast<Query*>(arg);
  --q->loop->in_flight;
  if (status == ARES_SUCCESS) {
    ++q->loop->answered;
    q->loop->records += parse(q->type, abuf, alen);
  } else if (status == ARES_ENODATA || status == ARES_ENOTFOUND) {
    ++q->loop->answered;
  } else {
    ++q->loop->failed;
  }
  delete q;
}

void wait_and_process(Loop& loop) {
  timeval tv{};
  const timeval* t = ares_timeout(loop.channel, nullptr, &tv);
  const int wait = t == nullptr ? 1000 : static_cast<int>(t->tv_sec * 1000 + (t->tv_usec + 999) / 1000);
  if (::poll(loop.fds.data(), loop.fds.size(), wait) <= 0) {
    ares_process_fd(loop.channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    return;
  }
  const std::vector<pollfd> ready = loop.fds;
  for (const pollfd& p : ready) {
    if (p.revents == 0) continue;
    ares_process_fd(loop.channel, (p.revents & (POLLIN | POLLERR | POLLHUP)) ? p.fd : ARES_SOCKET_BAD,
                    (p.revents & POLLOUT) ? p.fd : ARES_SOCKET_BAD);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s SERVER_IP PORT NAMES_FILE [a|mix|mix4] [CONCURRENCY]\n", argv[0]);
    return 2;
  }
  const std::string mix = argc > 4 ? argv[4] : "mix";
  const int concurrency = argc > 5 ? std::atoi(argv[5]) : 256;
  // mix: A, AAAA, CNAME, NS, MX; mix4: the same without the separate CNAME query.
  const std::vector<int> types = mix == "a"      ? std::vector<int>{1}
                                 : mix == "mix4" ? std::vector<int>{1, 28, 2, 15}
                                                 : std::vector<int>{1, 28, 5, 2, 15};
  std::vector<std::string> names;
  std::ifstream in(argv[3]);
  for (std::string line; std::getline(in, line);) if (!line.empty()) names.push_back(line);

  ares_library_init(ARES_LIB_INIT_ALL);
  Loop loop;
  ares_options opts{};
  opts.timeout = 2000;
  opts.tries = 2;
  opts.sock_state_cb = &on_socket;
  opts.sock_state_cb_data = &loop;
  opts.socket_receive_buffer_size = 4 << 20;
  opts.flags = ARES_FLAG_NOSEARCH;
  ares_init_options(&loop.channel, &opts,
                    ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB | ARES_OPT_SOCK_RCVBUF | ARES_OPT_FLAGS);
  ares_addr_port_node server{};
  server.family = AF_INET;
  inet_pton(AF_INET, argv[1], &server.addr.addr4);
  server.udp_port = server.tcp_port = std::atoi(argv[2]);
  ares_set_servers_ports(loop.channel, &server);

  const auto start = std::chrono::steady_clock::now();
  std::size_t next = 0;
  const std::size_t total = names.size() * types.size();
  while (next < total || loop.in_flight > 0) {
    while (next < total && loop.in_flight < concurrency) {
      const int type = types[next % types.size()];
      ++loop.in_flight;
      ares_query(loop.channel, names[next / types.size()].c_str(), 1, type, on_answer, new Query{&loop, type});
      ++next;
    }
    wait_and_process(loop);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("dns_loop mix=%s names=%zu queries=%zu answered=%ld failed=%ld records=%ld seconds=%.3f names/s=%.0f\n",
              mix.c_str(), names.size(), total, loop.answered, loop.failed, loop.records, seconds,
              static_cast<double>(names.size()) / seconds);
  ares_destroy(loop.channel);
  ares_library_cleanup();
  return loop.failed == 0 ? 0 : 1;
}
