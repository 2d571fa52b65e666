// audit::observe_target on recorded DNS answers, GeoIP databases written by our own writer and
// read back by libmaxminddb, and the shipped rule packs: location status (known, inconclusive,
// indeterminate, unknown), attribution precedence, and the DNS-inferred TLS terminator.
#include "audit/observe.hpp"
#include "audit_fixtures.hpp"
#include "core/atomic_file.hpp"
#include "core/diag.hpp"
#include "geo/mmdb_writer.hpp"
#include "policy/load.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>

namespace fs = std::filesystem;
using geo::MmdbValue;

namespace {

using audit_test::k_as_of;

fs::path scratch() {
  const char* base = std::getenv("RESIDENCY_TEST_TMP");
  fs::path dir =
      fs::path(base != nullptr ? base : fs::temp_directory_path().string()) / ("observe-" + std::to_string(::getpid()));
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

const policy::RuleSet& rules() { return audit_test::shipped_rules(); }

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
  auto a = write_db("a-country.mmdb", "country ipvAll", {{"45.90.100.0/24", country("FR")}});
  auto b = write_db("b-country.mmdb", "country ipvAll", {{"45.90.100.0/24", country("US")}});
  auto r = observe(host("x.test"), {answer("x.test", {"45.90.100.7"})}, {a, b});
  CHECK(fact(r, "served_from.countries").status == core::FactStatus::inconclusive);
  CHECK(fact(r, "served_from.status").values == std::vector<std::string>{"inconclusive"});
  CHECK(fact(r, "served_from.countries").values == std::vector<std::string>{"FR", "US"});  // both answers kept
  int disputed = 0;
  for (const auto& s : r.evidence) disputed += s.kind == "country" && s.method.find("disagree") != std::string::npos;
  CHECK(disputed == 2);
  auto agree = observe(host("x.test"), {answer("x.test", {"45.90.100.7"})}, {a, a});
  CHECK(fact(agree, "served_from.countries").values == std::vector<std::string>{"FR"});
  CHECK(fact(agree, "served_from.status").values == std::vector<std::string>{"known"});
}

TEST_CASE("audit::observe: a provider region beats the registry country / an anycast flag is indeterminate",
          "[audit]") {
  auto whois =
      write_db("whois.mmdb", "country ipvAll", {{"4.178.0.0/16", country("US")}, {"45.91.2.0/24", country("NL")}});
  auto ranges =
      write_db("ranges.mmdb", "residency-provider-ranges",
               {{"4.178.0.0/17", provider("azure", "centralfrance")}, {"45.91.2.0/24", provider("aws", "GLOBAL")}});
  auto r = observe(host("app.test"), {answer("app.test", {"4.178.10.20"})}, {whois, ranges});
  CHECK(fact(r, "served_from.countries").values == std::vector<std::string>{"FR"});
  CHECK(fact(r, "served_from.regions").values == std::vector<std::string>{"azure:francecentral"});
  CHECK(fact(r, "controlled_by.countries").values == std::vector<std::string>{"US"});
  auto edge = observe(host("cdn.test"), {answer("cdn.test", {"45.91.2.9"})}, {whois, ranges});
  CHECK(fact(edge, "served_from.countries").status == core::FactStatus::indeterminate);
  auto flagged = write_db(
      "anycast.mmdb", "GeoIP2-Country",
      {{"45.92.113.0/24", MmdbValue::map({{"traits", MmdbValue::map({{"is_anycast", MmdbValue::boolean(true)}})}})}});
  auto any = observe(host("dns.test"), {answer("dns.test", {"45.92.113.1"})}, {whois, flagged});
  CHECK(fact(any, "served_from.status").values == std::vector<std::string>{"indeterminate"});
}

TEST_CASE("audit::observe: precedence / declared over network evidence / TLS terminator inferred from DNS", "[audit]") {
  auto ranges = write_db("ranges2.mmdb", "residency-provider-ranges", {{"51.210.0.0/16", provider("ovhcloud", "")}});
  auto asn =
      write_db("asn.mmdb", "residency-asn",
               {{"51.210.0.0/16", MmdbValue::map({{"autonomous_system_number", MmdbValue::uint32(16276)},
                                                  {"autonomous_system_organization", MmdbValue::string("OVH SAS")}})}});
  // CNAME into a CDN suffix in front of an OVHcloud address: both providers control the path.
  auto r = observe(host("www.test"), {answer("www.test", {"51.210.1.1"}, {"d1.cloudfront.net"})}, {ranges, asn});
  const auto& providers = fact(r, "controlled_by.providers").values;
  CHECK(std::find(providers.begin(), providers.end(), "aws") != providers.end());
  CHECK(std::find(providers.begin(), providers.end(), "ovhcloud") != providers.end());
  const auto& tls = fact(r, "tls.terminated_by");
  CHECK(tls.provenance.at(0)->detail.find("inferred") != std::string::npos);
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
  auto whois = write_db("whois2.mmdb", "country ipvAll", {{"45.90.100.0/24", country("FR")}});
  probe::DnsResult dead = answer("dead.test", {});
  dead.status = probe::DnsStatus::timeout;
  dead.detail = "unreachable";
  auto r = observe(host("dead.test"), {dead}, {whois});
  CHECK(fact(r, "dns.status").values == std::vector<std::string>{"timeout"});
  CHECK(fact(r, "served_from.countries").status == core::FactStatus::unknown);
  CHECK(fact(r, "served_from.countries").detail.find("dead.test was not observed (dns lookup timeout: unreachable)") ==
        0);
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
  rec.dns = {mx, answer("mx.example.test", {"45.91.2.1", "2a0a:4580::1"})};
  rec.dns[1].ptr_asked = true;
  const std::string json = audit::to_json(rec);
  auto back = audit::parse_recording(json, "facts.json");
  REQUIRE(back);
  CHECK(audit::to_json(*back) == json);
  CHECK(back->find("mx.example.test")->ptr_asked);
  CHECK_FALSE(back->find("example.test")->ptr_asked);
  REQUIRE(back->find("mx.example.test") != nullptr);
  CHECK(back->find("mx.example.test")->addresses.size() == 2);
  for (
      const char* bad :
      {"", "{", "[]", "[1E400]", R"({"schema": "other"})",
       R"({"schema": "residency/facts/v1", "started_at": "x", "as_of": "2026-13-01", "dns": []})",
       R"({"schema": "residency/facts/v1", "started_at": "x", "as_of": "2026-11-30", "dns": [{"name": "a", "status": "weird"}]})",
       R"({"schema": "residency/facts/v1", "started_at": "x", "as_of": "2026-11-30", "dns": [{"name": "a", "status": "ok", "addresses": [{"ip": "1.2.3"}]}]})",
       // Found by the facts fuzz target: numbers no integer field can hold (converting them was
       // undefined behaviour in nlohmann-json).
       R"({"schema": "residency/facts/v1", "started_at": "x", "as_of": "2026-11-30", "dns": [{"name": "a", "status": "ok", "addresses": [{"ip": "192.0.2.1", "ttl": 3e81}]}]})",
       R"({"schema": "residency/facts/v1", "started_at": "x", "as_of": "2026-11-30", "dns": [{"name": "a", "status": "ok", "mx": [{"preference": -1e30, "host": "m"}]}]})",
       R"({"schema": "residency/facts/v1", "started_at": "x", "as_of": "2026-11-30", "dns": [], "https": [{"url": "u", "hops": [{"url": "u", "depth": 1e300}]}]})"}) {
    auto r = audit::parse_recording(bad, "facts.json");
    INFO(bad);
    CHECK_FALSE(r);
    if (!r) CHECK_THAT(r.error().where, Catch::StartsWith("facts.json"));
  }
}

TEST_CASE("audit::recording: the simdjson and nlohmann-json readers read every file alike", "[audit]") {
  namespace d = audit::detail;
  auto same = [](std::string_view text) {
    auto fast = d::parse_recording_fast(text);
    auto located = d::parse_recording_located(text, "facts.json");
    INFO(text);
    REQUIRE(fast.has_value());
    REQUIRE(located.has_value());
    CHECK(audit::to_json(*fast) == audit::to_json(*located));
    return *fast;
  };
  // The shipped recording (DNS and HTTPS), and the flagship's.
  for (const char* path : {"examples/health-data-hub/facts.json"}) {
    auto text = core::read_file(std::filesystem::path(RESIDENCY_SOURCE_DIR) / path);
    REQUIRE(text);
    const auto rec = same(*text);
    CHECK(rec.dns.size() > 3);
  }
  // Defaults of absent keys, the last of duplicate keys, unknown keys ignored, legacy family status.
  const auto legacy = same(R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "x": 1,
    "dns": [{"name": "b.test", "status": "ok", "detail": "AAAA: timeout: unreachable", "unknown": [1, {"a": 2}],
             "addresses": [{"ip": "192.0.2.1"}], "ns": ["x"], "ns": ["ns1.test", "ns2.test"]},
            {"name": "a.test", "ascii_name": "xn--a", "status": "nxdomain", "ptr_asked": false,
             "mx": [{"preference": 10, "host": "mx.test"}], "mx_status": "ok"}]})");
  REQUIRE(legacy.dns.size() == 2);
  CHECK(legacy.dns[0].name == "a.test");  // sorted
  CHECK(legacy.dns[0].unicode_name == "a.test");
  CHECK(legacy.dns[1].ns == std::vector<std::string>{"ns1.test", "ns2.test"});
  CHECK(legacy.dns[1].aaaa_status == probe::DnsStatus::timeout);
  CHECK(legacy.dns[1].ptr_asked);  // absent: asked
  // The fast reader splits the file before parsing each piece: brackets, braces, quotes and
  // backslashes inside strings, nesting in unknown keys, every kind of JSON whitespace and
  // escaped keys do not move where a piece ends.
  const auto split = same(
      "{\"schema\":\"residency/facts/v1\",\r\n\t\"started_at\" :\"t\" , \"as_\\u006ff\": \"2026-11-30\", "
      "\"as_of\":\"2026-11-30\",\n"
      R"( "x": {"a": ["]", "}", "\"[{", "\\"], "b": [[], {}, [[{"c": null}]], -1.5e3, true]}, "dns" : [ )"
      R"({"name": "q\"]}.test", "status": "ok", "detail": "a\\", "cname_chain": ["}{][", "\\\""], "u": {"]": "["}} ,)"
      R"({"name": "b.test", "status": "nxdomain"}], "https": [], "y": "\ud83d\ude00"} )"
      "\n");
  REQUIRE(split.dns.size() == 2);
  CHECK(split.dns[1].name == "q\"]}.test");
  CHECK(split.dns[1].cname_chain == std::vector<std::string>{"}{][", "\\\""});
  CHECK(split.dns[1].detail == "a\\");
  // Malformed between the pieces, or in a piece that a later duplicate key replaces: the fast
  // reader refuses and the located one says where.
  for (
      const char* broken :
      {R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": [{"name": "a", "status": "ok"},]})",
       R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": [{"name": "a", "status": "ok"} {"name": "b", "status": "ok"}]})",
       R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": []} x)",
       R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": []}})",
       R"({"schema": "residency/facts/v1" "started_at": "t", "as_of": "2026-11-30", "dns": []})",
       R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": [1 2], "dns": []})",
       R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": [], "x": [1, 2)",
       R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": [], "x": "open})",
       R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": [], "x": [}])",
       R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": [], "x": tru})",
       R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": [], x: 1})",
       R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": [], "x" 1})",
       R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": [],})",
       "{\"schema\": \"residency/facts/v1\", \"started_at\": \"t\", \"as_of\": \"2026-11-30\", \"dns\": [], \"\xff\": "
       "1}",
       "{\"schema\": \"residency/facts/v1\", \"started_at\": \"t\", \"as_of\": \"2026-11-30\", \"dns\": [], \"x\": "
       "\"a\x01\"}",
       "{\"schema\": \"residency/facts/v1\", \"started_at\": \"t\", \"as_of\": \"2026-11-30\", \"dns\": []\f}"}) {
    INFO(broken);
    CHECK_FALSE(d::parse_recording_fast(broken).has_value());
    auto located = audit::parse_recording(broken, "facts.json");
    CHECK_FALSE(located);
    if (!located) CHECK_THAT(located.error().where, Catch::StartsWith("facts.json"));
  }
  // What the fast reader refuses, the located one reads the same way or explains; the result of
  // parse_recording is the located reader's.
  for (
      const char* odd :
      {R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": [{"name": "a", "status": "ok", "addresses": [{"ip": "192.0.2.1", "ttl": 3.0}]}]})",
       R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": {"k": {"name": "a", "status": "ok"}}})",
       // Found by the facts fuzz target: a list key holding another type (the fast reader
       // iterated an array that had not parsed).
       R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": [{"name": "a", "status": "ok", "mx": "x"}]})",
       R"({"schema": "residency/facts/v1", "started_at": "t", "as_of": "2026-11-30", "dns": [{"name": "a", "status": "ok", "addresses": {"ip": "192.0.2.1"}}]})",
       "\xEF\xBB\xBF{\"schema\": \"residency/facts/v1\", \"started_at\": \"t\", \"as_of\": \"2026-11-30\", \"dns\": "
       "[]}"}) {
    INFO(odd);
    CHECK_FALSE(d::parse_recording_fast(odd).has_value());
    auto located = d::parse_recording_located(odd, "facts.json");
    auto chosen = audit::parse_recording(odd, "facts.json");
    REQUIRE(located.has_value() == chosen.has_value());
    if (located) CHECK(audit::to_json(*located) == audit::to_json(*chosen));
  }
}

TEST_CASE("audit::observe: a mail domain is served from its MX hosts (MX is evidence, not a CNAME)", "[audit]") {
  auto whois = write_db("whois3.mmdb", "country ipvAll", {{"45.90.100.0/24", country("US")}});
  core::Target mail;
  mail.id = mail.value = mail.host = "example.test";
  mail.kind = core::TargetKind::mail_domain;
  auto domain = answer("example.test", {});
  domain.status = probe::DnsStatus::nodata;
  domain.mx = {{10, "in.example.test"}};
  domain.mx_status = probe::DnsStatus::ok;
  auto mx = answer("in.example.test", {"45.90.100.25"}, {"tenant.mail.azurewebsites.net"});
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

namespace {

core::Target tagged_host(const std::string& name) {
  core::Target t = host(name);
  t.tags = {{"provider", "ovhcloud"}, {"region", "eu-west-par"}, {"offer", "ovhcloud-hpc-snc"}};
  return t;
}

bool all_unknown(const core::TargetReport& r, std::initializer_list<const char*> paths) {
  for (const char* p : paths) {
    const core::Fact* f = r.facts.find(p);
    if (f == nullptr || f->status == core::FactStatus::known) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("audit::observe: declared tags never stand in for DNS that failed / was absent", "[audit]") {
  auto whois = write_db("whois4.mmdb", "country ipvAll", {{"51.210.0.0/16", country("FR")}});
  probe::DnsResult timeout = answer("tagged.test", {});
  timeout.status = probe::DnsStatus::timeout;
  timeout.detail = "unreachable";
  probe::DnsResult nx = answer("tagged.test", {});
  nx.status = probe::DnsStatus::nxdomain;
  for (const auto& dns :
       {std::vector<probe::DnsResult>{timeout}, std::vector<probe::DnsResult>{nx}, std::vector<probe::DnsResult>{}}) {
    auto r = observe(tagged_host("tagged.test"), dns, {whois});
    CHECK(all_unknown(r, {"served_from.countries", "served_from.regions", "controlled_by.laws",
                          "controlled_by.providers", "certifications.schemes"}));
    bool intent = false;
    for (const auto& s : r.evidence)
      intent |= s.kind == "declared" && s.method.find("intent, not observed") != std::string::npos;
    CHECK(intent);
  }
}

TEST_CASE("audit::observe: a partial DNS answer (AAAA timed out) is not complete", "[audit]") {
  auto whois = write_db("whois5.mmdb", "country ipvAll", {{"51.210.0.0/16", country("FR")}});
  auto asn = write_db("asn5.mmdb", "residency-asn",
                      {{"51.210.0.0/16", MmdbValue::map({{"autonomous_system_number", MmdbValue::uint32(16276)}})}});
  probe::DnsResult half = answer("half.test", {"51.210.1.1"});
  half.a_status = probe::DnsStatus::ok;
  half.aaaa_status = probe::DnsStatus::timeout;
  half.detail = "AAAA: timeout: unreachable";
  auto r = observe(host("half.test"), {half}, {whois, asn});
  CHECK(all_unknown(r, {"served_from.countries", "controlled_by.laws", "controlled_by.providers"}));
  CHECK(fact(r, "controlled_by.laws").detail.find("the DNS answers are incomplete (AAAA timeout for half.test") == 0);
  // No IPv6 at all (NODATA) is a complete answer.
  half.aaaa_status = probe::DnsStatus::nodata;
  half.detail = "AAAA: nodata";
  auto whole = observe(host("half.test"), {half}, {whois, asn});
  CHECK(fact(whole, "controlled_by.laws").status == core::FactStatus::known);
  CHECK(fact(whole, "served_from.countries").values == std::vector<std::string>{"FR"});
}

TEST_CASE("audit::observe: one of two MX hosts failing leaves the mail domain incomplete", "[audit]") {
  auto whois = write_db("whois6.mmdb", "country ipvAll", {{"45.90.100.0/24", country("US")}});
  core::Target mail;
  mail.id = mail.value = mail.host = "two.test";
  mail.kind = core::TargetKind::mail_domain;
  auto domain = answer("two.test", {});
  domain.status = probe::DnsStatus::nodata;
  domain.mx = {{10, "a.mail.azurewebsites.net"}, {20, "b.mail.azurewebsites.net"}};
  domain.mx_status = probe::DnsStatus::ok;
  auto good = answer("a.mail.azurewebsites.net", {"45.90.100.25"});
  auto bad = answer("b.mail.azurewebsites.net", {});
  bad.status = probe::DnsStatus::servfail;
  auto r = observe(mail, {domain, good, bad}, {whois});
  CHECK(all_unknown(r, {"served_from.countries", "controlled_by.laws"}));
  CHECK(fact(r, "controlled_by.laws").detail.find("MX host b.mail.azurewebsites.net: dns lookup servfail") !=
        std::string::npos);
}

TEST_CASE("audit::observe: a public name resolving to a private address is not located", "[audit]") {
  auto whois = write_db("whois7.mmdb", "country ipvAll", {{"10.0.0.0/8", country("AU")}});
  auto r = observe(host("intranet.test"), {answer("intranet.test", {"10.0.0.1"})}, {whois});
  CHECK(fact(r, "served_from.countries").status == core::FactStatus::unknown);
  CHECK(fact(r, "served_from.countries").detail == "special-use address (private-use, RFC 1918)");
  core::Target ip;
  ip.id = ip.value = ip.host = "192.168.1.1";
  ip.kind = core::TargetKind::ip;
  auto direct = observe(ip, {}, {whois});
  CHECK(fact(direct, "served_from.countries").status == core::FactStatus::unknown);
  CHECK(fact(direct, "served_from.status").values == std::vector<std::string>{"unknown"});
}

TEST_CASE("audit::observe: the kind of a country database reaches the evidence and the confidence", "[audit]") {
  geo::WriterOptions o;
  o.database_type = "country ipvAll";
  o.description = {{"en", "WHOIS registry country (kind: registry)"}};
  o.build_epoch = 1780000000;
  geo::MmdbWriter w(o);
  w.insert(*core::parse_prefix("51.210.0.0/16"), country("FR"));
  const fs::path registry = scratch() / "registry.mmdb";
  REQUIRE(w.write(registry));
  auto r = observe(host("reg.test"), {answer("reg.test", {"51.210.1.1"})}, {registry});
  CHECK(fact(r, "served_from.countries").confidence == "low");
  bool named = false;
  for (const auto& s : r.evidence)
    named |= s.kind == "country" && s.method.starts_with("registry country") && s.confidence == "low";
  CHECK(named);
  // A database that does not say what it holds is not taken for a geolocation.
  auto plain = write_db("plain.mmdb", "country ipvAll", {{"51.210.0.0/16", country("FR")}});
  auto u = observe(host("reg.test"), {answer("reg.test", {"51.210.1.1"})}, {plain});
  CHECK(fact(u, "served_from.countries").confidence == "low");
}
