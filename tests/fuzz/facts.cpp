// Fuzz target: the recorded-facts replay reader (`--facts FILE`, residency/facts/v1): JSON
// parsing and every field of the recorded DNS results. A parsed recording is serialised again,
// which must not fail either (replay writes it back with --save-facts). The two readers must agree:
// whatever the simdjson reader accepts, the nlohmann-json reader reads to the same recording.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include "audit/recording.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto fast = audit::detail::parse_recording_fast(text)) {
    auto located = audit::detail::parse_recording_located(text, "fuzz.json");
    if (!located || audit::to_json(*located) != audit::to_json(*fast)) __builtin_trap();
  }
  auto recording = audit::parse_recording(text, "fuzz.json");
  if (!recording) return 0;
  (void)audit::to_json(*recording);
  for (const auto& result : recording->dns) (void)recording->find(result.name);
  return 0;
}
