// inventory::Checker: collects manifest problems as "file:line:column: what; expected" errors
// and holds the small checks every section shares (key sets with did-you-mean, scalars).
// Internal to lib/inventory.
#pragma once

#include "core/target.hpp"
#include "inventory/manifest.hpp"
#include "inventory/yaml_tree.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inventory {

class Checker {
 public:
  Checker(std::string file, Diagnostics& out) : m_file(std::move(file)), m_out(out) {}

  const std::string& file() const { return m_file; }
  // Record a problem at `at`.
  void error(const YamlNode& at, std::string message);
  // Return the position of `node` in this file.
  core::SourceLocation where(const YamlNode& node) const;
  // Report every key of `map` not in `allowed` (skipping those in `skip`), with a hint.
  void check_keys(const YamlNode& map, const std::vector<std::string>& allowed, std::string_view what,
                  const std::vector<std::string>& skip = {});
  // Return the text of a non-empty scalar, or report what was expected and return nullopt.
  std::optional<std::string> scalar(const YamlNode& node, std::string_view name, std::string_view expected);
  // Like scalar() for `map[key]`; a missing key is reported at the map.
  std::optional<std::string> required(const YamlNode& map, std::string_view key, std::string_view what,
                                      std::string_view expected);
  // Return a list of policy ids from a sequence of scalars (problems reported).
  std::vector<PolicyRef> policy_list(const YamlNode& node, std::string_view name);
  int error_count() const { return static_cast<int>(m_found.size()); }
  // Append the problems found, in file order, to the diagnostics; return how many.
  std::size_t flush();

 private:
  struct Found {
    int line;
    int column;
    core::Error error;
  };
  std::string m_file;
  Diagnostics& m_out;
  std::vector<Found> m_found;
};

// Describe a node's kind for messages: "a list", "a map", "a scalar", "empty".
std::string_view describe(const YamlNode& node);
// Join names as "a, b, c".
std::string join(const std::vector<std::string>& names);

// Section checks (manifest_targets.cpp, manifest_waivers.cpp).
std::vector<TargetEntry> check_targets(const YamlNode& seq, Checker& check);
std::vector<core::WaiverInfo> check_waivers(const YamlNode& seq, const Metadata& metadata, const LoadOptions& options,
                                            Checker& check);

}  // namespace inventory
