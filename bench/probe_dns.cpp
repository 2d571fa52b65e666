// Bench driver for lib/probe: runs probe::resolve_all over a file of names and prints names
// per second and the count of each status. Usage:
//   bench_probe_dns SERVER NAMES_FILE [mix|mix+ptr|addr] [CONCURRENCY]
// mix asks A, AAAA (CNAME chains read from those answers), NS and MX; mix+ptr adds PTR for every
// address; addr asks A and AAAA only.
#include "probe/dns.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s SERVER NAMES_FILE [mix|mix+ptr|addr] [CONCURRENCY]\n", argv[0]);
    return 2;
  }
  const std::string mix = argc > 3 ? argv[3] : "mix";
  auto server = probe::parse_server(argv[1]);
  if (!server) {
    std::fprintf(stderr, "%s\n", server.error().to_string().c_str());
    return 2;
  }
  probe::DnsOptions opts;
  opts.servers = {*server};
  opts.concurrency = argc > 4 ? std::atoi(argv[4]) : 256;
  std::vector<probe::DnsRequest> requests;
  std::ifstream in(argv[2]);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    requests.push_back({.name = line, .want_mx = mix != "addr", .want_ns = mix != "addr", .want_ptr = mix == "mix+ptr"});
  }
  const auto start = std::chrono::steady_clock::now();
  auto results = probe::resolve_all(opts, requests);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!results) {
    std::fprintf(stderr, "%s\n", results.error().to_string().c_str());
    return 2;
  }
  std::map<std::string, long> statuses;
  long chains = 0;
  for (const auto& r : *results) {
    ++statuses[std::string(probe::to_string(r.status))];
    chains += r.cname_chain.empty() ? 0 : 1;
  }
  std::printf("probe_dns mix=%s names=%zu seconds=%.3f names/s=%.0f cname_chains=%ld", mix.c_str(), requests.size(),
              seconds, static_cast<double>(requests.size()) / seconds, chains);
  for (const auto& [status, count] : statuses) std::printf(" %s=%ld", status.c_str(), count);
  std::printf("\n");
  return statuses["timeout"] == 0 ? 0 : 1;
}
