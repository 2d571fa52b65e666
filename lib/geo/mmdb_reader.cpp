// Reading MaxMind-format databases with libmaxminddb (MMDB_MODE_MMAP).
//
// open() first checks the file itself (exists, not empty, metadata marker present) so the user
// gets one precise error, then lets libmaxminddb parse the metadata, samples a few records by
// walking the search tree to recognise the layout (schema.cpp), and verifies every node of small
// trees. lookup() reads only the fields the schema defines, each through MMDB_aget_value with
// its type checked (a field of the wrong type is ignored), and keeps what it read by the entry's
// offset (entry_cache.hpp), so the hot path costs one tree walk plus, for an entry not read
// recently, one or a few value reads. The raw entry is rendered as JSON from the entry data list on
// request. Every libmaxminddb status is checked: a corrupt tree or data section is an error
// naming the file, never a crash.
#include "geo/mmdb_reader.hpp"

#include "geo/entry_cache.hpp"

#include <maxminddb.h>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string_view>
#include <unordered_set>

namespace geo {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view k_metadata_marker =
    "\xAB\xCD\xEF"
    "MaxMind.com";
constexpr std::size_t k_metadata_max = 128 * 1024;      // the format caps metadata at 128 KiB
constexpr std::uint32_t k_verify_node_limit = 200'000;  // verify trees up to this size at open
constexpr std::size_t k_sample_records = 16;
constexpr std::size_t k_sample_nodes = 4096;
constexpr int k_max_json_depth = 64;

// Where a looked-up value goes in the GeoRecord, and which type it must have.
enum class Target {
  country,
  country_if_code,
  registered_country,
  asn,
  asn_text,
  as_org,
  is_anycast,
  provider,
  region,
  service
};

struct Field {
  std::array<const char*, 3> path;  // null-terminated lookup path
  Target target;
};

constexpr Field k_country_map[] = {
    {{"country", "iso_code", nullptr}, Target::country},
    {{"registered_country", "iso_code", nullptr}, Target::registered_country},
    {{"traits", "is_anycast", nullptr}, Target::is_anycast},
};
constexpr Field k_asn[] = {
    {{"autonomous_system_number", nullptr, nullptr}, Target::asn},
    {{"autonomous_system_organization", nullptr, nullptr}, Target::as_org},
};
constexpr Field k_ipinfo[] = {
    {{"country_code", nullptr, nullptr}, Target::country},
    {{"country", nullptr, nullptr}, Target::country_if_code},  // legacy country_asn: a code
    {{"asn", nullptr, nullptr}, Target::asn_text},
    {{"as_name", nullptr, nullptr}, Target::as_org},
};
constexpr Field k_country_code[] = {
    {{"country_code", nullptr, nullptr}, Target::country},
};
constexpr Field k_provider[] = {
    {{"provider", nullptr, nullptr}, Target::provider},
    {{"region", nullptr, nullptr}, Target::region},
    {{"service", nullptr, nullptr}, Target::service},
    {{"country", nullptr, nullptr}, Target::country},
};

// The fields to read for a schema; an unknown schema tries every known field.
std::vector<Field> fields_for(Schema schema) {
  std::vector<Field> out;
  const auto add = [&out](const auto& fields) { out.insert(out.end(), std::begin(fields), std::end(fields)); };
  switch (layout_of(schema)) {
    case Layout::country_map:
    case Layout::city_map:
      add(k_country_map);
      break;
    case Layout::asn:
      add(k_asn);
      break;
    case Layout::ipinfo:
      add(k_ipinfo);
      break;
    case Layout::country_code:
      add(k_country_code);
      break;
    case Layout::provider:
      add(k_provider);
      break;
    case Layout::none:
      add(k_country_map), add(k_country_code), add(k_asn), add(k_ipinfo), add(k_provider);
      break;
  }
  return out;
}

core::Error data_error(const std::string& path, std::string message) {
  return core::Error{core::ErrorCode::data, std::move(message), path};
}

// Check what libmaxminddb cannot tell apart: missing, a folder, empty, no metadata marker.
// A reader of the metadata's own encoding (MaxMind DB format 2.0, "Data Section Format"), just
// far enough to check the two lists libmaxminddb 1.7.1 leaks on: when `languages` holds a
// non-string or `description` a non-string value, MMDB_open refuses the file but keeps what it
// had allocated (fixed upstream in maxmind/libmaxminddb#356, not in Debian 12). Anything else it
// does not understand is left to libmaxminddb, which refuses it without leaking.
class MetadataScan {
 public:
  explicit MetadataScan(std::string_view bytes) : m_d(bytes) {}

  // An error message when `languages` or `description` holds a non-string, else empty.
  std::string wrong_lists() {
    std::size_t pairs = 0;
    if (!control(k_map, pairs)) return {};
    for (std::size_t p = 0; p < pairs && m_ok; ++p) {
      std::string key;
      const int key_type = value(&key);
      if (key_type == k_pointer) {  // a key stored elsewhere: its value is not ours to judge
        if (!skip(0)) return {};
        continue;
      }
      if (key_type != k_utf8) return {};
      std::size_t n = 0;
      if (key == "languages" || key == "description") {
        const bool map = key == "description";
        if (!control(map ? k_map : k_array, n)) return {};
        for (std::size_t i = 0; i < (map ? 2 * n : n); ++i) {
          const int type = value(nullptr);
          if (!m_ok) return {};
          if (type != k_utf8 && type != k_pointer) {
            return fmt::format("metadata '{}' holds a value that is not a string", key);
          }
        }
      } else if (!skip(0)) {
        return {};
      }
    }
    return {};
  }

 private:
  static constexpr int k_pointer = 1, k_utf8 = 2, k_map = 7, k_array = 11;

  bool byte(std::uint8_t& b) {
    if (m_i >= m_d.size()) return m_ok = false;
    b = static_cast<std::uint8_t>(m_d[m_i++]);
    return true;
  }
  // Read one control byte (and extended type and size bytes): type and size.
  bool header(int& type, std::size_t& size) {
    std::uint8_t c = 0, b = 0;
    if (!byte(c)) return false;
    type = c >> 5;
    if (type == k_pointer) {  // pointers are followed elsewhere: not checked here
      const std::size_t extra = ((c >> 3) & 3) + 1;
      for (std::size_t k = 0; k < extra; ++k) {
        if (!byte(b)) return false;
      }
      size = 0;
      return true;
    }
    if (type == 0) {
      if (!byte(b)) return false;
      type = 7 + b;
    }
    size = c & 0x1f;
    if (size >= 29) {
      const std::size_t n = size - 28;
      std::size_t v = 0;
      for (std::size_t k = 0; k < n; ++k) {
        if (!byte(b)) return false;
        v = (v << 8) | b;
      }
      size = n == 1 ? 29 + v : n == 2 ? 285 + v : 65821 + v;
    }
    return true;
  }
  bool control(int want, std::size_t& size) {
    int type = 0;
    return header(type, size) && type == want;
  }
  // Read one scalar value (a UTF-8 string into `text` when given) and return its type; a
  // container is skipped whole. 0 when the bytes end (m_ok is then false).
  int value(std::string* text) {
    const std::size_t at = m_i;
    int type = 0;
    std::size_t size = 0;
    if (!header(type, size)) return 0;
    if (type == k_utf8) {
      if (m_i + size > m_d.size()) return m_ok = false;
      if (text != nullptr) text->assign(m_d.substr(m_i, size));
      m_i += size;
      return type;
    }
    m_i = at;
    return skip(0) ? type : 0;
  }
  bool skip(int depth) {
    int type = 0;
    std::size_t size = 0;
    if (depth > 32 || !header(type, size)) return m_ok = false;
    switch (type) {
      case k_pointer: return true;
      case k_map: size *= 2; [[fallthrough]];
      case k_array:
        for (std::size_t k = 0; k < size; ++k) {
          if (!skip(depth + 1)) return false;
        }
        return true;
      case 3: size = 8; break;   // double
      case 15: size = 4; break;  // float
      case 14: size = 0; break;  // boolean: the size is the value
      default: break;            // strings, bytes and integers: `size` bytes follow
    }
    if (m_i + size > m_d.size()) return m_ok = false;
    m_i += size;
    return true;
  }

  std::string_view m_d;
  std::size_t m_i = 0;
  bool m_ok = true;
};

core::Result<void> preflight(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return core::fail(core::ErrorCode::io, fmt::format("cannot open: {}", std::strerror(errno)), path);
  struct ::stat st {};
  std::string tail;
  const bool stat_ok = ::fstat(fd, &st) == 0;
  if (stat_ok && S_ISREG(st.st_mode) && st.st_size > 0) {
    const auto size = static_cast<std::size_t>(st.st_size);
    tail.resize(std::min(size, k_metadata_max));
    const auto got = ::pread(fd, tail.data(), tail.size(), static_cast<off_t>(size - tail.size()));
    tail.resize(got < 0 ? 0 : static_cast<std::size_t>(got));
  }
  ::close(fd);
  if (!stat_ok) return core::fail(core::ErrorCode::io, "cannot read file status", path);
  if (S_ISDIR(st.st_mode)) return core::fail(core::ErrorCode::io, "is a folder, not a database file", path);
  if (st.st_size == 0) return core::fail(core::ErrorCode::data, "not a MaxMind DB file (empty file, 0 bytes)", path);
  const auto marker = tail.rfind(k_metadata_marker);
  if (marker == std::string::npos) {
    return core::fail(core::ErrorCode::data, "not a MaxMind DB file (metadata marker not found)", path);
  }
  const std::string wrong =
      MetadataScan(std::string_view(tail).substr(marker + k_metadata_marker.size())).wrong_lists();
  if (!wrong.empty())
    return core::fail(core::ErrorCode::data, fmt::format("not a valid MaxMind DB file ({})", wrong), path);
  return {};
}

std::string hex(const std::uint8_t* bytes, std::size_t n) {
  std::string out = "0x";
  for (std::size_t i = 0; i < n; ++i) out += fmt::format("{:02x}", bytes[i]);
  return out;
}

core::Result<Json> to_json(const MMDB_entry_data_list_s*& node, int depth);

// Convert `count` map pairs or array items following a map/array node.
core::Result<Json> container_to_json(const MMDB_entry_data_list_s*& node, int depth) {
  const bool is_map = node->entry_data.type == MMDB_DATA_TYPE_MAP;
  const std::uint32_t count = node->entry_data.data_size;
  Json out = is_map ? Json::object() : Json::array();
  node = node->next;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string key;
    if (is_map) {
      if (node == nullptr || node->entry_data.type != MMDB_DATA_TYPE_UTF8_STRING) {
        return core::fail(core::ErrorCode::data, "corrupt data section (map key is not a string)");
      }
      key.assign(node->entry_data.utf8_string, node->entry_data.data_size);
      node = node->next;
    }
    auto value = to_json(node, depth + 1);
    if (!value) return value;
    if (is_map)
      out[key] = std::move(*value);
    else
      out.push_back(std::move(*value));
  }
  return out;
}

// Convert the entry at `node` to JSON and advance `node` past it (and its children).
core::Result<Json> to_json(const MMDB_entry_data_list_s*& node, int depth) {
  if (node == nullptr || depth > k_max_json_depth) {
    return core::fail(core::ErrorCode::data, "corrupt data section (truncated or too deeply nested entry)");
  }
  const MMDB_entry_data_s& d = node->entry_data;
  Json value;
  switch (d.type) {
    case MMDB_DATA_TYPE_MAP:
    case MMDB_DATA_TYPE_ARRAY:
      return container_to_json(node, depth);
    case MMDB_DATA_TYPE_UTF8_STRING:
      value = std::string(d.utf8_string, d.data_size);
      break;
    case MMDB_DATA_TYPE_DOUBLE:
      value = d.double_value;
      break;
    case MMDB_DATA_TYPE_FLOAT:
      value = d.float_value;
      break;
    case MMDB_DATA_TYPE_UINT16:
      value = d.uint16;
      break;
    case MMDB_DATA_TYPE_UINT32:
      value = d.uint32;
      break;
    case MMDB_DATA_TYPE_INT32:
      value = d.int32;
      break;
    case MMDB_DATA_TYPE_UINT64:
      value = d.uint64;
      break;
    case MMDB_DATA_TYPE_BOOLEAN:
      value = d.boolean;
      break;
    case MMDB_DATA_TYPE_BYTES:
      value = hex(d.bytes, d.data_size);
      break;
    case MMDB_DATA_TYPE_UINT128: {
      std::array<std::uint8_t, 16> bytes{};
      auto v = d.uint128;
      for (std::size_t i = 16; i-- > 0; v >>= 8) bytes[i] = static_cast<std::uint8_t>(v & 0xff);
      value = hex(bytes.data(), bytes.size());
      break;
    }
    default:
      return core::fail(core::ErrorCode::data, fmt::format("corrupt data section (unknown type {})", d.type));
  }
  node = node->next;
  return value;
}

// Render an entry as JSON text; libmaxminddb decodes and bounds-checks the data.
core::Result<Json> entry_to_json(MMDB_entry_s entry) {
  MMDB_entry_data_list_s* list = nullptr;
  const int status = MMDB_get_entry_data_list(&entry, &list);
  if (status != MMDB_SUCCESS) {
    MMDB_free_entry_data_list(list);
    return core::fail(core::ErrorCode::data, fmt::format("corrupt data section ({})", MMDB_strerror(status)));
  }
  const MMDB_entry_data_list_s* node = list;
  auto json = to_json(node, 0);
  MMDB_free_entry_data_list(list);
  return json;
}

// Read the provenance residency records in the metadata (absent or unreadable: empty).
Provenance read_provenance(const MMDB_s& mmdb) {
  MMDB_entry_data_list_s* list = nullptr;
  if (MMDB_get_metadata_as_entry_data_list(&mmdb, &list) != MMDB_SUCCESS) {
    MMDB_free_entry_data_list(list);
    return {};
  }
  const MMDB_entry_data_list_s* node = list;
  auto json = to_json(node, 0);
  MMDB_free_entry_data_list(list);
  if (!json) return {};
  return provenance_from_metadata_json(json->dump(-1, ' ', false, Json::error_handler_t::replace));
}

// The UTF-8 string `d` holds, or nullopt for any other type (a view into the mapped file).
std::optional<std::string_view> as_text(const MMDB_entry_data_s& d) {
  if (d.type != MMDB_DATA_TYPE_UTF8_STRING) return std::nullopt;
  return std::string_view(d.utf8_string, d.data_size);
}

std::optional<std::uint32_t> as_u32(const MMDB_entry_data_s& d) {
  constexpr auto max = std::numeric_limits<std::uint32_t>::max();
  switch (d.type) {
    case MMDB_DATA_TYPE_UINT16:
      return d.uint16;
    case MMDB_DATA_TYPE_UINT32:
      return d.uint32;
    case MMDB_DATA_TYPE_UINT64:
      return d.uint64 <= max ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(d.uint64)) : std::nullopt;
    case MMDB_DATA_TYPE_INT32:
      return d.int32 >= 0 ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(d.int32)) : std::nullopt;
    default:
      return std::nullopt;
  }
}

// "AS13335" or "13335" → 13335.
std::optional<std::uint32_t> parse_asn_text(std::string_view s) {
  if (s.size() > 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's')) s.remove_prefix(2);
  if (s.empty() || s.size() > 10) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

// Store `d` in `v` when its type fits the target; otherwise leave `v` unchanged.
void assign(detail::EntryValues& v, Target target, const MMDB_entry_data_s& d) {
  using T = detail::EntryValues;
  switch (target) {
    case Target::country:
      if (auto s = as_text(d)) v.put(T::country, *s);
      break;
    case Target::country_if_code:
      if (auto s = as_text(d); s && s->size() == 2 && !v.has(T::country)) v.put(T::country, *s);
      break;
    case Target::registered_country:
      if (auto s = as_text(d)) v.put(T::registered_country, *s);
      break;
    case Target::asn:
      if (auto n = as_u32(d)) v.put_asn(*n);
      break;
    case Target::asn_text:
      if (auto s = as_text(d)) v.put_asn(parse_asn_text(*s));
      break;
    case Target::as_org:
      if (auto s = as_text(d)) v.put(T::as_org, *s);
      break;
    case Target::is_anycast:
      if (d.type == MMDB_DATA_TYPE_BOOLEAN) v.put_anycast(d.boolean);
      break;
    case Target::provider:
      if (auto s = as_text(d)) v.put(T::provider, *s);
      break;
    case Target::region:
      if (auto s = as_text(d)) v.put(T::region, *s);
      break;
    case Target::service:
      if (auto s = as_text(d)) v.put(T::service, *s);
      break;
  }
}

// A sockaddr for either family, without the 128-byte sockaddr_storage to clear on every lookup.
union SockAddr {
  sockaddr sa;
  sockaddr_in v4;
  sockaddr_in6 v6;
};

// Fill a sockaddr for `ip`; an IPv4-mapped IPv6 address is looked up as IPv4 in an IPv4 tree.
void to_sockaddr(const core::IpAddress& ip, int tree_version, SockAddr& out) {
  if (ip.family == core::IpFamily::v4 || (tree_version == 4 && ip.is_v4_mapped())) {
    out.v4 = sockaddr_in{};
    out.v4.sin_family = AF_INET;
    std::memcpy(&out.v4.sin_addr, ip.family == core::IpFamily::v4 ? &ip.bytes[0] : &ip.bytes[12], 4);
    return;
  }
  out.v6 = sockaddr_in6{};
  out.v6.sin6_family = AF_INET6;
  std::memcpy(&out.v6.sin6_addr, ip.bytes.data(), 16);
}

// The matched network: libmaxminddb counts IPv4 bits from the root of an IPv6 tree (96 + n).
core::Prefix network_of(const core::IpAddress& ip, int tree_version, int netmask) {
  if (ip.family == core::IpFamily::v4 && tree_version == 6) return core::prefix_of(ip, netmask - 96);
  if (ip.family == core::IpFamily::v6 && tree_version == 4) {
    core::IpAddress v4{core::IpFamily::v4, {}};
    std::memcpy(v4.bytes.data(), &ip.bytes[12], 4);
    return core::prefix_of(v4, netmask);
  }
  return core::prefix_of(ip, netmask);
}

}  // namespace

// The open file, shared by a Database and its copies for other threads (Database::for_thread):
// libmaxminddb reads an MMDB_s opened in MMAP mode from any number of threads.
struct Mapping {
  MMDB_s mmdb{};
  bool is_open = false;

  Mapping() = default;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() {
    if (is_open) MMDB_close(&mmdb);
  }
};

struct Database::Impl {
  explicit Impl(std::shared_ptr<Mapping> file = std::make_shared<Mapping>())
      : mapping(std::move(file)), mmdb(mapping->mmdb) {}

  std::shared_ptr<Mapping> mapping;
  MMDB_s& mmdb;  // mapping's
  DatabaseInfo info;
  std::vector<Field> fields;
  CacheMode cache_mode = CacheMode::on;
  mutable detail::EntryCache cache;  // filled by const lookups: hence one per thread

  core::Error error(std::string message) const { return data_error(info.path, std::move(message)); }
  core::Error lookup_error(const core::IpAddress& ip, std::string_view what) const {
    return error(fmt::format("lookup of {} failed: {}", core::format_ip(ip), what));
  }
  // Walk the tree for `ip`: true with `res` set when the database has a record for it.
  core::Result<bool> find(const core::IpAddress& ip, MMDB_lookup_result_s& res) const;
  // Read the fields of the entry `res` found for `ip` into `values` (views into the file).
  core::Result<void> read_values(const core::IpAddress& ip, const MMDB_lookup_result_s& res,
                                 detail::EntryValues& values) const;
  // Fill `rec` (whatever it held before) from the record `res` found for `ip`.
  core::Result<void> decode(const core::IpAddress& ip, const MMDB_lookup_result_s& res, GeoRecord& rec,
                            RawEntry raw) const;
  // Set `out` to the answer for `ip`, building the record in place (no GeoRecord is moved).
  void lookup_to(const core::IpAddress& ip, RawEntry raw, core::Result<std::optional<GeoRecord>>& out) const;
  void read_metadata();
  core::Result<void> check_layout() const;
  std::set<std::string, std::less<>> sample_keys() const;
};

// libmaxminddb 1.7 trusts the metadata: a node count whose tree is larger than the file (or wraps
// around in 32 bits) makes every lookup read outside the mapping. Check the layout in 64 bits
// before anything walks the tree.
core::Result<void> Database::Impl::check_layout() const {
  const std::uint64_t record_size = mmdb.metadata.record_size;
  if (record_size != 24 && record_size != 28 && record_size != 32) {
    return core::fail(core::ErrorCode::data,
                      fmt::format("corrupt MaxMind DB: record size {} bits; expected 24, 28 or 32", record_size),
                      info.path);
  }
  if (mmdb.metadata.ip_version != 4 && mmdb.metadata.ip_version != 6) {
    return core::fail(core::ErrorCode::data,
                      fmt::format("corrupt MaxMind DB: IP version {}; expected 4 or 6", mmdb.metadata.ip_version),
                      info.path);
  }
  const std::uint64_t tree = static_cast<std::uint64_t>(mmdb.metadata.node_count) * (record_size * 2 / 8);
  const std::uint64_t file = mmdb.file_size;
  // The tree, the 16-byte separator and the metadata marker must fit in the file.
  if (mmdb.metadata.node_count == 0 || tree + 16 + k_metadata_marker.size() > file) {
    return core::fail(
        core::ErrorCode::data,
        fmt::format("corrupt MaxMind DB: a search tree of {} nodes × {} bytes does not fit in the file ({} "
                    "bytes)",
                    mmdb.metadata.node_count, record_size * 2 / 8, file),
        info.path);
  }
  return {};
}

void Database::Impl::read_metadata() {
  const MMDB_metadata_s& m = mmdb.metadata;
  info.database_type = m.database_type != nullptr ? m.database_type : "";
  info.build_epoch = m.build_epoch;
  info.node_count = m.node_count;
  info.record_size = m.record_size;
  info.ip_version = m.ip_version;
  for (std::size_t i = 0; i < m.languages.count && m.languages.names != nullptr; ++i) {
    if (m.languages.names[i] != nullptr) info.languages.emplace_back(m.languages.names[i]);
  }
  for (std::size_t i = 0; i < m.description.count && m.description.descriptions != nullptr; ++i) {
    const MMDB_description_s* d = m.description.descriptions[i];
    if (d == nullptr || d->description == nullptr) continue;
    const bool english = d->language != nullptr && std::string_view(d->language) == "en";
    if (info.description.empty() || english) info.description = d->description;
    if (english) break;
  }
  info.provenance = read_provenance(mmdb);
}

// Walk the tree depth-first from the root and collect the top-level keys of the first records.
std::set<std::string, std::less<>> Database::Impl::sample_keys() const {
  std::set<std::string, std::less<>> keys;
  std::vector<std::uint32_t> stack{0};
  std::unordered_set<std::uint32_t> seen;
  std::size_t visited = 0;
  while (!stack.empty() && visited++ < k_sample_nodes && seen.size() < k_sample_records) {
    const std::uint32_t node_number = stack.back();
    stack.pop_back();
    MMDB_search_node_s node{};
    if (MMDB_read_node(&mmdb, node_number, &node) != MMDB_SUCCESS) continue;
    const std::array<std::pair<std::uint64_t, std::uint8_t>, 2> records{
        {{node.right_record, node.right_record_type}, {node.left_record, node.left_record_type}}};
    const std::array<MMDB_entry_s, 2> entries{node.right_record_entry, node.left_record_entry};
    for (std::size_t i = 0; i < 2; ++i) {
      if (records[i].second == MMDB_RECORD_TYPE_SEARCH_NODE) {
        stack.push_back(static_cast<std::uint32_t>(records[i].first));
      } else if (records[i].second == MMDB_RECORD_TYPE_DATA && seen.insert(entries[i].offset).second) {
        auto json = entry_to_json(entries[i]);
        if (json && json->is_object()) {
          for (const auto& item : json->items()) keys.insert(item.key());
        }
      }
    }
  }
  return keys;
}

Database::Database(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

const DatabaseInfo& Database::info() const { return m_impl->info; }

CacheStats Database::cache_stats() const { return m_impl->cache.stats(); }

Database Database::for_thread() const {
  auto impl = std::make_unique<Impl>(m_impl->mapping);
  impl->info = m_impl->info;
  impl->fields = m_impl->fields;
  impl->cache_mode = m_impl->cache_mode;
  impl->cache.configure(impl->cache_mode, impl->info.node_count);
  return Database(std::move(impl));
}

core::Result<Database> Database::open(const std::filesystem::path& path, Verify verify, CacheMode cache) {
  const std::string name = path.string();
  if (auto ok = preflight(name); !ok) return std::unexpected(ok.error());
  auto impl = std::make_unique<Impl>();
  impl->info.path = name;
  const int status = MMDB_open(name.c_str(), MMDB_MODE_MMAP, &impl->mmdb);
  if (status != MMDB_SUCCESS) {
    const auto code =
        status == MMDB_IO_ERROR || status == MMDB_FILE_OPEN_ERROR ? core::ErrorCode::io : core::ErrorCode::data;
    return core::fail(code, fmt::format("not a valid MaxMind DB file ({})", MMDB_strerror(status)), name);
  }
  impl->mapping->is_open = true;
  impl->read_metadata();
  if (auto ok = impl->check_layout(); !ok) return std::unexpected(ok.error());
  const auto [schema, basis] = decide_schema(impl->info.database_type, layout_from_keys(impl->sample_keys()));
  impl->info.schema = schema;
  impl->info.schema_basis = basis;
  impl->info.kind = kind_from_metadata(schema, impl->info.database_type, impl->info.description);
  // A database built by residency data update names its kind itself (residency_kind).
  if (auto recorded = parse_data_kind(impl->info.provenance.kind)) impl->info.kind = *recorded;
  impl->fields = fields_for(schema);
  impl->cache_mode = cache;
  impl->cache.configure(cache, impl->info.node_count);
  Database db(std::move(impl));
  if (verify == Verify::always || (verify == Verify::if_small && db.info().node_count <= k_verify_node_limit)) {
    if (auto ok = db.verify(); !ok) return std::unexpected(ok.error());
  }
  return db;
}

core::Result<void> Database::verify() const {
  const MMDB_s* mmdb = &m_impl->mmdb;
  std::unordered_set<std::uint32_t> checked;
  for (std::uint32_t n = 0; n < m_impl->info.node_count; ++n) {
    MMDB_search_node_s node{};
    const int status = MMDB_read_node(mmdb, n, &node);
    if (status != MMDB_SUCCESS)
      return std::unexpected(
          m_impl->error(fmt::format("corrupt search tree at node {} ({})", n, MMDB_strerror(status))));
    for (const auto& [type, entry] : {std::pair{node.left_record_type, node.left_record_entry},
                                      std::pair{node.right_record_type, node.right_record_entry}}) {
      if (type == MMDB_RECORD_TYPE_INVALID)
        return std::unexpected(
            m_impl->error(fmt::format("corrupt search tree at node {} (record points outside the file)", n)));
      if (type != MMDB_RECORD_TYPE_DATA || !checked.insert(entry.offset).second) continue;
      if (auto json = entry_to_json(entry); !json) {
        return std::unexpected(
            m_impl->error(fmt::format("broken data pointer at node {}: {}", n, json.error().message)));
      }
    }
  }
  return {};
}

core::Result<bool> Database::Impl::find(const core::IpAddress& ip, MMDB_lookup_result_s& res) const {
  SockAddr addr;
  to_sockaddr(ip, info.ip_version, addr);
  int mmdb_error = MMDB_SUCCESS;
  res = MMDB_lookup_sockaddr(&mmdb, &addr.sa, &mmdb_error);
  if (mmdb_error == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) return false;
  if (mmdb_error != MMDB_SUCCESS) return std::unexpected(lookup_error(ip, MMDB_strerror(mmdb_error)));
  return res.found_entry;
}

core::Result<void> Database::Impl::read_values(const core::IpAddress& ip, const MMDB_lookup_result_s& res,
                                               detail::EntryValues& values) const {
  MMDB_entry_s entry = res.entry;
  for (const Field& field : fields) {
    MMDB_entry_data_s data;
    const int status = MMDB_aget_value(&entry, &data, field.path.data());
    if (status == MMDB_SUCCESS) {
      if (data.has_data) assign(values, field.target, data);
    } else if (status != MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR && status != MMDB_INVALID_LOOKUP_PATH_ERROR) {
      return std::unexpected(lookup_error(ip, MMDB_strerror(status)));
    }
  }
  return {};
}

// The fields come from the cache when an earlier lookup read the same entry; a read that fails is
// not cached. The matched network and the raw JSON are made for every lookup.
core::Result<void> Database::Impl::decode(const core::IpAddress& ip, const MMDB_lookup_result_s& res, GeoRecord& rec,
                                          RawEntry raw) const {
  rec.network = network_of(ip, info.ip_version, res.netmask);
  if (const detail::EntryValues* cached = cache.find(res.entry.offset)) {
    cached->copy_to(rec);
  } else {
    detail::EntryValues values{};
    if (auto ok = read_values(ip, res, values); !ok) return ok;
    cache.store(res.entry.offset, values);
    values.copy_to(rec);
  }
  rec.raw_json.clear();
  if (raw == RawEntry::include) {
    auto json = entry_to_json(res.entry);
    if (!json) return std::unexpected(lookup_error(ip, json.error().message));
    rec.raw_json = json->dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  return {};
}

void Database::Impl::lookup_to(const core::IpAddress& ip, RawEntry raw,
                               core::Result<std::optional<GeoRecord>>& out) const {
  MMDB_lookup_result_s res;
  auto found = find(ip, res);
  if (!found) {
    out = std::unexpected(std::move(found.error()));
    return;
  }
  if (!out) out.emplace();
  if (!*found) {
    out->reset();
    return;
  }
  GeoRecord& rec = *out ? **out : out->emplace();  // a previous answer's record is reused
  if (auto ok = decode(ip, res, rec, raw); !ok) out = std::unexpected(std::move(ok.error()));
}

core::Result<std::optional<GeoRecord>> Database::lookup(const core::IpAddress& ip, RawEntry raw) const {
  core::Result<std::optional<GeoRecord>> out;
  m_impl->lookup_to(ip, raw, out);
  return out;
}

core::Result<bool> Database::lookup_into(const core::IpAddress& ip, GeoRecord& rec, RawEntry raw) const {
  MMDB_lookup_result_s res;
  auto found = m_impl->find(ip, res);
  if (!found || !*found) return found;
  if (auto ok = m_impl->decode(ip, res, rec, raw); !ok) return std::unexpected(std::move(ok.error()));
  return true;
}

core::Result<DatabaseSet> DatabaseSet::open(const std::vector<std::filesystem::path>& paths) {
  DatabaseSet set;
  for (const auto& path : paths) {
    auto db = Database::open(path);
    if (!db) return std::unexpected(db.error());
    set.add(std::move(*db));
  }
  return set;
}

DatabaseSet DatabaseSet::for_thread() const {
  DatabaseSet set;
  for (const auto& db : m_databases) set.add(db.for_thread());
  return set;
}

std::vector<SourcedAnswer> DatabaseSet::lookup_all(const core::IpAddress& ip, RawEntry raw) const {
  std::vector<SourcedAnswer> out;
  lookup_all_into(ip, out, raw);
  return out;
}

void DatabaseSet::lookup_all_into(const core::IpAddress& ip, std::vector<SourcedAnswer>& answers, RawEntry raw) const {
  if (answers.size() != m_databases.size()) {
    answers.clear();
    answers.reserve(m_databases.size());
    // From nullopt, not value-initialised: that would zero the whole GeoRecord's storage first.
    for (const Database& db : m_databases) answers.emplace_back(&db.info(), std::nullopt);
  }
  for (std::size_t i = 0; i < answers.size(); ++i) {
    answers[i].source = &m_databases[i].info();
    m_databases[i].m_impl->lookup_to(ip, raw, answers[i].result);
  }
}

}  // namespace geo
