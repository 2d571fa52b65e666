// The result model of `residency compare`: offers × requirements of one policy, for procurement.
// Each offer was judged as a target tagged for the policy, in its best EEA region, with TLS
// terminating at its own provider; every cell holds a verdict and a one-line reason in plain
// words. Renderers (lib/report) only lay this out: no clock, no host, no verdict of their own.
#pragma once

#include "core/audit_result.hpp"
#include "core/date.hpp"

#include <optional>
#include <string>
#include <vector>

namespace core {

struct ComparisonCell {
  std::string requirement_id;
  bool applies = true;                 // false: the requirement does not select the judged target
  Verdict verdict = Verdict::unknown;  // pass, fail or unknown
  std::string reason;                  // one line, e.g. "operator Microsoft Corporation (US): CLOUD Act, …"
};

// A certification of the offer, as of the comparison date.
struct ComparisonCertification {
  std::string key;     // "secnumcloud:ovhcloud-hpc-snc"
  std::string scheme;  // "secnumcloud"
  std::string title;
  std::string status;                // qualified, certified, attested, in-progress, withdrawn
  std::string from;                  // as the sources give it: "2023-12-28", "2026-05" or "2022"
  std::string until;                 // likewise; empty when no end date is published
  std::string reference;             // e.g. "ANSSI decision 2279"
  std::vector<std::string> regions;  // regions the certificate names (empty: not restricted)
  std::string state;                 // on the comparison date: valid, expired, in-progress, uncertain, …
  bool valid = false;                // state == valid
  std::string note;                  // the judgement in plain words: "expired on 2026-11-30", …
};

struct ComparisonOffer {
  std::string provider;                                 // provider id
  std::string provider_name;                            // "Microsoft Azure"
  std::string offer;                                    // offer id; empty for a provider with no certified offer
  std::string region;                                   // the EEA region it was judged in; empty when it has none
  std::string region_label;                             // "francecentral (Paris, FR)"
  std::vector<std::string> eea_regions;                 // EEA regions available for the offer, sorted
  std::vector<ComparisonCertification> certifications;  // valid first, then history; by key
  std::vector<ComparisonCell> cells;                    // in the order of ComparisonResult::requirements
  Counts counts;                                        // over the applicable cells
  Evidence evidence;                                    // the chain behind the cells, for the JSON report
};

struct ComparisonResult {
  std::string tool_version;
  Date as_of;
  std::string policy_id;
  std::string policy_title;
  std::map<std::string, std::string> tags;    // the tags the judged targets carried
  std::vector<RequirementInfo> requirements;  // the columns, in the policy's order
  std::vector<ComparisonOffer> offers;        // most passes first, then fewest fails, then ids
  std::vector<DataSource> sources;            // rule packs
  std::vector<std::string> warnings;
};

}  // namespace core
