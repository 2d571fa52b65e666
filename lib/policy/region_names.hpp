// policy::resolve_region_name: find a provider's region from the way plans and APIs spell it —
// the code or an alias in any case, an Azure display name ("Germany West Central"), a GCP
// self-link (".../regions/us-central1"), or a zone of the region ("europe-west9-a",
// "eu-west-3a", "us-east-1-bos-1a"). Nothing is guessed: a spelling that matches no code or alias
// of the rule data comes back unresolved, in its normalised form, with the closest known code.
#pragma once

#include "policy/rule_set.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace policy {

struct RegionName {
  std::string code;                 // the canonical code when found, else the normalised spelling
  const Region* region = nullptr;   // nullptr when the rule data has no such region
  std::string how;                  // "region code", "alias GRA11", "display name", "self-link", "zone …"
  std::optional<std::string> hint;  // when not found: the closest known code
};

// Resolve `raw` against `provider`'s regions.
RegionName resolve_region_name(const Provider& provider, std::string_view raw);

}  // namespace policy
