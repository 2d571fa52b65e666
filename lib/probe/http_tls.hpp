// probe TLS capture (internal): what the handshake showed, read with OpenSSL from inside
// libcurl's handshake (CURLOPT_SSL_CTX_FUNCTION installs a verify and an info callback on the
// connection's SSL_CTX). The chain is captured as the server sent it even when it does not
// verify, so an expired or unknown certificate is still evidence. No OpenSSL type appears here.
#pragma once

#include "probe/http.hpp"

#include <string>
#include <vector>

namespace probe::tls {

struct Capture {
  bool handshake_done = false;
  std::string version;  // "TLSv1.3"
  std::string cipher;
  int verify_error = 0;     // first X509 verification error (0: none)
  std::string verify_text;  // its text, e.g. "certificate has expired"
  std::vector<Certificate> chain;
};

// True when libcurl's TLS backend is OpenSSL (the capture needs its SSL_CTX).
bool backend_is_openssl();
// Install the callbacks on `ssl_ctx` (an SSL_CTX*) so the handshake fills `capture`.
void install(void* ssl_ctx, Capture* capture);
// The verify_code of docs/facts.md for an X509 error (expired, not-yet-valid, untrusted, failed).
std::string verify_code(int x509_error);

}  // namespace probe::tls
