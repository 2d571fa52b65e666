// Digests through OpenSSL's EVP interface (one-shot EVP_Digest), base64 through EVP_EncodeBlock.
#include "update/digest.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>

namespace update {

namespace {

using Digest = std::array<unsigned char, EVP_MAX_MD_SIZE>;

// Digest `bytes` with `md` into `out`; return the digest's length (0 if OpenSSL fails).
unsigned int digest(std::string_view bytes, const EVP_MD* md, Digest& out) {
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &length, md, nullptr) != 1) return 0;
  return length;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  Digest md{};
  const unsigned int length = digest(bytes, EVP_sha256(), md);
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

std::string sha512_integrity(std::string_view bytes) {
  Digest md{};
  const unsigned int length = digest(bytes, EVP_sha512(), md);
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> b64{};
  const int n = EVP_EncodeBlock(b64.data(), md.data(), static_cast<int>(length));
  return "sha512-" + std::string(reinterpret_cast<const char*>(b64.data()), static_cast<std::size_t>(n));
}

}  // namespace update
