// update digests: sha256 of inputs and databases (provenance), and sha512 in npm's integrity
// form ("sha512-<base64>") to check a tarball against its pin. OpenSSL's libcrypto does the work.
#pragma once

#include <string>
#include <string_view>

namespace update {

// Return the sha256 of `bytes` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view bytes);
// Return the sha512 of `bytes` as npm spells an integrity: "sha512-" + base64.
std::string sha512_integrity(std::string_view bytes);

}  // namespace update
