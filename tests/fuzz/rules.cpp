// Fuzz target: the rule-pack loader and validator. The input is one rule-pack file: YAML parsing,
// every per-kind reader, the cross-reference checks and the set-cycle check. An input whose first
// line is "# over-shipped" is loaded as a --rules folder over the shipped packs (decoded once
// from the embedded blob), as `residency rules validate DIR` sees it, so its references to
// shipped ids resolve; any other input is validated alone (about 50 times faster). Any outcome
// but a crash, a hang or a sanitizer report is fine.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>
#include "core/date.hpp"
#include "policy/embedded.hpp"
#include "policy/load.hpp"
#include "policy/node.hpp"

namespace {

const std::vector<policy::ParsedFile>& shipped() {
  static const std::vector<policy::ParsedFile> files = [] {
    auto decoded = policy::decode_files(policy::embedded_rules_blob());
    if (!decoded) std::abort();  // the build's own blob: a bug, not an input
    return std::move(*decoded);
  }();
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto root = policy::parse_yaml(text, "fuzz/pack.yaml", 0);
  if (!root) return 0;  // a syntax error is a clean refusal
  std::vector<policy::ParsedFile> layer;
  layer.push_back({"fuzz/pack.yaml", std::move(*root)});
  std::vector<policy::Problem> problems;
  static const auto as_of = core::parse_date("2026-12-01");
  const bool over_shipped = text.starts_with("# over-shipped\n");
  auto v = over_shipped ? policy::validate_layers({shipped(), layer}, *as_of, std::move(problems))
                        : policy::validate_layers({layer}, *as_of, std::move(problems));
  for (const auto& p : v.problems) (void)p.text();
  return 0;
}
