#include "audit/waivers.hpp"

#include <catch2/catch.hpp>

using namespace core;
using State = WaiverInfo::State;

namespace {

Date date(const char* text) { return *parse_date(text); }

Finding finding(std::string target, std::string requirement, Verdict verdict) {
  Finding f;
  f.target_id = std::move(target);
  f.requirement_id = std::move(requirement);
  f.verdict = verdict;
  f.raw_verdict = verdict;
  f.counts_as_failure = verdict != Verdict::pass;
  return f;
}

WaiverInfo waiver(std::string id, std::string requirement, std::string target, const char* expires) {
  WaiverInfo w;
  w.id = std::move(id);
  w.requirement_glob = std::move(requirement);
  w.target_glob = std::move(target);
  w.reason = "migration";
  w.owner = "ops";
  w.expires = date(expires);
  w.declared_at = SourceLocation{"m.yaml", 10, 5};
  return w;
}

}  // namespace

TEST_CASE("audit::apply_waivers: fail and unknown are waived by matching globs / pass is untouched", "[audit]") {
  std::vector<Finding> f{finding("portal.example.fr", "FR-HDS-LOC", Verdict::fail),
                         finding("api.example.fr", "FR-HDS-CERT", Verdict::unknown),
                         finding("www.example.fr", "FR-HDS-LOC", Verdict::pass),
                         finding("portal.example.com", "FR-HDS-LOC", Verdict::fail),
                         finding("portal.example.fr", "SNC-19.6", Verdict::fail)};
  std::vector<WaiverInfo> w{waiver("W1", "FR-HDS-*", "*.example.fr", "2027-06-30")};
  std::vector<std::string> warnings;
  audit::apply_waivers(f, w, date("2026-11-30"), warnings);

  CHECK(f[0].verdict == Verdict::waived);
  CHECK(f[0].raw_verdict == Verdict::fail);
  CHECK(f[0].waiver_id == "W1");
  CHECK_FALSE(f[0].counts_as_failure);
  CHECK(f[1].verdict == Verdict::waived);
  CHECK(f[1].raw_verdict == Verdict::unknown);
  CHECK(f[2].verdict == Verdict::pass);  // nothing to waive
  CHECK(f[2].waiver_id.empty());
  CHECK(f[3].verdict == Verdict::fail);  // target glob does not match .com
  CHECK(f[3].counts_as_failure);
  CHECK(f[4].verdict == Verdict::fail);  // requirement glob does not match
  CHECK(w[0].matched == 2);
  CHECK(w[0].state == State::active);
  CHECK(warnings.empty());
}

TEST_CASE("audit::apply_waivers: an expired waiver leaves the finding failing with a note", "[audit]") {
  std::vector<Finding> f{finding("portal", "SNC-19.6", Verdict::fail)};
  std::vector<WaiverInfo> w{waiver("W2", "SNC-*", "portal", "2026-10-01")};
  std::vector<std::string> warnings;
  audit::apply_waivers(f, w, date("2026-11-30"), warnings);
  CHECK(f[0].verdict == Verdict::fail);
  CHECK(f[0].counts_as_failure);
  CHECK(f[0].waiver_id == "W2");
  CHECK(f[0].waiver_note == "waiver W2 expired on 2026-10-01");
  CHECK(w[0].state == State::expired);
  CHECK(w[0].matched == 1);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "waiver W2 (m.yaml:10:5) expired on 2026-10-01; 1 finding is no longer waived");
}

TEST_CASE("audit::apply_waivers: the expiry day itself is still covered", "[audit]") {
  std::vector<Finding> f{finding("portal", "SNC-19.6", Verdict::fail)};
  std::vector<WaiverInfo> w{waiver("W1", "*", "*", "2026-11-30")};
  std::vector<std::string> warnings;
  audit::apply_waivers(f, w, date("2026-11-30"), warnings);
  CHECK(f[0].verdict == Verdict::waived);
  CHECK(w[0].state == State::expiring);
}

TEST_CASE("audit::apply_waivers: a live waiver beats an earlier expired one", "[audit]") {
  std::vector<Finding> f{finding("portal", "SNC-19.6", Verdict::fail)};
  std::vector<WaiverInfo> w{waiver("OLD", "SNC-*", "*", "2026-01-31"), waiver("NEW", "SNC-19.*", "portal", "2027-05-31"),
                            waiver("ALSO", "*", "*", "2027-05-31")};
  std::vector<std::string> warnings;
  audit::apply_waivers(f, w, date("2026-11-30"), warnings);
  CHECK(f[0].verdict == Verdict::waived);
  CHECK(f[0].waiver_id == "NEW");
  CHECK(f[0].waiver_note.empty());
  CHECK(w[0].state == State::expired);
  CHECK(w[0].matched == 0);
  CHECK(w[1].matched == 1);
  CHECK(w[2].state == State::unused);  // the first live match wins
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0] == "waiver OLD (m.yaml:10:5) expired on 2026-01-31 and matches nothing; remove it");
  CHECK(warnings[1] ==
        "waiver ALSO (m.yaml:10:5) matched no failing finding; remove it or fix its globs (requirement '*', target '*')");
}

TEST_CASE("audit::apply_waivers: expiring within 30 days warns / 31 days does not", "[audit]") {
  std::vector<Finding> f{finding("a", "R1", Verdict::fail), finding("b", "R2", Verdict::fail)};
  std::vector<WaiverInfo> w{waiver("W1", "R1", "a", "2026-12-30"), waiver("W2", "R2", "b", "2026-12-31")};
  std::vector<std::string> warnings;
  audit::apply_waivers(f, w, date("2026-11-30"), warnings);
  CHECK(f[0].verdict == Verdict::waived);
  CHECK(f[1].verdict == Verdict::waived);
  CHECK(w[0].state == State::expiring);
  CHECK(w[1].state == State::active);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] ==
        "waiver W1 (m.yaml:10:5) expires on 2026-12-30 (in 30 days); renew it or fix the findings it covers");
}

TEST_CASE("audit::apply_waivers: unused waivers / and a rerun recomputes state", "[audit]") {
  std::vector<Finding> f{finding("a", "R1", Verdict::pass)};
  std::vector<WaiverInfo> w{waiver("W1", "R1", "a", "2027-06-30")};
  std::vector<std::string> warnings;
  audit::apply_waivers(f, w, date("2026-11-30"), warnings);
  CHECK(w[0].state == State::unused);
  CHECK(w[0].matched == 0);
  REQUIRE(warnings.size() == 1);
  f[0].verdict = Verdict::fail;
  warnings.clear();
  audit::apply_waivers(f, w, date("2026-11-30"), warnings);
  CHECK(w[0].state == State::active);
  CHECK(w[0].matched == 1);
  CHECK(warnings.empty());
}
