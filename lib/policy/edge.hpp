// policy::match_edge: which providers' edge networks an HTTPS answer shows, from the `edge`
// sections of the rule data (response headers, certificate issuers). Plain strings in and out:
// policy judges observations, the probe makes them.
#pragma once

#include "policy/rule_set.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace policy {

struct EdgeMatch {
  std::string provider;
  std::string method;      // "header" or "certificate"
  std::string what;        // "x-amz-cf-pop: CDG50-C1", "issuer O=Amazon, C=US"
  std::string header;      // the header name, for method header
  std::string confidence;  // header: high; certificate: the issuer's confidence
  std::string source;      // the provider file and its edge as_of
};

// Every (provider, header) whose edge rule a response header satisfies, in header order.
std::vector<EdgeMatch> match_edge_headers(const RuleSet& rules,
                                          const std::vector<std::pair<std::string, std::string>>& headers);
// Every provider whose edge lists the certificate issuer `organisation` (and `country`).
std::vector<EdgeMatch> match_edge_issuer(const RuleSet& rules, std::string_view organisation, std::string_view country);

}  // namespace policy
