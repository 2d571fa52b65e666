// Recorded facts as JSON. Every field of a DNS result is kept, so replay can rebuild exactly what
// the live run saw. Two readers: simdjson's for a well-formed file (replay of 100,000 targets
// spends its time here otherwise), and nlohmann-json's, which runs when the fast one refuses
// anything and reports where the file is wrong (file:line:column, the key path of an unknown
// enum spelling or a malformed address). Both keep the last of duplicate keys and ignore unknown
// ones, so they read every file the same way (tests and the facts fuzz target compare them).
#include "audit/recording.hpp"

#include "audit/recording_https.hpp"
#include "core/atomic_file.hpp"
#include "core/json_text.hpp"

#include <fmt/format.h>
#include <simdjson.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>
#include <limits>

namespace audit {

namespace {

using nlohmann::json;

std::optional<probe::DnsStatus> parse_status(std::string_view s) {
  for (auto st :
       {probe::DnsStatus::ok, probe::DnsStatus::nxdomain, probe::DnsStatus::nodata, probe::DnsStatus::servfail,
        probe::DnsStatus::timeout, probe::DnsStatus::refused, probe::DnsStatus::loop, probe::DnsStatus::invalid}) {
    if (probe::to_string(st) == s) return st;
  }
  return std::nullopt;
}

json dns_to_json(const probe::DnsResult& r) {
  json j;
  j["name"] = r.name;
  j["ascii_name"] = r.ascii_name;
  j["unicode_name"] = r.unicode_name;
  j["status"] = probe::to_string(r.status);
  j["detail"] = r.detail;
  if (r.a_status) j["a_status"] = probe::to_string(*r.a_status);
  if (r.aaaa_status) j["aaaa_status"] = probe::to_string(*r.aaaa_status);
  j["addresses"] = json::array();
  for (const auto& a : r.addresses) {
    j["addresses"].push_back({{"ip", core::format_ip(a.ip)}, {"ttl", a.ttl}, {"ptr", a.ptr}});
  }
  j["cname_chain"] = r.cname_chain;
  j["ns"] = r.ns;
  j["ns_zone"] = r.ns_zone;
  if (r.ns_status) j["ns_status"] = probe::to_string(*r.ns_status);
  j["mx"] = json::array();
  for (const auto& m : r.mx) j["mx"].push_back({{"preference", m.preference}, {"host", m.host}});
  if (r.mx_status) j["mx_status"] = probe::to_string(*r.mx_status);
  j["ptr_asked"] = r.ptr_asked;
  j["resolver"] = r.resolver;
  j["time"] = r.time;
  return j;
}

// Recordings made before a_status/aaaa_status existed say which family failed only in the
// detail ("AAAA: timeout: unreachable"): recover it, so a partial answer stays partial on replay.
void legacy_family_status(probe::DnsResult& r) {
  if (r.status != probe::DnsStatus::ok) return;
  for (const auto& [prefix, field] : {std::pair{"A: ", &r.a_status}, std::pair{"AAAA: ", &r.aaaa_status}}) {
    if (!r.detail.starts_with(prefix)) continue;
    const std::string rest = r.detail.substr(std::string_view(prefix).size());
    *field = parse_status(rest.substr(0, rest.find(':'))).value_or(probe::DnsStatus::timeout);
  }
}

// Read one DNS result; throws std::runtime_error with the key path on malformed input.
probe::DnsResult dns_from_json(const json& j, const std::string& where) {
  auto status = [&](const json& v, const std::string& key) {
    auto s = parse_status(v.get<std::string>());
    if (!s) throw std::runtime_error(fmt::format("{}.{}: unknown DNS status '{}'", where, key, v.get<std::string>()));
    return *s;
  };
  probe::DnsResult r;
  r.name = j.at("name").get<std::string>();
  r.ascii_name = j.value("ascii_name", r.name);
  r.unicode_name = j.value("unicode_name", r.name);
  r.status = status(j.at("status"), "status");
  r.detail = j.value("detail", "");
  if (j.contains("a_status")) r.a_status = status(j.at("a_status"), "a_status");
  if (j.contains("aaaa_status")) r.aaaa_status = status(j.at("aaaa_status"), "aaaa_status");
  if (!j.contains("a_status") && !j.contains("aaaa_status")) legacy_family_status(r);
  for (const auto& a : j.value("addresses", json::array())) {
    auto ip = core::parse_ip(a.at("ip").get<std::string>());
    if (!ip) throw std::runtime_error(fmt::format("{}.addresses: {}", where, ip.error().message));
    const auto ttl = checked_integer(a, "ttl", 0, 0, std::numeric_limits<std::uint32_t>::max(), where + ".addresses");
    r.addresses.push_back({*ip, static_cast<std::uint32_t>(ttl), a.value("ptr", std::vector<std::string>{})});
  }
  r.cname_chain = j.value("cname_chain", std::vector<std::string>{});
  r.ns = j.value("ns", std::vector<std::string>{});
  r.ns_zone = j.value("ns_zone", "");
  if (j.contains("ns_status")) r.ns_status = status(j.at("ns_status"), "ns_status");
  for (const auto& m : j.value("mx", json::array())) {
    if (!m.contains("preference")) throw std::runtime_error(where + ".mx: missing key 'preference'");
    const auto preference = checked_integer(m, "preference", 0, INT_MIN, INT_MAX, where + ".mx");
    r.mx.push_back({static_cast<int>(preference), m.at("host").get<std::string>()});
  }
  if (j.contains("mx_status")) r.mx_status = status(j.at("mx_status"), "mx_status");
  r.ptr_asked = j.value("ptr_asked", true);  // files without the key asked PTR for every address
  r.resolver = j.value("resolver", "");
  r.time = j.value("time", "");
  return r;
}

}  // namespace

const probe::DnsResult* Recording::find(std::string_view name) const {
  auto it = std::lower_bound(dns.begin(), dns.end(), name,
                             [](const probe::DnsResult& r, std::string_view n) { return r.name < n; });
  return it != dns.end() && it->name == name ? &*it : nullptr;
}

const probe::HttpsChain* Recording::find_https(std::string_view url) const {
  auto it = std::lower_bound(https.begin(), https.end(), url,
                             [](const probe::HttpsChain& c, std::string_view u) { return c.url < u; });
  return it != https.end() && it->url == url ? &*it : nullptr;
}

std::string to_json(const Recording& recording) {
  json j;
  j["schema"] = k_recording_schema;
  j["tool_version"] = recording.tool_version;
  j["started_at"] = recording.started_at;
  j["as_of"] = recording.as_of.to_string();
  j["host"] = recording.host;
  j["dns"] = json::array();
  for (const auto& r : recording.dns) j["dns"].push_back(dns_to_json(r));
  j["https"] = json::array();
  for (const auto& c : recording.https) j["https"].push_back(https_to_json(c));
  return j.dump(2) + "\n";
}

namespace detail {

core::Result<Recording> parse_recording_located(std::string_view text, const std::string& file) {
  auto parsed = core::parse_json_text(text, file, "a residency facts file (--save-facts)");
  if (!parsed) return std::unexpected(parsed.error());
  try {
    const json& j = *parsed;
    if (!j.is_object() || j.value("schema", "") != k_recording_schema) {
      return core::fail(core::ErrorCode::data,
                        fmt::format("not a residency facts file; expected \"schema\": \"{}\"", k_recording_schema),
                        file);
    }
    Recording rec;
    rec.tool_version = j.value("tool_version", "");
    rec.started_at = j.at("started_at").get<std::string>();
    auto as_of = core::parse_date(j.at("as_of").get<std::string>());
    if (!as_of) return core::fail(core::ErrorCode::data, "as_of: " + as_of.error().message, file);
    rec.as_of = *as_of;
    rec.host = j.value("host", "");
    std::size_t i = 0;
    for (const auto& d : j.at("dns")) rec.dns.push_back(dns_from_json(d, fmt::format("dns[{}]", i++)));
    std::sort(rec.dns.begin(), rec.dns.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    i = 0;
    for (const auto& c : j.value("https", json::array()))
      rec.https.push_back(https_from_json(c, fmt::format("https[{}]", i++)));
    std::sort(rec.https.begin(), rec.https.end(), [](const auto& a, const auto& b) { return a.url < b.url; });
    return rec;
  } catch (const std::exception& e) {
    return core::fail(core::ErrorCode::data, fmt::format("malformed facts file: {}", e.what()), file);
  }
}

namespace {

namespace dom = simdjson::dom;

// Readers of one simdjson value: false when it has another type (the caller then gives up).
bool read(dom::element v, std::string& out) {
  std::string_view sv;
  if (v.get_string().get(sv) != simdjson::SUCCESS) return false;
  out.assign(sv);
  return true;
}

bool read(dom::element v, std::vector<std::string>& out) {
  dom::array list;
  if (v.get_array().get(list) != simdjson::SUCCESS) return false;
  out.clear();
  for (dom::element item : list) {
    if (!read(item, out.emplace_back())) return false;
  }
  return true;
}

bool read_status(dom::element v, probe::DnsStatus& out) {
  std::string_view sv;
  if (v.get_string().get(sv) != simdjson::SUCCESS) return false;
  auto st = parse_status(sv);
  if (!st) return false;
  out = *st;
  return true;
}

bool read_status(dom::element v, std::optional<probe::DnsStatus>& out) {
  probe::DnsStatus st{};
  if (!read_status(v, st)) return false;
  out = st;
  return true;
}

bool read_address(dom::element v, probe::DnsAddress& out) {
  dom::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) return false;
  bool has_ip = false;
  for (auto field : obj) {
    if (field.key == "ip") {
      std::string_view sv;
      if (field.value.get_string().get(sv) != simdjson::SUCCESS) return false;
      auto ip = core::parse_ip(sv);
      if (!ip) return false;
      out.ip = *ip;
      has_ip = true;
    } else if (field.key == "ttl") {
      std::uint64_t ttl = 0;
      if (field.value.get_uint64().get(ttl) != simdjson::SUCCESS || ttl > std::numeric_limits<std::uint32_t>::max())
        return false;
      out.ttl = static_cast<std::uint32_t>(ttl);
    } else if (field.key == "ptr") {
      if (!read(field.value, out.ptr)) return false;
    }
  }
  return has_ip;
}

bool read_mx(dom::element v, probe::MxHost& out) {
  dom::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) return false;
  bool has_preference = false, has_host = false;
  for (auto field : obj) {
    if (field.key == "preference") {
      std::int64_t n = 0;
      if (field.value.get_int64().get(n) != simdjson::SUCCESS || n < std::numeric_limits<int>::min() ||
          n > std::numeric_limits<int>::max())
        return false;
      out.preference = static_cast<int>(n);
      has_preference = true;
    } else if (field.key == "host") {
      if (!read(field.value, out.host)) return false;
      has_host = true;
    }
  }
  return has_preference && has_host;
}

// One DNS result, with the defaults dns_from_json gives to absent keys.
bool read_dns(dom::element v, probe::DnsResult& r) {
  dom::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) return false;
  std::optional<std::string> ascii_name, unicode_name;
  bool has_name = false, has_status = false;
  r.ptr_asked = true;  // files without the key asked PTR for every address
  for (auto field : obj) {
    const std::string_view key = field.key;
    bool ok = true;
    if (key == "name") {
      ok = read(field.value, r.name);
      has_name = true;
    } else if (key == "ascii_name") {
      ok = read(field.value, ascii_name.emplace());
    } else if (key == "unicode_name") {
      ok = read(field.value, unicode_name.emplace());
    } else if (key == "status") {
      ok = read_status(field.value, r.status);
      has_status = true;
    } else if (key == "detail") {
      ok = read(field.value, r.detail);
    } else if (key == "a_status") {
      ok = read_status(field.value, r.a_status);
    } else if (key == "aaaa_status") {
      ok = read_status(field.value, r.aaaa_status);
    } else if (key == "addresses") {
      dom::array list;  // a default array has no document: never iterate one that did not parse
      if (field.value.get_array().get(list) != simdjson::SUCCESS) return false;
      r.addresses.clear();
      for (dom::element a : list) ok = ok && read_address(a, r.addresses.emplace_back());
    } else if (key == "cname_chain") {
      ok = read(field.value, r.cname_chain);
    } else if (key == "ns") {
      ok = read(field.value, r.ns);
    } else if (key == "ns_zone") {
      ok = read(field.value, r.ns_zone);
    } else if (key == "ns_status") {
      ok = read_status(field.value, r.ns_status);
    } else if (key == "mx") {
      dom::array list;
      if (field.value.get_array().get(list) != simdjson::SUCCESS) return false;
      r.mx.clear();
      for (dom::element m : list) ok = ok && read_mx(m, r.mx.emplace_back());
    } else if (key == "mx_status") {
      ok = read_status(field.value, r.mx_status);
    } else if (key == "ptr_asked") {
      ok = field.value.get_bool().get(r.ptr_asked) == simdjson::SUCCESS;
    } else if (key == "resolver") {
      ok = read(field.value, r.resolver);
    } else if (key == "time") {
      ok = read(field.value, r.time);
    }
    if (!ok) return false;
  }
  if (!has_name || !has_status) return false;
  r.ascii_name = ascii_name.value_or(r.name);
  r.unicode_name = unicode_name.value_or(r.name);
  if (!r.a_status && !r.aaaa_status) legacy_family_status(r);
  return true;
}

// A recording read piece by piece. A simdjson document of the whole file sizes its tape, string
// buffer and structural index by the file: reading the 70 MB recording of 100,000 targets that
// way peaked at 347 MB (149 MB now, with the recording itself). So the top-level object and the
// `dns` and `https` arrays are only split here, and each member value and each element is parsed
// alone by one reused parser, whose memory is that of the largest element. Every piece is a whole
// JSON text, which simdjson validates, and the splitter accepts nothing but whitespace,
// `{ } [ ] : ,` and keys between them, so a file reads here exactly when it is one valid JSON text.
class Pieces {
 public:
  // Parse one piece; the element is valid until the next call.
  std::optional<dom::element> parse(std::string_view piece) {
    dom::element e;
    if (m_parser.parse(piece.data(), piece.size()).get(e) != simdjson::SUCCESS) return std::nullopt;
    return e;
  }

  // Call `member(key, value)` for each member of the object `text`, in order; false when the
  // text is not an object or `member` returns false.
  template <class F>
  bool for_each_member(std::string_view text, F&& member) {
    return items(text, '{', '}', [&](Splitter& s) {
      auto key_text = s.value();
      if (!key_text || key_text->front() != '"') return false;
      auto key = parse(*key_text);
      std::string_view sv;
      if (!key || key->get_string().get(sv) != simdjson::SUCCESS) return false;
      const std::string name(sv);
      if (!s.eat(':')) return false;
      auto value = s.value();
      return value && member(std::string_view(name), *value);
    });
  }

  // Call `element(text)` for each element of the array `text`; false when the text is not an
  // array or `element` returns false.
  template <class F>
  bool for_each_element(std::string_view text, F&& element) {
    return items(text, '[', ']', [&](Splitter& s) {
      auto item = s.value();
      return item && element(*item);
    });
  }

 private:
  // Finds where JSON values end without reading them: strings (with their escapes) and nesting.
  class Splitter {
   public:
    explicit Splitter(std::string_view text) : m_text(text) {}

    bool eat(char c) {
      skip_space();
      if (m_pos == m_text.size() || m_text[m_pos] != c) return false;
      ++m_pos;
      return true;
    }
    bool at_end() {
      skip_space();
      return m_pos == m_text.size();
    }
    // The text of the value that starts here; nullopt when none starts or it does not end.
    std::optional<std::string_view> value() {
      skip_space();
      const std::size_t start = m_pos;
      if (m_pos == m_text.size()) return std::nullopt;
      const char c = m_text[m_pos];
      if (c == '"') {
        if (!skip_string()) return std::nullopt;
      } else if (c == '{' || c == '[') {
        std::size_t depth = 0;
        while (true) {
          if (m_pos == m_text.size()) return std::nullopt;
          const char d = m_text[m_pos];
          if (d == '"') {
            if (!skip_string()) return std::nullopt;
            continue;
          }
          ++m_pos;
          if (d == '{' || d == '[') {
            ++depth;
          } else if (d == '}' || d == ']') {
            if (--depth == 0) break;
          }
        }
      } else {  // a number, true, false or null: up to the next delimiter
        while (m_pos < m_text.size() && !space(m_text[m_pos]) && m_text[m_pos] != ',' && m_text[m_pos] != '}' &&
               m_text[m_pos] != ']')
          ++m_pos;
        if (m_pos == start) return std::nullopt;
      }
      return m_text.substr(start, m_pos - start);
    }

   private:
    static bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
    void skip_space() {
      while (m_pos < m_text.size() && space(m_text[m_pos])) ++m_pos;
    }
    // At a '"': past the closing quote; false when there is none.
    bool skip_string() {
      for (++m_pos; m_pos < m_text.size(); ++m_pos) {
        if (m_text[m_pos] == '\\') {
          ++m_pos;
        } else if (m_text[m_pos] == '"') {
          ++m_pos;
          return true;
        }
      }
      return false;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
  };

  // `text` is `open`, then items (each read by `item`) separated by commas, then `close`.
  template <class F>
  static bool items(std::string_view text, char open, char close, F&& item) {
    Splitter s(text);
    if (!s.eat(open)) return false;
    if (!s.eat(close)) {
      do {
        if (!item(s)) return false;
      } while (s.eat(','));
      if (!s.eat(close)) return false;
    }
    return s.at_end();
  }

  dom::parser m_parser;
};

}  // namespace

std::optional<Recording> parse_recording_fast(std::string_view text) {
  Pieces pieces;
  Recording rec;
  std::optional<std::string> schema, started_at, as_of;
  std::vector<probe::DnsResult> dns;
  bool has_dns = false;
  std::vector<probe::HttpsChain> https;
  auto read_text = [&](std::string_view value, std::string& out) {
    auto v = pieces.parse(value);
    return v && read(*v, out);
  };
  const bool ok = pieces.for_each_member(text, [&](std::string_view key, std::string_view value) {
    if (key == "schema") return read_text(value, schema.emplace());
    if (key == "tool_version") return read_text(value, rec.tool_version);
    if (key == "started_at") return read_text(value, started_at.emplace());
    if (key == "as_of") return read_text(value, as_of.emplace());
    if (key == "host") return read_text(value, rec.host);
    if (key == "dns") {
      // The last of duplicate keys is the one read; every one must still be well-formed.
      dns.clear();
      has_dns = true;
      return pieces.for_each_element(value, [&](std::string_view item) {
        auto v = pieces.parse(item);
        return v && read_dns(*v, dns.emplace_back());
      });
    }
    if (key == "https") {
      // HTTPS chains are few beside DNS results: each is handed to the one reader of their fields.
      https.clear();
      return pieces.for_each_element(value, [&](std::string_view item) {
        if (!pieces.parse(item)) return false;
        auto j = nlohmann::json::parse(item, nullptr, false);
        if (j.is_discarded()) return false;
        try {
          https.push_back(https_from_json(j, fmt::format("https[{}]", https.size())));
        } catch (const std::exception&) {
          return false;
        }
        return true;
      });
    }
    return pieces.parse(value).has_value();  // an unknown key: ignored, but it must be JSON
  });
  if (!ok || schema != k_recording_schema || !started_at || !as_of || !has_dns) return std::nullopt;
  auto date = core::parse_date(*as_of);
  if (!date) return std::nullopt;
  rec.started_at = std::move(*started_at);
  rec.as_of = *date;
  // The recording lives until the last target is judged: no room for a quarter more results
  // than there are (the vector grew by doubling; 11 MB at 100,000 names).
  dns.shrink_to_fit();
  rec.dns = std::move(dns);
  std::sort(rec.dns.begin(), rec.dns.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  rec.https = std::move(https);
  std::sort(rec.https.begin(), rec.https.end(), [](const auto& a, const auto& b) { return a.url < b.url; });
  return rec;
}

}  // namespace detail

core::Result<Recording> parse_recording(std::string_view text, const std::string& file) {
  if (auto fast = detail::parse_recording_fast(text)) return std::move(*fast);
  return detail::parse_recording_located(text, file);
}

core::Result<Recording> load_recording(const std::filesystem::path& path) {
  auto text = core::read_file(path);
  if (!text) return std::unexpected(text.error());
  return parse_recording(*text, path.string());
}

}  // namespace audit
