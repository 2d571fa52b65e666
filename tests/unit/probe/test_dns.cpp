// Integration tests of probe::resolve_all against a real nsd on 127.0.0.1 (tests/fakes).
#include "fakes/nsd_server.hpp"
#include "probe/dns.hpp"
#include "probe/dns_wire.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>

namespace {

std::string example_zone() {
  std::string z = R"($ORIGIN example.test.
$TTL 300
@ IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 300
@ IN NS ns1.example.test.
@ IN NS ns2.example.test.
@ IN MX 20 backup.example.test.
@ IN MX 10 mail.example.test.
ns1 IN A 127.0.0.1
ns2 IN A 127.0.0.2
www 120 IN A 192.0.2.10
www 120 IN A 192.0.2.11
www 60 IN AAAA 2001:db8::10
mail IN A 192.0.2.25
v6only IN AAAA 2001:db8::20
textonly IN TXT "no address here"
deep.host IN A 192.0.2.40
portal IN CNAME portal.azurewebsites.test.example.
ext IN CNAME app.unserved.test.
loop1 IN CNAME loop2
loop2 IN CNAME loop1
xn--bcher-kva IN A 192.0.2.30
)";
  for (int i = 0; i < 20; ++i) z += fmt::format("c{} IN CNAME c{}\n", i, i + 1);
  z += "c20 IN CNAME www\n";
  for (int i = 0; i < 100; ++i) z += fmt::format("h{} IN A 192.0.2.{}\n", i, 100 + i);
  return z;
}

const char* k_provider_zone = R"($ORIGIN test.example.
$TTL 300
@ IN SOA ns1.test.example. hostmaster.test.example. 1 3600 600 86400 300
@ IN NS ns1.example.test.
portal.azurewebsites IN CNAME waws-prod-par-001.cloudapp.test.example.
waws-prod-par-001.cloudapp IN A 192.0.2.20
)";

const char* k_reverse_v4 = R"($ORIGIN 2.0.192.in-addr.arpa.
$TTL 300
@ IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 300
@ IN NS ns1.example.test.
10 IN PTR www.example.test.
11 IN PTR www.example.test.
11 IN PTR alias.example.test.
20 IN PTR waws-prod-par-001.cloudapp.test.example.
)";

const char* k_reverse_v6 = R"($ORIGIN 8.b.d.0.1.0.0.2.ip6.arpa.
$TTL 300
@ IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 300
@ IN NS ns1.example.test.
0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR www6.example.test.
)";

// The nsd of this test process, started on first use and stopped at exit.
const fakes::NsdServer& nsd() {
  static fakes::NsdServer server = [] {
    const char* tmp = std::getenv("RESIDENCY_TEST_TMP");
    const auto dir = std::filesystem::path(tmp != nullptr ? tmp : "/tmp") / fmt::format("nsd-{}", ::getpid());
    auto started = fakes::NsdServer::start(dir, {{"example.test", example_zone()},
                                                 {"test.example", k_provider_zone},
                                                 {"2.0.192.in-addr.arpa", k_reverse_v4},
                                                 {"8.b.d.0.1.0.0.2.ip6.arpa", k_reverse_v6},
                                                 {"broken.test", "this is not a zone file !!!\n"}});
    if (!started) FAIL("cannot start nsd: " << started.error().to_string());
    return std::move(*started);
  }();
  return server;
}

probe::DnsOptions local_options() {
  probe::DnsOptions opts;
  opts.servers = {*probe::parse_server(nsd().address())};
  opts.timeout_ms = 1000;
  opts.retries = 1;
  return opts;
}

probe::DnsResult resolve_one(const probe::DnsRequest& req, const probe::DnsOptions& opts = local_options()) {
  auto results = probe::resolve_all(opts, {req});
  REQUIRE(results);
  REQUIRE(results->size() == 1);
  return results->front();
}

std::vector<std::string> ips(const probe::DnsResult& r) {
  std::vector<std::string> out;
  for (const auto& a : r.addresses) out.push_back(core::format_ip(a.ip));
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("probe::resolve_all: A / AAAA with TTLs / PTR / NS and MX from nsd", "[probe]") {
  auto r = resolve_one({.name = "www.example.test", .want_mx = true, .want_ns = true, .want_ptr = true});
  CHECK(r.status == probe::DnsStatus::ok);
  CHECK(r.detail.empty());
  CHECK(ips(r) == Strings{"192.0.2.10", "192.0.2.11", "2001:db8::10"});
  REQUIRE(r.addresses.size() == 3);
  CHECK(r.addresses[0].ttl == 120);
  CHECK(r.addresses[2].ttl == 60);
  CHECK(r.addresses[0].ptr == Strings{"www.example.test"});
  CHECK(r.addresses[1].ptr == Strings{"alias.example.test", "www.example.test"});
  CHECK(r.addresses[2].ptr == Strings{"www6.example.test"});
  CHECK(r.cname_chain.empty());
  CHECK(r.ns_zone == "example.test");
  CHECK(r.ns == Strings{"ns1.example.test", "ns2.example.test"});
  CHECK(r.ns_status == probe::DnsStatus::ok);
  CHECK(r.mx_status == probe::DnsStatus::nodata);  // MX lives at the apex, not at www
  CHECK(r.resolver == nsd().address());
  CHECK(r.time.size() == 20);
  CHECK(r.time.ends_with("Z"));
}

TEST_CASE("probe::resolve_all: MX with preferences / NS found by walking up labels", "[probe]") {
  auto apex = resolve_one({.name = "example.test", .want_mx = true, .want_ns = true, .want_ptr = false});
  CHECK(apex.status == probe::DnsStatus::nodata);
  REQUIRE(apex.mx.size() == 2);
  CHECK(apex.mx[0].preference == 10);
  CHECK(apex.mx[0].host == "mail.example.test");
  CHECK(apex.mx[1].preference == 20);
  CHECK(apex.mx_status == probe::DnsStatus::ok);
  auto deep = resolve_one({.name = "deep.host.example.test", .want_ns = true, .want_ptr = false});
  CHECK(ips(deep) == Strings{"192.0.2.40"});
  CHECK(deep.ns_zone == "example.test");
  CHECK(deep.ns == Strings{"ns1.example.test", "ns2.example.test"});
  CHECK_FALSE(deep.mx_status.has_value());
}

TEST_CASE("probe::resolve_all: CNAME chain into a provider suffix", "[probe]") {
  auto r = resolve_one({.name = "portal.example.test", .want_ptr = true});
  CHECK(r.status == probe::DnsStatus::ok);
  CHECK(r.cname_chain ==
        Strings{"portal.azurewebsites.test.example", "waws-prod-par-001.cloudapp.test.example"});
  CHECK(ips(r) == Strings{"192.0.2.20"});
  REQUIRE(r.addresses.size() == 1);
  CHECK(r.addresses[0].ptr == Strings{"waws-prod-par-001.cloudapp.test.example"});
  CHECK(r.ns_zone == "example.test");  // the zone of the name, not of the chain's end
}

TEST_CASE("probe::resolve_all: nxdomain and nodata", "[probe]") {
  auto nx = resolve_one({.name = "missing.example.test"});
  CHECK(nx.status == probe::DnsStatus::nxdomain);
  CHECK(nx.addresses.empty());
  CHECK(nx.ns_zone == "example.test");  // the SOA of the NXDOMAIN answer names the zone
  auto nodata = resolve_one({.name = "textonly.example.test"});
  CHECK(nodata.status == probe::DnsStatus::nodata);
  auto v6 = resolve_one({.name = "v6only.example.test", .want_ptr = false});
  CHECK(v6.status == probe::DnsStatus::ok);
  CHECK(ips(v6) == Strings{"2001:db8::20"});
}

TEST_CASE("probe::resolve_all: CNAME loops and over-long chains are status loop", "[probe]") {
  auto loop = resolve_one({.name = "loop1.example.test"});
  CHECK(loop.status == probe::DnsStatus::loop);
  CHECK(loop.detail == "CNAME loop at loop1.example.test");
  CHECK(loop.cname_chain == Strings{"loop2.example.test"});
  auto chain = resolve_one({.name = "c0.example.test"});
  CHECK(chain.status == probe::DnsStatus::loop);
  CHECK(chain.detail == "CNAME chain longer than 16");
  CHECK(chain.addresses.empty());
}

TEST_CASE("probe::resolve_all: SERVFAIL and REFUSED rcodes", "[probe]") {
  auto servfail = resolve_one({.name = "www.broken.test"});  // configured zone that failed to load
  CHECK(servfail.status == probe::DnsStatus::servfail);
  CHECK(servfail.ns_status == probe::DnsStatus::servfail);
  auto refused = resolve_one({.name = "www.elsewhere.invalid"});  // outside every zone nsd serves
  CHECK(refused.status == probe::DnsStatus::refused);
}

TEST_CASE("probe::resolve_all: a CNAME out of the served zones is followed by a new query", "[probe]") {
  auto r = resolve_one({.name = "ext.example.test"});
  CHECK(r.cname_chain == Strings{"app.unserved.test"});
  CHECK(r.status == probe::DnsStatus::refused);  // nsd refuses the follow-up for app.unserved.test
}

TEST_CASE("probe::resolve_all: IDN names are sent as punycode", "[probe]") {
  auto r = resolve_one({.name = "BÜCHER.example.test", .want_ptr = false});
  CHECK(r.status == probe::DnsStatus::ok);
  CHECK(r.ascii_name == "xn--bcher-kva.example.test");
  CHECK(r.unicode_name == "bücher.example.test");
  CHECK(ips(r) == Strings{"192.0.2.30"});
  auto bad = resolve_one({.name = "bad name.example.test"});
  CHECK(bad.status == probe::DnsStatus::invalid);
  CHECK(bad.detail.starts_with("invalid name"));
}

TEST_CASE("probe::resolve_all: no server on the port is timeout/unreachable / within the timeout", "[probe]") {
  auto port = fakes::free_port();
  REQUIRE(port);
  probe::DnsOptions opts;
  opts.servers = {*probe::parse_server(fmt::format("127.0.0.1:{}", *port))};
  opts.timeout_ms = 300;
  opts.retries = 0;
  const auto start = std::chrono::steady_clock::now();
  auto r = resolve_one({.name = "www.example.test"}, opts);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(r.status == probe::DnsStatus::timeout);
  CHECK(r.detail == "unreachable");
  CHECK(r.ns_status == probe::DnsStatus::timeout);
  CHECK(elapsed < std::chrono::milliseconds(1000));
}

TEST_CASE("probe::resolve_all: a server that never answers times out after timeout x tries", "[probe]") {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);  // bound, never read: queries vanish
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  probe::DnsOptions opts;
  opts.servers = {*probe::parse_server(fmt::format("127.0.0.1:{}", ntohs(addr.sin_port)))};
  opts.timeout_ms = 200;
  opts.retries = 1;  // 200 ms, then 400 ms (c-ares doubles the second round)
  const auto start = std::chrono::steady_clock::now();
  auto r = resolve_one({.name = "www.example.test"}, opts);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ::close(fd);
  CHECK(r.status == probe::DnsStatus::timeout);
  CHECK(r.detail == "unreachable");
  CHECK(elapsed >= std::chrono::milliseconds(200));
  CHECK(elapsed < std::chrono::milliseconds(1500));
}

TEST_CASE("probe::resolve_all: many names with few slots keep request order and report progress", "[probe]") {
  std::vector<probe::DnsRequest> reqs;
  for (int i = 0; i < 100; ++i) reqs.push_back({.name = fmt::format("h{}.example.test", i), .want_ptr = false});
  reqs.push_back({.name = "missing.example.test"});
  auto opts = local_options();
  opts.concurrency = 3;
  std::size_t calls = 0;
  std::size_t last_done = 0;
  auto results = probe::resolve_all(opts, reqs, [&](std::size_t done, std::size_t total) {
    ++calls;
    CHECK(done == last_done + 1);
    CHECK(total == reqs.size());
    last_done = done;
  });
  REQUIRE(results);
  REQUIRE(results->size() == reqs.size());
  CHECK(calls == reqs.size());
  for (int i = 0; i < 100; ++i) {
    const auto& r = (*results)[static_cast<std::size_t>(i)];
    INFO(r.name);
    CHECK(r.name == fmt::format("h{}.example.test", i));
    CHECK(ips(r) == Strings{fmt::format("192.0.2.{}", 100 + i)});
    CHECK(r.ns_zone == "example.test");
  }
  CHECK(results->back().status == probe::DnsStatus::nxdomain);
}

TEST_CASE("probe::resolve_all: the rate limit spaces queries out", "[probe]") {
  std::vector<probe::DnsRequest> reqs;
  for (int i = 0; i < 10; ++i) {
    reqs.push_back({.name = fmt::format("h{}.example.test", i), .want_ns = false, .want_ptr = false});
  }
  auto opts = local_options();
  opts.rate_qps = 40;  // 20 queries (A + AAAA per name) at 40/s: about half a second
  const auto start = std::chrono::steady_clock::now();
  auto results = probe::resolve_all(opts, reqs);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE(results);
  CHECK(std::all_of(results->begin(), results->end(), [](const auto& r) { return r.status == probe::DnsStatus::ok; }));
  CHECK(elapsed >= std::chrono::milliseconds(400));
  CHECK(elapsed < std::chrono::milliseconds(2000));
}

TEST_CASE("probe::resolve_all: bad options are an error / not a crash", "[probe]") {
  probe::DnsOptions opts;
  opts.servers = {*probe::parse_server("127.0.0.1:9")};
  opts.concurrency = 0;
  auto results = probe::resolve_all(opts, {{.name = "www.example.test"}});
  REQUIRE_FALSE(results);
  CHECK(results.error().code == core::ErrorCode::usage);
}

namespace {

const char* k_failover_zone = R"($ORIGIN failover.test.
$TTL 300
@ IN SOA ns1.failover.test. hostmaster.failover.test. 1 3600 600 86400 300
@ IN NS ns1.failover.test.
ns1 IN A 127.0.0.1
www IN A 192.0.2.77
)";

// A second nsd that serves failover.test properly; the first one's copy of it does not load,
// so the first answers SERVFAIL for it.
const fakes::NsdServer& good_nsd() {
  static fakes::NsdServer server = [] {
    const char* tmp = std::getenv("RESIDENCY_TEST_TMP");
    const auto dir = std::filesystem::path(tmp != nullptr ? tmp : "/tmp") / fmt::format("nsd-good-{}", ::getpid());
    auto started = fakes::NsdServer::start(dir, {{"failover.test", k_failover_zone}});
    if (!started) FAIL("cannot start nsd: " << started.error().to_string());
    return std::move(*started);
  }();
  return server;
}

const fakes::NsdServer& failing_nsd() {
  static fakes::NsdServer server = [] {
    const char* tmp = std::getenv("RESIDENCY_TEST_TMP");
    const auto dir = std::filesystem::path(tmp != nullptr ? tmp : "/tmp") / fmt::format("nsd-bad-{}", ::getpid());
    auto started = fakes::NsdServer::start(dir, {{"failover.test", "not a zone file !!!\n"}});
    if (!started) FAIL("cannot start nsd: " << started.error().to_string());
    return std::move(*started);
  }();
  return server;
}

}  // namespace

TEST_CASE("probe::resolve_all: a SERVFAIL from the first resolver is asked again of the next", "[probe]") {
  probe::DnsOptions opts;
  opts.servers = {*probe::parse_server(failing_nsd().address()), *probe::parse_server(good_nsd().address())};
  opts.timeout_ms = 500;
  opts.retries = 0;
  auto r = resolve_one({.name = "www.failover.test", .want_ptr = false}, opts);
  CHECK(r.status == probe::DnsStatus::ok);
  CHECK(ips(r) == Strings{"192.0.2.77"});
  CHECK(r.ns_status == probe::DnsStatus::ok);
  CHECK(r.resolver == failing_nsd().address() + "," + good_nsd().address());
  // Alone, the failing resolver's answer stands: SERVFAIL, not a pass.
  opts.servers = {*probe::parse_server(failing_nsd().address())};
  CHECK(resolve_one({.name = "www.failover.test", .want_ptr = false}, opts).status == probe::DnsStatus::servfail);
}

TEST_CASE("probe::resolve_all: a resolver that does not answer is replaced by the next one", "[probe]") {
  auto port = fakes::free_port();
  REQUIRE(port);
  probe::DnsOptions opts;
  opts.servers = {*probe::parse_server(fmt::format("127.0.0.1:{}", *port)), *probe::parse_server(good_nsd().address())};
  opts.timeout_ms = 300;
  opts.retries = 0;
  auto r = resolve_one({.name = "www.failover.test", .want_ptr = false}, opts);
  CHECK(r.status == probe::DnsStatus::ok);
  CHECK(ips(r) == Strings{"192.0.2.77"});
  // Every resolver failing is still a timeout, with the detail.
  opts.servers = {*probe::parse_server(fmt::format("127.0.0.1:{}", *port)),
                  *probe::parse_server(failing_nsd().address())};
  auto bad = resolve_one({.name = "www.failover.test", .want_ptr = false}, opts);
  CHECK(bad.status == probe::DnsStatus::servfail);
}
