// audit::observe_target on recorded DNS answers, GeoIP databases written by our own writer and
// read back by libmaxminddb, and the shipped rule packs: location status (known, inconclusive,
// indeterminate, unknown), attribution precedence, and the DNS-inferred TLS terminator.
#include "audit/observe.hpp"
#include "core/diag.hpp"
#include "geo/mmdb_writer.hpp"
#include "policy/load.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;
using geo::MmdbValue;

namespace {

const core::Date k_as_of = *core::parse_date("2026-11-30");

fs::path scratch() {
  const char* base = std::getenv("RESIDENCY_TEST_TMP");
  fs::path dir = fs::path(base != nullptr ? base : fs::temp_directory_path().string()) /
                 ("observe-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

// Write a database of `type` mapping each prefix to its record.
fs::path write_db(const std::string& name, const std::string& type,
                  const std::vector<std::pair<std::string, MmdbValue>>& entries) {
  geo::WriterOptions o;
  o.database_type = type;
  o.description = {{"en", "observe test"}};
  o.build_epoch = 1780000000;
  geo::MmdbWriter w(o);
  for (const auto& [p, v] : entries) w.insert(*core::parse_prefix(p), v);
  const fs::path path = scratch() / name;
  REQUIRE(w.write(path));
  return path;
}

MmdbValue country(const char* iso) { return MmdbValue::map({{"country_code", MmdbValue::string(iso)}}); }
MmdbValue provider(const char* id, const char* region) {
  return MmdbValue::map({{"provider", MmdbValue::string(id)}, {"region", MmdbValue::string(region)}});
}

const policy::RuleSet& rules() {
  static const policy::RuleSet r = [] {
    core::Diag diag;
    diag.capture();
    policy::LoadOptions o;
    o.as_of = k_as_of;
    auto loaded = policy::load_rules(o, diag);
    REQUIRE(loaded);
    return *loaded;
  }();
  return r;
}

probe::DnsResult answer(const std::string& name, std::vector<std::string> ips, std::vector<std::string> cnames = {}) {
  probe::DnsResult r;
  r.name = r.ascii_name = r.unicode_name = name;
  r.status = probe::DnsStatus::ok;
  for (const auto& ip : ips) r.addresses.push_back({*core::parse_ip(ip), 60, {}});
  r.cname_chain = std::move(cnames);
  r.resolver = "127.0.0.1:5353";
  r.time = "2026-11-30T00:00:00Z";
  return r;
}

core::Target host(const std::string& name) {
  core::Target t;
  t.id = t.value = t.host = name;
  t.kind = core::TargetKind::host;
  return t;
}

core::TargetReport observe(const core::Target& t, std::vector<probe::DnsResult> dns, const std::vector<fs::path>& dbs,
                           std::vector<std::string>* warnings = nullptr) {
  audit::Recording rec;
  rec.dns = std::move(dns);
  std::sort(rec.dns.begin(), rec.dns.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  auto set = geo::DatabaseSet::open(dbs);
  REQUIRE(set);
  std::vector<std::string> local;
  return audit::observe_target(t, rec, *set, rules(), k_as_of, warnings != nullptr ? *warnings : local);
}

const core::Fact& fact(const core::TargetReport& r, const char* path) {
  const core::Fact* f = r.facts.find(path);
  INFO(path);
  REQUIRE(f != nullptr);
  return *f;
}

}  // namespace

TEST_CASE("audit::observe: two country databases that disagree make the location inconclusive", "[audit]") {
  auto a = write_db("a-country.mmdb", "country ipvAll", {{"198.51.100.0/24", country("FR")}});
  auto b = write_db("b-country.mmdb", "country ipvAll", {{"198.51.100.0/24", country("US")}});
  auto r = observe(host("x.test"), {answer("x.test", {"198.51.100.7"})}, {a, b});
  CHECK(fact(r, "served_from.countries").status == core::FactStatus::inconclusive);
  CHECK(fact(r, "served_from.status").values == std::vector<std::string>{"inconclusive"});
  CHECK(fact(r, "served_from.countries").values == std::vector<std::string>{"FR", "US"});  // both answers kept
  int disputed = 0;
  for (const auto& s : r.evidence) disputed += s.kind == "country" && s.method.find("disagree") != std::string::npos;
  CHECK(disputed == 2);
  auto agree = observe(host("x.test"), {answer("x.test", {"198.51.100.7"})}, {a, a});
  CHECK(fact(agree, "served_from.countries").values == std::vector<std::string>{"FR"});
  CHECK(fact(agree, "served_from.status").values == std::vector<std::string>{"known"});
}

TEST_CASE("audit::observe: a provider region beats the registry country / an anycast flag is indeterminate", "[audit]") {
  auto whois = write_db("whois.mmdb", "country ipvAll", {{"4.178.0.0/16", country("US")}, {"192.0.2.0/24", country("NL")}});
  auto ranges = write_db("ranges.mmdb", "residency-provider-ranges",
                         {{"4.178.0.0/17", provider("azure", "centralfrance")}, {"192.0.2.0/24", provider("aws", "GLOBAL")}});
  auto r = observe(host("app.test"), {answer("app.test", {"4.178.10.20"})}, {whois, ranges});
  CHECK(fact(r, "served_from.countries").values == std::vector<std::string>{"FR"});
  CHECK(fact(r, "served_from.regions").values == std::vector<std::string>{"azure:francecentral"});
  CHECK(fact(r, "controlled_by.countries").values == std::vector<std::string>{"US"});
  auto edge = observe(host("cdn.test"), {answer("cdn.test", {"192.0.2.9"})}, {whois, ranges});
  CHECK(fact(edge, "served_from.countries").status == core::FactStatus::indeterminate);
  auto flagged = write_db("anycast.mmdb", "GeoIP2-Country",
                          {{"203.0.113.0/24", MmdbValue::map({{"traits", MmdbValue::map({{"is_anycast", MmdbValue::boolean(true)}})}})}});
  auto any = observe(host("dns.test"), {answer("dns.test", {"203.0.113.1"})}, {whois, flagged});
  CHECK(fact(any, "served_from.status").values == std::vector<std::string>{"indeterminate"});
}

TEST_CASE("audit::observe: precedence / declared over network evidence / TLS terminator inferred from DNS", "[audit]") {
  auto ranges = write_db("ranges2.mmdb", "residency-provider-ranges", {{"51.210.0.0/16", provider("ovhcloud", "")}});
  auto asn = write_db("asn.mmdb", "residency-asn",
                      {{"51.210.0.0/16", MmdbValue::map({{"autonomous_system_number", MmdbValue::uint32(16276)},
                                                          {"autonomous_system_organization", MmdbValue::string("OVH SAS")}})}});
  // CNAME into a CDN suffix in front of an OVHcloud address: both providers control the path.
  auto r = observe(host("www.test"), {answer("www.test", {"51.210.1.1"}, {"d1.cloudfront.net"})}, {ranges, asn});
  const auto& providers = fact(r, "controlled_by.providers").values;
  CHECK(std::find(providers.begin(), providers.end(), "aws") != providers.end());
  CHECK(std::find(providers.begin(), providers.end(), "ovhcloud") != providers.end());
  const auto& tls = fact(r, "tls.terminated_by");
  CHECK(tls.provenance.at(0).detail.find("inferred") != std::string::npos);
  CHECK(std::find(tls.values.begin(), tls.values.end(), "aws") != tls.values.end());
  // A declared cloud resource is attributed by its declaration, with no DNS at all.
  core::Target res;
  res.id = "store";
  res.kind = core::TargetKind::cloud_resource;
  res.provider = "azure";
  res.region = "francecentral";
  auto d = observe(res, {}, {ranges});
  CHECK(fact(d, "controlled_by.providers").values == std::vector<std::string>{"azure"});
  CHECK(fact(d, "served_from.countries").values == std::vector<std::string>{"FR"});
  CHECK(d.facts.find("tls.terminated_by") == nullptr);
}

TEST_CASE("audit::observe: a DNS failure is an unknown location that says why", "[audit]") {
  auto whois = write_db("whois2.mmdb", "country ipvAll", {{"198.51.100.0/24", country("FR")}});
  probe::DnsResult dead = answer("dead.test", {});
  dead.status = probe::DnsStatus::timeout;
  dead.detail = "unreachable";
  auto r = observe(host("dead.test"), {dead}, {whois});
  CHECK(fact(r, "dns.status").values == std::vector<std::string>{"timeout"});
  CHECK(fact(r, "served_from.countries").status == core::FactStatus::unknown);
  CHECK(fact(r, "served_from.countries").detail == "dns timeout: unreachable");
  auto missing = observe(host("absent.test"), {}, {whois});
  CHECK(fact(missing, "dns.status").status == core::FactStatus::unknown);
}

TEST_CASE("audit::recording: JSON round trip and malformed files", "[audit]") {
  audit::Recording rec;
  rec.started_at = "2026-11-30T00:00:00Z";
  rec.as_of = k_as_of;
  rec.host = "ci";
  auto mx = answer("example.test", {});
  mx.status = probe::DnsStatus::nodata;
  mx.mx = {{10, "mx.example.test"}};
  mx.mx_status = probe::DnsStatus::ok;
  rec.dns = {mx, answer("mx.example.test", {"192.0.2.1", "2001:db8::1"})};
  rec.dns[1].ptr_asked = true;
  const std::string json = audit::to_json(rec);
  auto back = audit::parse_recording(json, "facts.json");
  REQUIRE(back);
  CHECK(audit::to_json(*back) == json);
  CHECK(back->find("mx.example.test")->ptr_asked);
  CHECK_FALSE(back->find("example.test")->ptr_asked);
  REQUIRE(back->find("mx.example.test") != nullptr);
  CHECK(back->find("mx.example.test")->addresses.size() == 2);
  for (const char* bad : {"", "{", "[]", R"({"schema": "other"})",
                          R"({"schema": "residency/facts/v1", "started_at": "x", "as_of": "2026-13-01", "dns": []})",
                          R"({"schema": "residency/facts/v1", "started_at": "x", "as_of": "2026-11-30", "dns": [{"name": "a", "status": "weird"}]})",
                          R"({"schema": "residency/facts/v1", "started_at": "x", "as_of": "2026-11-30", "dns": [{"name": "a", "status": "ok", "addresses": [{"ip": "1.2.3"}]}]})"}) {
    auto r = audit::parse_recording(bad, "facts.json");
    INFO(bad);
    CHECK_FALSE(r);
    if (!r) CHECK(r.error().where == "facts.json");
  }
}

TEST_CASE("audit::observe: a mail domain is served from its MX hosts (MX is evidence, not a CNAME)", "[audit]") {
  auto whois = write_db("whois3.mmdb", "country ipvAll", {{"198.51.100.0/24", country("US")}});
  core::Target mail;
  mail.id = mail.value = mail.host = "example.test";
  mail.kind = core::TargetKind::mail_domain;
  auto domain = answer("example.test", {});
  domain.status = probe::DnsStatus::nodata;
  domain.mx = {{10, "in.example.test"}};
  domain.mx_status = probe::DnsStatus::ok;
  auto mx = answer("in.example.test", {"198.51.100.25"}, {"tenant.mail.azurewebsites.net"});
  auto r = observe(mail, {domain, mx}, {whois});
  CHECK(fact(r, "controlled_by.providers").values == std::vector<std::string>{"azure"});
  CHECK(fact(r, "served_from.countries").values == std::vector<std::string>{"US"});
  bool mx_step = false, cname_from_domain = false, mx_suffix = false;
  for (const auto& s : r.evidence) {
    mx_step |= s.kind == "mx" && s.subject == "example.test" && s.value == "in.example.test";
    cname_from_domain |= s.kind == "cname" && s.subject == "example.test";
    mx_suffix |= s.kind == "provider" && s.method.find("mx-suffix") != std::string::npos;
  }
  CHECK(mx_step);
  CHECK_FALSE(cname_from_domain);
  CHECK(mx_suffix);
}

TEST_CASE("audit::observe: dns.ptr when PTR was asked / network.asns from the ASN databases", "[audit]") {
  auto asn = write_db("asn2.mmdb", "residency-asn",
                      {{"51.210.0.0/16", MmdbValue::map({{"autonomous_system_number", MmdbValue::uint32(16276)}})}});
  auto asked = answer("ptr.test", {"51.210.1.1"});
  asked.ptr_asked = true;
  asked.addresses[0].ptr = {"ns1.ovh.test"};
  auto r = observe(host("ptr.test"), {asked}, {asn});
  CHECK(fact(r, "dns.ptr").values == std::vector<std::string>{"ns1.ovh.test"});
  CHECK(fact(r, "network.asns").values == std::vector<std::string>{"16276"});
  auto not_asked = observe(host("ptr.test"), {answer("ptr.test", {"51.210.1.1"})}, {asn});
  CHECK(not_asked.facts.find("dns.ptr") == nullptr);  // not asked: missing, so a policy reading it is unknown
  auto empty = answer("ptr.test", {"198.51.100.1"});
  empty.ptr_asked = true;
  auto e = observe(host("ptr.test"), {empty}, {asn});
  CHECK(fact(e, "dns.ptr").status == core::FactStatus::unknown);
  CHECK(fact(e, "network.asns").status == core::FactStatus::unknown);
}

TEST_CASE("audit::dns_requests: PTR only when asked for", "[audit]") {
  const std::vector<core::Target> targets{host("a.test"), host("b.test")};
  for (const auto& r : audit::dns_requests(targets)) CHECK_FALSE(r.want_ptr);
  for (const auto& r : audit::dns_requests(targets, audit::PtrLookup::yes)) CHECK(r.want_ptr);
}
