// Fuzz target: the recorded-facts replay reader (`--facts FILE`, residency/facts/v1): JSON
// parsing and every field of the recorded DNS results. A parsed recording is serialised again,
// which must not fail either (replay writes it back with --save-facts).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include "audit/recording.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto recording = audit::parse_recording(text, "fuzz.json");
  if (!recording) return 0;
  (void)audit::to_json(*recording);
  for (const auto& result : recording->dns) (void)recording->find(result.name);
  return 0;
}
