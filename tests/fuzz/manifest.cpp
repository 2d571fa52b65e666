// Fuzz target: the audit manifest loader (YAML, residency/manifest/v1): parsing through the shared
// bounded YAML adapter, every key check, targets, tags, declared facts and waivers. A clean
// refusal with diagnostics is fine; a crash, a hang or a sanitizer report is not.
#include "inventory/manifest.hpp"
#include <cstddef>
#include <cstdint>
#include <string_view>
#include "core/date.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const inventory::LoadOptions options{*core::parse_date("2026-12-01")};
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  inventory::Diagnostics diagnostics;
  if (auto m = inventory::parse_manifest(text, "fuzz.yaml", options, diagnostics)) {
    for (const auto& entry : m->targets) (void)m->policies_for(entry);
  }
  (void)inventory::to_string(diagnostics);
  return 0;
}
