// Fuzz target: the Terraform plan reader (`terraform show -json`, every format_version): JSON
// parsing, resource changes, provider configurations with aliases and module scopes, `var.X`
// references, tags and unknowns, asking for the attributes lib/audit asks for.
#include "inventory/terraform_plan.hpp"
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const inventory::PlanOptions options{{"location", "region", "zone", "availability_zone"},
                                              {"region", "location", "zone"}};
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)inventory::parse_plan(text, "fuzz.json", options);
  return 0;
}
