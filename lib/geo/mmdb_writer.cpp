// The MaxMind DB 2.0 writer. insert() encodes each record once (canonical bytes, no pointers)
// and interns it, so a prefix costs one small Entry. serialize() sorts the entries least
// specific first (then by insertion order), inserts them into a flat vector of two-record nodes
// (a data leaf met on the way down is split into a node whose two children inherit it), aliases
// ::ffff:0:0/96 to the IPv4 subtree ::/96, writes each referenced record once into the data
// section (repeated strings such as map keys become pointers), picks the smallest record size
// that fits, and appends the metadata map. Format reference: MaxMind DB File Format Spec 2.0.
#include "geo/mmdb_writer.hpp"

#include "core/atomic_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>
#include <ctime>
#include <set>

namespace geo {

// ---------------------------------------------------------------------------------------------
// Data-section encoding

namespace {

// MaxMind DB type numbers (spec §"Output Data Section").
enum DataType : int {
  k_pointer = 1, k_utf8 = 2, k_double = 3, k_uint16 = 5, k_uint32 = 6, k_map = 7,
  k_int32 = 8, k_uint64 = 9, k_array = 11, k_bool = 14,
};

constexpr std::size_t k_max_payload = 65821 + 0xFFFFFF;  // largest size a control byte encodes
constexpr std::string_view k_metadata_marker = "\xAB\xCD\xEFMaxMind.com";

void put_be(std::string& out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

int min_bytes(std::uint64_t value) {
  int n = 0;
  while (value != 0) {
    ++n;
    value >>= 8;
  }
  return n;
}

// Control byte(s): 3 type bits (0 = extended, type-7 in the next byte) and a 5-bit size that
// escapes to 1, 2 or 3 extra bytes for larger sizes.
void put_control(std::string& out, int type, std::size_t size) {
  const auto first = static_cast<std::uint8_t>(type <= 7 ? type << 5 : 0);
  auto with_size = [&](int code) { out.push_back(static_cast<char>(first | code)); };
  if (size < 29) with_size(static_cast<int>(size));
  else if (size < 285) with_size(29);
  else if (size < 65821) with_size(30);
  else with_size(31);
  if (type > 7) out.push_back(static_cast<char>(type - 7));
  if (size >= 65821) put_be(out, size - 65821, 3);
  else if (size >= 285) put_be(out, size - 285, 2);
  else if (size >= 29) put_be(out, size - 29, 1);
}

// Pointer to `offset` in the data section, in its shortest form.
void put_pointer(std::string& out, std::uint64_t offset) {
  if (offset < 2048) {
    out.push_back(static_cast<char>(0x20 | (offset >> 8)));
    put_be(out, offset, 1);
  } else if (offset < 526336) {
    const auto v = offset - 2048;
    out.push_back(static_cast<char>(0x28 | (v >> 16)));
    put_be(out, v, 2);
  } else if (offset < 134744064) {
    const auto v = offset - 526336;
    out.push_back(static_cast<char>(0x30 | (v >> 24)));
    put_be(out, v, 3);
  } else {
    out.push_back(static_cast<char>(0x38));
    put_be(out, offset, 4);
  }
}

int pointer_size(std::uint64_t offset) {
  return offset < 2048 ? 2 : offset < 526336 ? 3 : offset < 134744064 ? 4 : 5;
}

// Encodes values; with a string cache, a string seen before becomes a pointer to its first copy.
class Encoder {
 public:
  explicit Encoder(std::string& out, bool use_pointers) : m_out(out), m_use_pointers(use_pointers) {}

  // Append `v`; return false (and set error()) when it cannot be encoded.
  bool encode(const MmdbValue& v) {
    using T = MmdbValue::Type;
    switch (v.type()) {
      case T::string: return encode_string(v.as_string());
      case T::uint16: return put_uint(k_uint16, v.as_uint());
      case T::uint32: return put_uint(k_uint32, v.as_uint());
      case T::uint64: return put_uint(k_uint64, v.as_uint());
      case T::int32: return encode_int32(v.as_int32());
      case T::boolean: put_control(m_out, k_bool, v.as_bool() ? 1 : 0); return true;
      case T::real:
        put_control(m_out, k_double, 8);
        put_be(m_out, std::bit_cast<std::uint64_t>(v.as_real()), 8);
        return true;
      case T::array: return encode_array(v.items());
      case T::map: return encode_map(v.entries());
    }
    return false;
  }
  const std::string& error() const { return m_error; }

 private:
  bool too_big(std::size_t size, const char* what) {
    if (size <= k_max_payload) return false;
    m_error = fmt::format("{} of {} too large for the MaxMind DB format", what, size);
    return true;
  }
  bool put_uint(int type, std::uint64_t value) {
    const int n = min_bytes(value);
    put_control(m_out, type, static_cast<std::size_t>(n));
    put_be(m_out, value, n);
    return true;
  }
  bool encode_int32(std::int32_t value) {
    // Readers sign-extend only a full 4-byte int32, so negative values take 4 bytes.
    const auto bits = static_cast<std::uint32_t>(value);
    const int n = value < 0 ? 4 : min_bytes(bits);
    put_control(m_out, k_int32, static_cast<std::size_t>(n));
    put_be(m_out, bits, n);
    return true;
  }
  bool encode_string(const std::string& s) {
    if (too_big(s.size(), "string")) return false;
    if (m_use_pointers) {
      // A pointer to an earlier copy, when it is shorter than the string itself.
      const std::size_t encoded = s.size() + (s.size() < 29 ? 1 : s.size() < 285 ? 2 : s.size() < 65821 ? 3 : 4);
      auto it = m_strings.find(s);
      if (it != m_strings.end() && static_cast<std::size_t>(pointer_size(it->second)) < encoded) {
        put_pointer(m_out, it->second);
        return true;
      }
      if (it == m_strings.end()) m_strings.emplace(s, m_out.size());
    }
    put_control(m_out, k_utf8, s.size());
    m_out.append(s);
    return true;
  }
  bool encode_array(const std::vector<MmdbValue>& items) {
    if (too_big(items.size(), "array")) return false;
    put_control(m_out, k_array, items.size());
    return std::all_of(items.begin(), items.end(), [&](const MmdbValue& i) { return encode(i); });
  }
  bool encode_map(const std::vector<MmdbValue::Entry>& entries) {
    if (too_big(entries.size(), "map")) return false;
    put_control(m_out, k_map, entries.size());
    for (const auto& [key, value] : entries) {
      if (!encode_string(key) || !encode(value)) return false;
    }
    return true;
  }

  std::string& m_out;
  bool m_use_pointers;
  std::unordered_map<std::string, std::uint64_t> m_strings;
  std::string m_error;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Search tree

namespace {

// A record in memory: 0 = empty (the root is never a child), k_data_flag|id = a data record,
// anything else = the index of a node.
constexpr std::uint32_t k_empty = 0;
constexpr std::uint32_t k_data_flag = 0x80000000u;

bool is_node(std::uint32_t r) { return r != k_empty && (r & k_data_flag) == 0; }

class Tree {
 public:
  Tree() { m_nodes.push_back({k_empty, k_empty}); }

  // Return the record slot for the prefix (`key`, `length` >= 1), creating the nodes on the way
  // and splitting any data leaf met so that the addresses it covered keep their record.
  core::Result<std::uint32_t*> slot(const std::array<std::uint8_t, 16>& key, int length) {
    std::uint32_t node = 0;
    for (int depth = 0; depth + 1 < length; ++depth) {
      const int b = bit(key, depth);
      const std::uint32_t r = m_nodes[node][b];
      if (is_node(r)) {
        node = r;
        continue;
      }
      if (m_nodes.size() >= k_data_flag) return core::fail(core::ErrorCode::data, "search tree too large");
      const auto fresh = static_cast<std::uint32_t>(m_nodes.size());
      m_nodes.push_back({r, r});
      m_nodes[node][b] = fresh;
      node = fresh;
    }
    return &m_nodes[node][bit(key, length - 1)];
  }

  const std::vector<std::array<std::uint32_t, 2>>& nodes() const { return m_nodes; }
  std::vector<std::array<std::uint32_t, 2>>& nodes() { return m_nodes; }

 private:
  static int bit(const std::array<std::uint8_t, 16>& key, int i) {
    return (key[static_cast<std::size_t>(i / 8)] >> (7 - i % 8)) & 1;
  }
  std::vector<std::array<std::uint32_t, 2>> m_nodes;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// MmdbWriter

MmdbWriter::MmdbWriter(WriterOptions options) : m_options(std::move(options)) {}

RecordId MmdbWriter::add_record(const MmdbValue& value) {
  std::string bytes;
  Encoder encoder(bytes, false);
  if (!encoder.encode(value)) {
    m_errors.push_back(fmt::format("record {}: {}", m_values.size(), encoder.error()));
  }
  auto [it, inserted] = m_index.emplace(std::move(bytes), static_cast<RecordId>(m_values.size()));
  if (inserted) m_values.push_back(value);
  return it->second;
}

void MmdbWriter::insert(const core::Prefix& prefix, const MmdbValue& value) {
  insert(prefix, add_record(value));
}

void MmdbWriter::insert(const core::Prefix& prefix, RecordId record) {
  detail::TreeEntry e;
  e.record = record;
  e.sequence = static_cast<std::uint32_t>(m_entries.size());
  const core::IpAddress& a = prefix.address;
  const bool mapped = a.family == core::IpFamily::v6 && prefix.length >= 96 && a.is_v4_mapped();
  if (a.family == core::IpFamily::v4 || mapped) {
    const int v4_length = mapped ? prefix.length - 96 : prefix.length;
    const std::size_t from = mapped ? 12 : 0;
    const std::size_t to = m_options.ip_version == 4 ? 0 : 12;  // IPv4 lives under ::/96
    std::memcpy(&e.key[to], &a.bytes[from], 4);
    e.length = static_cast<std::uint8_t>(v4_length + (m_options.ip_version == 4 ? 0 : 96));
  } else if (m_options.ip_version == 4) {
    m_errors.push_back(fmt::format("IPv6 prefix {} in an IPv4 database", core::format_prefix(prefix)));
    return;
  } else {
    e.key = a.bytes;
    e.length = static_cast<std::uint8_t>(prefix.length);
  }
  m_entries.push_back(e);
}

namespace {

using detail::TreeEntry;

// Insert `entries` least specific first, equal prefixes in insertion order (the last one wins).
// Sorts `entries` in place; returns the number of distinct prefixes.
core::Result<std::size_t> fill_tree(Tree& tree, std::vector<TreeEntry>& entries) {
  std::sort(entries.begin(), entries.end(), [](const TreeEntry& a, const TreeEntry& b) {
    if (a.length != b.length) return a.length < b.length;
    if (const int c = std::memcmp(a.key.data(), b.key.data(), a.key.size()); c != 0) return c < 0;
    return a.sequence < b.sequence;
  });
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const TreeEntry& e = entries[i];
    if (i == 0 || e.length != entries[i - 1].length || e.key != entries[i - 1].key) ++distinct;
    const std::uint32_t data = k_data_flag | e.record;
    if (e.length == 0) {  // the whole address space: both halves
      tree.nodes()[0] = {data, data};
      continue;
    }
    auto slot = tree.slot(e.key, e.length);
    if (!slot) return std::unexpected(slot.error());
    assert(!is_node(**slot));  // least specific first: nothing below this prefix yet
    **slot = data;
  }
  return distinct;
}

// Point ::ffff:0:0/96 at whatever ::/96 (the IPv4 subtree) holds, as MaxMind's databases do.
core::Result<void> alias_ipv4_mapped(Tree& tree) {
  std::array<std::uint8_t, 16> v4{};
  auto v4_slot = tree.slot(v4, 96);
  if (!v4_slot) return std::unexpected(v4_slot.error());
  const std::uint32_t target = **v4_slot;  // read before slot() below may grow the vector
  std::array<std::uint8_t, 16> mapped{};
  mapped[10] = 0xFF;
  mapped[11] = 0xFF;
  auto mapped_slot = tree.slot(mapped, 96);
  if (!mapped_slot) return std::unexpected(mapped_slot.error());
  **mapped_slot = target;
  return {};
}

struct DataSection {
  std::string bytes;
  std::vector<std::uint32_t> offsets;  // by RecordId; only referenced records are written
  std::size_t records = 0;
};

// Write every record the tree references, once, in RecordId order.
core::Result<DataSection> write_data(const Tree& tree, const std::vector<MmdbValue>& values) {
  std::vector<bool> used(values.size(), false);
  for (const auto& node : tree.nodes()) {
    for (std::uint32_t r : node) {
      if (r != k_empty && (r & k_data_flag) != 0) used[r & ~k_data_flag] = true;
    }
  }
  DataSection data;
  data.offsets.assign(values.size(), 0);
  Encoder encoder(data.bytes, true);
  for (std::size_t id = 0; id < values.size(); ++id) {
    if (!used[id]) continue;
    if (data.bytes.size() > 0xFFFFFFFFu) return core::fail(core::ErrorCode::data, "data section too large");
    data.offsets[id] = static_cast<std::uint32_t>(data.bytes.size());
    if (!encoder.encode(values[id])) return core::fail(core::ErrorCode::data, encoder.error());
    ++data.records;
  }
  return data;
}

// The smallest record size whose largest value (node_count + 16 + data size) fits, or the one
// the options force.
core::Result<int> choose_record_size(std::uint64_t node_count, std::uint64_t data_size, int forced) {
  const std::uint64_t largest = node_count + 16 + data_size;
  for (int bits : {24, 28, 32}) {
    if (forced != 0 && bits != forced) continue;
    if (largest < (std::uint64_t{1} << bits)) return bits;
  }
  if (forced != 0) {
    return core::fail(core::ErrorCode::data,
                      fmt::format("record size {} too small for {} nodes and {} bytes of data", forced,
                                  node_count, data_size));
  }
  return core::fail(core::ErrorCode::data, "database too large for 32-bit records");
}

// Append one node's two records of `bits` bits each (the 28-bit layout shares a middle byte).
void put_node(std::string& out, std::uint64_t left, std::uint64_t right, int bits) {
  if (bits == 24) {
    put_be(out, left, 3);
    put_be(out, right, 3);
  } else if (bits == 28) {
    put_be(out, left & 0xFFFFFF, 3);
    out.push_back(static_cast<char>(((left >> 20) & 0xF0) | ((right >> 24) & 0x0F)));
    put_be(out, right & 0xFFFFFF, 3);
  } else {
    put_be(out, left, 4);
    put_be(out, right, 4);
  }
}

void write_tree(std::string& out, const Tree& tree, const DataSection& data, int bits) {
  const std::uint64_t node_count = tree.nodes().size();
  auto value_of = [&](std::uint32_t r) -> std::uint64_t {
    if (r == k_empty) return node_count;
    if ((r & k_data_flag) != 0) return node_count + 16 + data.offsets[r & ~k_data_flag];
    return r;
  };
  for (const auto& node : tree.nodes()) put_node(out, value_of(node[0]), value_of(node[1]), bits);
}

MmdbValue metadata(const WriterOptions& o, std::uint64_t node_count, int record_size) {
  const std::uint64_t build_epoch =
      o.build_epoch != 0 ? o.build_epoch : static_cast<std::uint64_t>(std::time(nullptr));
  std::vector<MmdbValue> languages;
  for (const auto& l : o.languages) languages.push_back(MmdbValue::string(l));
  std::vector<MmdbValue::Entry> description;
  for (const auto& [lang, text] : o.description) description.emplace_back(lang, MmdbValue::string(text));
  std::vector<MmdbValue::Entry> entries = {
      {"binary_format_major_version", MmdbValue::uint16(2)},
      {"binary_format_minor_version", MmdbValue::uint16(0)},
      {"build_epoch", MmdbValue::uint64(build_epoch)},
      {"database_type", MmdbValue::string(o.database_type)},
      {"description", MmdbValue::map(std::move(description))},
      {"ip_version", MmdbValue::uint16(static_cast<std::uint16_t>(o.ip_version))},
      {"languages", MmdbValue::array(std::move(languages))},
      {"node_count", MmdbValue::uint32(static_cast<std::uint32_t>(node_count))},
      {"record_size", MmdbValue::uint16(static_cast<std::uint16_t>(record_size))},
  };
  entries.insert(entries.end(), o.extra_metadata.begin(), o.extra_metadata.end());
  return MmdbValue::map(std::move(entries));
}

// A metadata key of extra_metadata that the format itself defines, or nullptr.
const std::string* reserved_metadata_key(const WriterOptions& o) {
  static const std::set<std::string, std::less<>> k_reserved = {"binary_format_major_version",
                                                                "binary_format_minor_version",
                                                                "build_epoch",
                                                                "database_type",
                                                                "description",
                                                                "ip_version",
                                                                "languages",
                                                                "node_count",
                                                                "record_size"};
  for (const auto& [key, value] : o.extra_metadata) {
    if (k_reserved.contains(key)) return &key;
  }
  return nullptr;
}

}  // namespace

core::Result<std::string> MmdbWriter::serialize() {
  if (!m_errors.empty()) {
    std::string all = m_errors.front();
    if (m_errors.size() > 1) all += fmt::format(" (and {} more problems)", m_errors.size() - 1);
    return core::fail(core::ErrorCode::data, all);
  }
  if (m_options.ip_version != 4 && m_options.ip_version != 6) {
    return core::fail(core::ErrorCode::usage, fmt::format("ip_version must be 4 or 6, not {}", m_options.ip_version));
  }
  if (const std::string* key = reserved_metadata_key(m_options)) {
    return core::fail(core::ErrorCode::usage, fmt::format("extra metadata key '{}' is defined by the format", *key));
  }
  const int forced = m_options.record_size;
  if (forced != 0 && forced != 24 && forced != 28 && forced != 32) {
    return core::fail(core::ErrorCode::usage, fmt::format("record size must be 24, 28 or 32, not {}", forced));
  }
  Tree tree;
  auto distinct = fill_tree(tree, m_entries);
  if (!distinct) return std::unexpected(distinct.error());
  if (m_options.ip_version == 6) {
    if (auto aliased = alias_ipv4_mapped(tree); !aliased) return std::unexpected(aliased.error());
  }
  auto data = write_data(tree, m_values);
  if (!data) return std::unexpected(data.error());
  const std::uint64_t node_count = tree.nodes().size();
  auto bits = choose_record_size(node_count, data->bytes.size(), forced);
  if (!bits) return std::unexpected(bits.error());

  std::string out;
  out.reserve(node_count * static_cast<std::uint64_t>(*bits) / 4 + 16 + data->bytes.size() + 512);
  write_tree(out, tree, *data, *bits);
  out.append(16, '\0');
  out += data->bytes;
  out += k_metadata_marker;
  Encoder meta(out, false);
  if (!meta.encode(metadata(m_options, node_count, *bits))) return core::fail(core::ErrorCode::data, meta.error());

  m_stats = WriterStats{*distinct, data->records, static_cast<std::uint32_t>(node_count), *bits,
                        data->bytes.size(), out.size()};
  return out;
}

core::Result<std::string> restamp_metadata(std::string_view database, const MetadataFields& fields,
                                           const std::vector<MmdbValue::Entry>& extra) {
  const auto marker = database.rfind(k_metadata_marker);
  if (marker == std::string_view::npos) {
    return core::fail(core::ErrorCode::data, "not a MaxMind DB file (metadata marker not found)");
  }
  WriterOptions o;
  o.database_type = fields.database_type;
  o.description = fields.description;
  o.languages = fields.languages;
  o.ip_version = fields.ip_version;
  o.build_epoch = fields.build_epoch;
  o.extra_metadata = extra;
  if (const std::string* key = reserved_metadata_key(o)) {
    return core::fail(core::ErrorCode::usage, fmt::format("extra metadata key '{}' is defined by the format", *key));
  }
  std::string out(database.substr(0, marker));
  out += k_metadata_marker;
  Encoder meta(out, false);
  if (!meta.encode(metadata(o, fields.node_count, fields.record_size))) {
    return core::fail(core::ErrorCode::data, meta.error());
  }
  return out;
}

core::Result<void> MmdbWriter::write(const std::filesystem::path& path) {
  auto bytes = serialize();
  if (!bytes) return std::unexpected(bytes.error());
  return core::write_file_atomic(path, *bytes);
}

}  // namespace geo
