// Fuzz target: the DNS answer parser (probe::wire::parse_message) on raw response bytes, as the
// query loop hands it what c-ares received: header, question, answer and authority sections,
// name compression, A/AAAA/CNAME/NS/MX/PTR/SOA records. Every parsed name is normalised again
// as the probe does when it follows a CNAME chain.
#include <cstddef>
#include <cstdint>
#include <span>
#include "probe/dns_wire.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto message = probe::wire::parse_message(std::span<const std::uint8_t>(data, size));
  if (!message) return 0;
  for (const auto* section : {&message->answers, &message->authority}) {
    for (const auto& record : *section) {
      (void)probe::wire::normalise_name(record.owner);
      (void)probe::wire::normalise_name(record.target);
      if (record.type == probe::wire::k_type_a || record.type == probe::wire::k_type_aaaa) {
        (void)probe::wire::reverse_name(record.ip);
      }
    }
  }
  return 0;
}
