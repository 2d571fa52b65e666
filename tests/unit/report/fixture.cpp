// The report tests' fixtures, built by hand so the renderers are tested on a known model: a
// Health Data Hub-like audit (the case the project started from) and a hostile variant.
#include "fixture.hpp"

#include "core/text.hpp"
#include "report/report.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace report_test {

namespace {

using core::Severity;
using core::Verdict;

core::Date date(const char* text) { return *core::parse_date(text); }

core::RequirementInfo requirement(std::string policy, std::string id, std::string title, Severity severity,
                                  std::string rationale, std::string remediation,
                                  std::vector<core::Reference> refs, std::string on_unknown = "fail") {
  return core::RequirementInfo{std::move(id), std::move(policy), std::move(title), severity, std::move(rationale),
                               std::move(remediation), std::move(refs), std::move(on_unknown)};
}

core::TargetReport target(std::string id, core::TargetKind kind, std::string value, int line) {
  core::TargetReport t;
  t.target.id = std::move(id);
  t.target.kind = kind;
  t.target.value = std::move(value);
  t.target.tags["classification"] = "health";
  t.target.declared_at = {"examples/health-data-hub/audit.yaml", line, 5};
  return t;
}

core::Provenance dns_at(const char* time) { return {"dns", "resolver 127.0.0.1:5300", time}; }
core::Provenance geoip() { return {"geoip", "geo-whois-asn-country.mmdb (2026-11-28)", ""}; }
core::Provenance rules() { return {"rules", "rules/providers", ""}; }

std::vector<core::TargetReport> targets() {
  auto azure = target("hdh-azure", core::TargetKind::cloud_resource, "azure:francecentral:hdh-storage", 12);
  azure.target.provider = "azure";
  azure.target.region = "francecentral";
  azure.target.service = "storage";
  azure.facts.set_known("served_from.countries", {"FR"}, {"inventory", "declared region", ""});
  azure.facts.set_known("served_from.regions", {"azure:francecentral"}, {"inventory", "audit.yaml:12", ""});
  azure.facts.set_known("controlled_by.laws", {"us-cloud-act", "us-fisa-702"}, rules());
  azure.evidence = {
      {"region", "hdh-azure", "azure:francecentral", "declared", "high", "audit.yaml:12"},
      {"entity", "azure", "Microsoft Corporation", "provider → entity", "high", "rules/providers/azure.yaml"},
      {"control_country", "Microsoft Corporation", "US", "entity → country", "high", ""},
      {"law", "US", "us-cloud-act", "country → law", "high", "rules/laws.yaml (as of 2026-01-15)"}};
  auto ovh = target("hdh-ovh", core::TargetKind::host, "snc.hdh-ovh.example.fr", 20);
  ovh.facts.set_known("dns.addresses", {"203.0.113.10"}, dns_at("2026-11-30T05:00:01Z"));
  ovh.facts.set_known("served_from.countries", {"FR"}, geoip());
  ovh.facts.set_known("certifications", {"secnumcloud:ovhcloud-hpc-snc"}, rules());
  ovh.evidence = {{"address", "snc.hdh-ovh.example.fr", "203.0.113.10", "dns A", "high", ""},
                  {"asn", "203.0.113.10", "AS16276", "geoip asn", "high", "asn.mmdb (2026-11-28)"}};
  auto portal = target("portal", core::TargetKind::url, "https://portal.hdh.example.fr/", 27);
  portal.facts.set_known("tls.terminated_by", {"cloudflare"}, {"tls", "issuer and cf-ray header", "2026-11-30T05:00:02Z"});
  portal.facts.set_status("served_from.countries", core::FactStatus::indeterminate, "anycast network", geoip());
  portal.evidence = {{"provider", "portal.hdh.example.fr", "cloudflare", "tls issuer + cf-ray header", "high", ""}};
  auto registry = target("registry", core::TargetKind::host, "registry.hdh.example.fr", 33);
  registry.facts.set_status("dns.status", core::FactStatus::unknown, "timeout: unreachable", dns_at("2026-11-30T05:00:03Z"));
  auto analytics = target("analytics", core::TargetKind::host, "analytics.hdh.example.fr", 39);
  auto sftp = target("legacy-sftp", core::TargetKind::host, "sftp.hdh.example.fr", 45);
  sftp.facts.set_known("served_from.countries", {"US"}, geoip());
  sftp.evidence = {
      {"country", "203.0.113.99", "US", "geoip country", "high", "geo-whois-asn-country.mmdb (2026-11-28)"}};
  return {analytics, azure, ovh, sftp, portal, registry};
}

std::vector<core::RequirementInfo> requirements() {
  return {
      requirement("fr-health-data", "FR-HDS-LOC", "Health data is served from the EEA", Severity::high,
                  "GDPR chapter V restricts transfers of personal data outside the EEA.",
                  "Host the service in an EEA region of an EEA-controlled provider.",
                  {{"GDPR art. 44", "https://eur-lex.europa.eu/eli/reg/2016/679/oj"}}),
      requirement("fr-health-data", "FR-TLS-TERM", "TLS is terminated by an EEA-controlled operator", Severity::medium,
                  "A CDN that terminates TLS sees the health data in clear.",
                  "Terminate TLS on infrastructure the data controller operates.", {}, "warn"),
      requirement("fr-secnumcloud", "SNC-19.6", "The operator is immune to non-EU law", Severity::critical,
                  "SecNumCloud 3.2 §19.6 requires protection against extraterritorial laws.",
                  "Use a SecNumCloud-qualified offer (e.g. OVHcloud, 3DS Outscale).",
                  {{"18 U.S.C. § 2713 (CLOUD Act)", "https://www.law.cornell.edu/uscode/text/18/2713"},
                   {"SecNumCloud 3.2, §19.6", ""}}),
  };
}

core::Finding finding(std::string target, std::string policy, std::string req, Severity sev, Verdict v,
                      std::string message) {
  core::Finding f;
  f.target_id = std::move(target);
  f.policy_id = std::move(policy);
  f.requirement_id = std::move(req);
  f.severity = sev;
  f.verdict = v;
  f.raw_verdict = v;
  f.counts_as_failure = (v == Verdict::fail && sev >= Severity::high) || v == Verdict::unknown;
  f.message = std::move(message);
  f.fingerprint = core::stable_hash(f.target_id + "|" + f.requirement_id);
  return f;
}

core::Finding snc(std::string target, Verdict v, std::string message, std::string entity, std::string country) {
  auto f = finding(std::move(target), "fr-secnumcloud", "SNC-19.6", Severity::critical, v, std::move(message));
  f.entity = std::move(entity);
  f.jurisdiction = std::move(country);
  f.fingerprint = core::stable_hash(f.target_id + "|" + f.requirement_id + "|" + f.entity + "|" + f.jurisdiction);
  return f;
}

core::Finding loc(std::string target, Verdict v, std::string message) {
  return finding(std::move(target), "fr-health-data", "FR-HDS-LOC", Severity::high, v, std::move(message));
}

core::Finding tls(std::string target, Verdict v, std::string message) {
  return finding(std::move(target), "fr-health-data", "FR-TLS-TERM", Severity::medium, v, std::move(message));
}

std::vector<core::Finding> findings() {
  auto azure_snc = snc("hdh-azure", Verdict::fail, "Microsoft Corporation is subject to the US CLOUD Act.",
                       "Microsoft Corporation", "US");
  azure_snc.explanation = {
      "controlled_by.laws = [us-cloud-act, us-fisa-702] not_in [us-cloud-act, us-fisa-702, "
      "cn-national-intelligence-law]: false"};
  auto portal_snc = snc("portal", Verdict::fail, "TLS is terminated by Cloudflare, Inc., subject to the US CLOUD Act.",
                        "Cloudflare, Inc.", "US");
  auto registry_loc = loc("registry", Verdict::unknown, "DNS lookup timed out; location cannot be established.");
  registry_loc.explanation = {"served_from.countries: unknown (dns.status timeout: unreachable)"};
  auto registry_tls = tls("registry", Verdict::unknown, "No TLS observation (DNS timed out).");
  registry_tls.counts_as_failure = false;  // on_unknown: warn
  auto waived = snc("analytics", Verdict::waived, "Google LLC is subject to the US CLOUD Act.", "Google LLC", "US");
  waived.raw_verdict = Verdict::fail;
  waived.counts_as_failure = false;
  waived.waiver_id = "W1";
  waived.waiver_note = "waived by W1 until 2027-03-31 (owner: dpo@hdh.example.fr)";
  auto sftp = loc("legacy-sftp", Verdict::fail, "Served from US (203.0.113.99), outside the EEA.");
  sftp.waiver_id = "W2";
  sftp.waiver_note = "waiver W2 expired on 2026-10-01";
  return {
      loc("hdh-azure", Verdict::pass, "Served from FR (declared region azure:francecentral)."),
      azure_snc,
      loc("hdh-ovh", Verdict::pass, "Served from FR."),
      snc("hdh-ovh", Verdict::pass, "OVH SAS holds SecNumCloud for ovhcloud-hpc-snc.", "OVH SAS", "FR"),
      portal_snc,
      tls("portal", Verdict::fail, "TLS is terminated by cloudflare (US-controlled)."),
      registry_loc,
      snc("registry", Verdict::unknown, "DNS lookup timed out; the operator cannot be established.", "", ""),
      registry_tls,
      waived,
      sftp,
  };
}

std::vector<core::WaiverInfo> waivers() {
  core::WaiverInfo w1{"W1", "SNC-*", "analytics", "Migration to a qualified offer planned for Q1 2027.",
                      "dpo@hdh.example.fr", "SCC 2021/914 + TIA-2026-04", date("2027-03-31"),
                      {"examples/health-data-hub/audit.yaml", 60, 5}, core::WaiverInfo::State::active, 1};
  core::WaiverInfo w2{"W2", "FR-HDS-LOC", "legacy-sftp", "Decommissioning of the legacy SFTP.",
                      "ops@hdh.example.fr", "", date("2026-10-01"),
                      {"examples/health-data-hub/audit.yaml", 66, 5}, core::WaiverInfo::State::expired, 1};
  return {w1, w2};
}

}  // namespace

// Three data sources aged on 2026-11-30: one fresh, one older than --max-data-age 90, one undated.
std::vector<core::DataSource> data_sources() {
  core::DataSource aws{"provider-feed", "AWS ip-ranges.json", "2026-11-28-21-17-05"};
  aws.database = "providers.mmdb";
  aws.url = "https://ip-ranges.amazonaws.com/ip-ranges.json";
  aws.date = date("2026-11-28");
  aws.age_days = 2;
  aws.serial = "1796000000";
  aws.sha256 = std::string(64, 'a');
  core::DataSource azure{"provider-feed", "Azure Service Tags, Public Cloud", ""};
  azure.database = "providers.mmdb";
  azure.url = "https://www.microsoft.com/en-us/download/details.aspx?id=56519";
  azure.date = date("2026-04-27");
  azure.age_days = 217;
  azure.serial = "398";
  azure.sha256 = std::string(64, 'b');
  azure.stale = true;
  core::DataSource fastly{"provider-feed", "Fastly public-ip-list", ""};
  fastly.database = "providers.mmdb";
  fastly.url = "https://api.fastly.com/public-ip-list";
  fastly.sha256 = std::string(64, 'c');
  return {aws, azure, fastly};
}

core::AuditResult health_data_hub() {
  core::AuditResult r;
  r.tool_version = "0.1.0";
  r.started_at = "2026-11-30T05:00:00Z";
  r.as_of = date("2026-11-30");
  r.host = "ci-runner-01";
  r.organisation = "Health Data Hub (fixture)";
  r.auditor = "DPO office";
  r.scope = "national health data platform";
  r.inputs = {"examples/health-data-hub/audit.yaml"};
  r.policies = {"fr-health-data", "fr-secnumcloud"};
  r.requirements = requirements();
  r.targets = targets();
  r.findings = findings();
  r.waivers = waivers();
  r.sources = {{"geoip", "geo-whois-asn-country.mmdb", "country 2026-11-28"}, {"rules", "embedded", "residency/v1 2026-11-01"}};
  r.data_sources = data_sources();
  r.warnings = {"waiver W2 expired on 2026-10-01 and no longer applies"};
  r.exit_code = 1;
  return r;
}

core::AuditResult hostile() {
  core::AuditResult r = health_data_hub();
  const std::string evil =
      "<script>alert(\"x\")</script> | a,b \"q\" 'p'\nnew line =cmd|' /C calc'!A0 **b** [l](javascript:x) "
      "donn\xC3\xA9"
      "es-sant\xC3\xA9 \xE2\x9C\x93 nul:" +
      std::string(1, '\0') +
      " esc:\x1b[31m bad:\xff\xfe csi:\xC2\x9B"
      "2J rlo:\xE2\x80\xAEtxt.exe lri:\xE2\x81\xA6 del:\x7f"
      " cr:\r end";
  r.host = "<b>host</b>\n\"evil\"";
  r.organisation = evil;
  r.policies.push_back("<policy&>");
  for (auto& t : r.targets) {
    t.target.id = evil + t.target.id;
    t.evidence.push_back({"cname", evil, "</failure>]]><!--", "dns", "", "@SUM(A1)"});
  }
  for (auto& f : r.findings) {
    f.target_id = evil + f.target_id;
    f.message = "=HYPERLINK(\"http://x\")" + evil + f.message;
    f.explanation.push_back(evil);
  }
  r.findings.back().policy_id = "<policy&>";
  r.requirements.push_back(requirement("<policy&>", "FR-HDS-LOC", evil, Severity::high, evil, "-2+3",
                                       {{evil, "javascript:alert(1)"}}));
  r.targets.front().target.declared_at.file = "dir with space/a&b <x>.yaml";
  r.warnings.push_back(evil);
  r.data_sources.front().name = evil;
  r.data_sources.front().url = "javascript:" + evil;
  return r;
}

core::AuditResult large(std::size_t targets, std::size_t per_target) {
  core::AuditResult r = health_data_hub();
  r.targets.clear();
  r.findings.clear();
  r.waivers.clear();
  const Verdict verdicts[] = {Verdict::pass, Verdict::fail,   Verdict::pass, Verdict::unknown,
                              Verdict::pass, Verdict::waived, Verdict::pass};
  const Severity severities[] = {Severity::critical, Severity::high, Severity::medium, Severity::low};
  const core::Placement::Served served[] = {core::Placement::Served::eea, core::Placement::Served::adequate,
                                            core::Placement::Served::elsewhere, core::Placement::Served::unknown};
  const core::Placement::Control control[] = {core::Placement::Control::eu, core::Placement::Control::non_eu,
                                              core::Placement::Control::unknown};
  std::vector<core::RequirementInfo> reqs;
  for (std::size_t k = 0; k < per_target; ++k) {
    reqs.push_back(requirement(k % 2 == 0 ? "fr-health-data" : "fr-secnumcloud", "REQ-" + std::to_string(k),
                               "Requirement number " + std::to_string(k), severities[k % 4], "Why it matters.",
                               "What to do.", {}));
  }
  r.requirements = reqs;
  for (std::size_t i = 0; i < targets; ++i) {
    const std::string id = "host-" + std::to_string(100000 + i) + ".example.fr";
    auto t = target(id, core::TargetKind::host, id, static_cast<int>(10 + i));
    t.placement = {served[i % 4], control[(i / 4) % 3], "FR", "US"};
    t.evidence = {
        {"address", id, "203.0.113." + std::to_string(i % 250), "dns A", "high", ""},
        {"country", "203.0.113." + std::to_string(i % 250), "FR", "geoip country", "high", "country.mmdb"},
        {"entity", "azure", "Microsoft Corporation", "provider → entity", "high", "rules/providers/azure.yaml"}};
    for (std::size_t k = 0; k < per_target; ++k) {
      auto f = finding(id, reqs[k].policy_id, reqs[k].id, reqs[k].severity, verdicts[(i + k) % 7],
                       "Served from France (Microsoft Azure francecentral, Paris), but operated by Microsoft "
                       "Corporation (United States): reachable under the CLOUD Act (18 U.S.C. § 2713).");
      r.findings.push_back(std::move(f));
    }
    r.targets.push_back(std::move(t));
  }
  r.warnings.clear();
  return r;
}

core::AuditResult with_target_ids(core::AuditResult result, const std::vector<std::string>& ids) {
  REQUIRE(result.targets.size() >= ids.size());
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const std::string old = result.targets[k].target.id;
    result.targets[k].target.id = ids[k];
    for (auto& f : result.findings) {
      if (f.target_id == old) f.target_id = ids[k];
    }
  }
  return result;
}

std::string render(const std::string& name, const core::AuditResult& result) {
  const report::Format* format = report::find_format(name);
  REQUIRE(format != nullptr);
  std::ostringstream out;
  format->writer(result, out, false);
  return out.str();
}

std::filesystem::path fresh_dir(const std::string& name) {
  const char* base = std::getenv("RESIDENCY_TEST_TMP");
  std::filesystem::path dir = base != nullptr ? std::filesystem::path(base) : std::filesystem::temp_directory_path();
  dir /= "report-" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::filesystem::path source_path(const std::string& relative) {
  return std::filesystem::path(RESIDENCY_SOURCE_DIR) / relative;
}

void write_text_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  REQUIRE(out.good());
}

void check_golden(const std::string& name, const std::string& actual) {
  const auto path = source_path("tests/data/report/" + name + ".golden");
  const char* update = std::getenv("RESIDENCY_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    write_text_file(path, actual);
    WARN("rewrote " << path.string());
  }
  std::ifstream in(path, std::ios::binary);
  INFO("golden file " << path.string() << " (RESIDENCY_UPDATE_GOLDEN=1 rewrites it)");
  REQUIRE(in.good());
  std::ostringstream expected;
  expected << in.rdbuf();
  CHECK(actual == expected.str());
}

}  // namespace report_test
