// HTTPS chains ↔ JSON (nlohmann-json; callers catch its exceptions). Unknown statuses and
// malformed addresses are reported with the key path that holds them.
#include "audit/recording_https.hpp"

#include <fmt/format.h>

#include <climits>
#include <cstdint>

#include <stdexcept>

namespace audit {

namespace {

using nlohmann::json;

json cert_to_json(const probe::Certificate& c) {
  return {{"subject", c.subject},
          {"issuer", c.issuer},
          {"issuer_organisation", c.issuer_organisation},
          {"issuer_country", c.issuer_country},
          {"sans", c.sans},
          {"not_before", c.not_before},
          {"not_after", c.not_after},
          {"key_type", c.key_type},
          {"key_bits", c.key_bits},
          {"signature", c.signature},
          {"serial", c.serial},
          {"sha256", c.sha256}};
}

probe::Certificate cert_from_json(const json& j, const std::string& where) {
  probe::Certificate c;
  c.subject = j.value("subject", "");
  c.issuer = j.value("issuer", "");
  c.issuer_organisation = j.value("issuer_organisation", "");
  c.issuer_country = j.value("issuer_country", "");
  c.sans = j.value("sans", std::vector<std::string>{});
  c.not_before = j.value("not_before", "");
  c.not_after = j.value("not_after", "");
  c.key_type = j.value("key_type", "");
  c.key_bits = static_cast<int>(checked_integer(j, "key_bits", 0, 0, INT_MAX, where));
  c.signature = j.value("signature", "");
  c.serial = j.value("serial", "");
  c.sha256 = j.value("sha256", "");
  return c;
}

json endpoint_to_json(const probe::HttpsEndpoint& e) {
  json j;
  j["address"] = core::format_ip(e.address);
  j["port"] = e.port;
  j["connected_to"] = e.connected_to;
  j["status"] = probe::to_string(e.status);
  j["detail"] = e.detail;
  j["method"] = e.method;
  j["tls_version"] = e.tls_version;
  j["tls_cipher"] = e.tls_cipher;
  j["verified"] = e.verified;
  j["verify_error"] = e.verify_error;
  j["verify_code"] = e.verify_code;
  j["chain"] = json::array();
  for (const auto& c : e.chain) j["chain"].push_back(cert_to_json(c));
  j["http_version"] = e.http_version;
  j["status_code"] = e.status_code;
  j["headers"] = json::array();
  for (const auto& h : e.headers) j["headers"].push_back({{"name", h.name}, {"value", h.value}});
  j["headers_truncated"] = e.headers_truncated;
  j["redirect"] = e.redirect;
  j["timings_us"] = {{"connect", e.timings.connect_us},
                     {"tls", e.timings.tls_us},
                     {"first_byte", e.timings.first_byte_us},
                     {"total", e.timings.total_us}};
  j["time"] = e.time;
  return j;
}

probe::HttpsEndpoint endpoint_from_json(const json& j, const std::string& where) {
  probe::HttpsEndpoint e;
  auto ip = core::parse_ip(j.at("address").get<std::string>());
  if (!ip) throw std::runtime_error(fmt::format("{}.address: {}", where, ip.error().message));
  e.address = *ip;
  e.port = static_cast<std::uint16_t>(checked_integer(j, "port", 443, 0, 65535, where));
  e.connected_to = j.value("connected_to", "");
  const std::string status = j.at("status").get<std::string>();
  auto st = probe::parse_https_status(status);
  if (!st) throw std::runtime_error(fmt::format("{}.status: unknown HTTPS status '{}'", where, status));
  e.status = *st;
  e.detail = j.value("detail", "");
  e.method = j.value("method", "");
  e.tls_version = j.value("tls_version", "");
  e.tls_cipher = j.value("tls_cipher", "");
  e.verified = j.value("verified", false);
  e.verify_error = j.value("verify_error", "");
  e.verify_code = j.value("verify_code", "");
  for (const auto& c : j.value("chain", json::array())) e.chain.push_back(cert_from_json(c, where + ".chain"));
  e.http_version = j.value("http_version", "");
  e.status_code = static_cast<int>(checked_integer(j, "status_code", 0, 0, 999, where));
  for (const auto& h : j.value("headers", json::array())) {
    e.headers.push_back({h.at("name").get<std::string>(), h.at("value").get<std::string>()});
  }
  e.headers_truncated = j.value("headers_truncated", false);
  e.redirect = j.value("redirect", "");
  const json t = j.value("timings_us", json::object());
  const std::string at = where + ".timings_us";
  e.timings = {checked_integer(t, "connect", 0, 0, LLONG_MAX, at), checked_integer(t, "tls", 0, 0, LLONG_MAX, at),
               checked_integer(t, "first_byte", 0, 0, LLONG_MAX, at), checked_integer(t, "total", 0, 0, LLONG_MAX, at)};
  e.time = j.value("time", "");
  return e;
}

}  // namespace

long long checked_integer(const json& obj, const char* key, long long fallback, long long lo, long long hi,
                          const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) return fallback;
  if (it->is_number_unsigned()) {
    const auto n = it->get<std::uint64_t>();
    if (n <= static_cast<std::uint64_t>(hi) && static_cast<long long>(n) >= lo) return static_cast<long long>(n);
  } else if (it->is_number_integer()) {
    const auto n = it->get<std::int64_t>();
    if (n >= lo && n <= hi) return n;
  }
  throw std::runtime_error(fmt::format("{}.{}: {} is not an integer from {} to {}", where, key, it->dump(), lo, hi));
}

json https_to_json(const probe::HttpsChain& chain) {
  json j;
  j["url"] = chain.url;
  j["stopped"] = chain.stopped;
  j["hops"] = json::array();
  for (const auto& h : chain.hops) {
    json hop = {{"url", h.url}, {"host", h.host}, {"depth", h.depth}, {"from", h.from}, {"problem", h.problem}};
    hop["endpoints"] = json::array();
    for (const auto& e : h.endpoints) hop["endpoints"].push_back(endpoint_to_json(e));
    j["hops"].push_back(std::move(hop));
  }
  return j;
}

probe::HttpsChain https_from_json(const json& j, const std::string& where) {
  probe::HttpsChain chain;
  chain.url = j.at("url").get<std::string>();
  chain.stopped = j.value("stopped", "");
  std::size_t i = 0;
  for (const auto& h : j.at("hops")) {
    const std::string at = fmt::format("{}.hops[{}]", where, i++);
    probe::HttpsHop hop;
    hop.url = h.at("url").get<std::string>();
    hop.host = h.value("host", "");
    hop.depth = static_cast<int>(checked_integer(h, "depth", 0, 0, INT_MAX, at));
    hop.from = h.value("from", "");
    hop.problem = h.value("problem", "");
    std::size_t k = 0;
    for (const auto& e : h.value("endpoints", json::array())) {
      hop.endpoints.push_back(endpoint_from_json(e, fmt::format("{}.endpoints[{}]", at, k++)));
    }
    chain.hops.push_back(std::move(hop));
  }
  return chain;
}

}  // namespace audit
