// The OpenSSL side of the HTTPS probe. libcurl (OpenSSL backend) gives us each connection's
// SSL_CTX before the handshake; we keep its verify mode and add a verify callback, which sees
// the chain the server sent (leaf first) and the first verification error, and an info callback,
// which records the negotiated version and cipher once the handshake is done. Certificate fields
// are read through OpenSSL's accessors, capped and sanitised: they come from the peer.
#include "probe/http_tls.hpp"

#include "core/date.hpp"
#include "core/text.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <ctime>

namespace probe::tls {

namespace {

constexpr std::size_t k_max_field = 1024;
constexpr std::size_t k_max_sans = 256;
constexpr std::size_t k_max_chain = 10;

int ctx_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

Capture* capture_of(SSL* ssl) {
  if (ssl == nullptr) return nullptr;
  return static_cast<Capture*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_index()));
}

std::string name_text(const X509_NAME* name) {
  if (name == nullptr) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out = len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
  BIO_free(bio);
  return core::printable(out, k_max_field);
}

std::string entry_text(const X509_NAME* name, int nid) {
  if (name == nullptr) return {};
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return {};
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return {};
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return core::printable(out, k_max_field);
}

std::string time_text(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

std::vector<std::string> sans_of(X509* cert) {
  std::vector<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names) && out.size() < k_max_sans; ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    if (g->type == GEN_DNS) {
      const ASN1_STRING* s = g->d.dNSName;
      out.push_back("DNS:" + core::printable(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                                              static_cast<std::size_t>(ASN1_STRING_length(s))),
                                             k_max_field));
    } else if (g->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* s = g->d.iPAddress;
      const int len = ASN1_STRING_length(s);
      if (len != 4 && len != 16) continue;
      core::IpAddress ip;
      ip.family = len == 4 ? core::IpFamily::v4 : core::IpFamily::v6;
      std::memcpy(ip.bytes.data(), ASN1_STRING_get0_data(s), static_cast<std::size_t>(len));
      out.push_back("IP:" + core::format_ip(ip));
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

void key_of(X509* cert, Certificate& c) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) return;
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      c.key_type = "RSA";
      break;
    case EVP_PKEY_EC:
      c.key_type = "EC";
      break;
    case EVP_PKEY_ED25519:
      c.key_type = "Ed25519";
      break;
    case EVP_PKEY_ED448:
      c.key_type = "Ed448";
      break;
    case EVP_PKEY_DSA:
      c.key_type = "DSA";
      break;
    default:
      c.key_type = "other";
  }
  c.key_bits = EVP_PKEY_get_bits(key);
}

std::string hex(const unsigned char* data, unsigned len) {
  std::string out;
  for (unsigned i = 0; i < len; ++i) out += fmt::format("{:02x}", data[i]);
  return out;
}

Certificate read_certificate(X509* cert) {
  Certificate c;
  const X509_NAME* subject = X509_get_subject_name(cert);
  const X509_NAME* issuer = X509_get_issuer_name(cert);
  c.subject = name_text(subject);
  c.issuer = name_text(issuer);
  c.issuer_organisation = entry_text(issuer, NID_organizationName);
  c.issuer_country = entry_text(issuer, NID_countryName);
  c.sans = sans_of(cert);
  c.not_before = time_text(X509_get0_notBefore(cert));
  c.not_after = time_text(X509_get0_notAfter(cert));
  key_of(cert, c);
  if (const char* sig = OBJ_nid2ln(X509_get_signature_nid(cert)); sig != nullptr) c.signature = sig;
  if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr); bn != nullptr) {
    if (char* h = BN_bn2hex(bn); h != nullptr) {
      c.serial = core::to_lower(h);
      OPENSSL_free(h);
    }
    BN_free(bn);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned md_len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &md_len) == 1) c.sha256 = hex(md, md_len);
  return c;
}

void read_chain(STACK_OF(X509) * chain, X509* leaf, Capture& capture) {
  if (!capture.chain.empty()) return;
  if (chain == nullptr || sk_X509_num(chain) == 0) {
    if (leaf != nullptr) capture.chain.push_back(read_certificate(leaf));
    return;
  }
  for (int i = 0; i < sk_X509_num(chain) && capture.chain.size() < k_max_chain; ++i) {
    capture.chain.push_back(read_certificate(sk_X509_value(chain, i)));
  }
}

int on_verify(int preverify_ok, X509_STORE_CTX* store) {
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  Capture* capture = capture_of(ssl);
  if (capture == nullptr) return preverify_ok;
  read_chain(X509_STORE_CTX_get0_untrusted(store), X509_STORE_CTX_get0_cert(store), *capture);
  if (preverify_ok == 0 && capture->verify_error == 0) {
    capture->verify_error = X509_STORE_CTX_get_error(store);
    capture->verify_text = X509_verify_cert_error_string(capture->verify_error);
  }
  return preverify_ok;  // libcurl's decision stands
}

void on_info(const SSL* ssl, int where, int /*ret*/) {
  if ((where & SSL_CB_HANDSHAKE_DONE) == 0) return;
  Capture* capture = capture_of(const_cast<SSL*>(ssl));
  if (capture == nullptr) return;
  capture->handshake_done = true;
  capture->version = SSL_get_version(ssl);
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl); cipher != nullptr)
    capture->cipher = SSL_CIPHER_get_name(cipher);
  read_chain(SSL_get_peer_cert_chain(ssl), SSL_get0_peer_certificate(ssl), *capture);
}

}  // namespace

bool backend_is_openssl() {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  return info != nullptr && info->ssl_version != nullptr && std::strncmp(info->ssl_version, "OpenSSL", 7) == 0;
}

void install(void* ssl_ctx, Capture* capture) {
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  SSL_CTX_set_ex_data(ctx, ctx_index(), capture);
  SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx), &on_verify);
  SSL_CTX_set_info_callback(ctx, &on_info);
}

std::string verify_code(int x509_error) {
  switch (x509_error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "not-yet-valid";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
      return "untrusted";
    case X509_V_ERR_HOSTNAME_MISMATCH:
      return "name-mismatch";
    default:
      return "failed";
  }
}

}  // namespace probe::tls
