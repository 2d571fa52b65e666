// curl_global_init is not thread-safe on older libcurl and must run before any handle exists:
// a function-local static runs it exactly once, on first use.
#include "probe/curl_global.hpp"

#include <curl/curl.h>

namespace probe {

bool curl_ready() {
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

}  // namespace probe
