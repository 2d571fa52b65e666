// Checked DNS message reader. A Cursor owns the only access to the bytes: every read checks the
// remaining length and fails instead of reading past the end. Names are decoded with RFC 1035
// compression; pointers must point strictly backwards (so no loop is possible) and at most
// k_max_pointers are followed. Labels that hold dots or non-printable bytes are escaped as \DDD.
#include "probe/dns_wire.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

namespace probe::wire {

namespace {

constexpr int k_max_pointers = 64;
constexpr std::size_t k_max_name = 255;
constexpr std::size_t k_header_size = 12;
constexpr std::uint16_t k_class_in = 1;

class Cursor {
 public:
  explicit Cursor(std::span<const std::uint8_t> bytes) : m_bytes(bytes) {}

  std::size_t offset() const { return m_pos; }
  bool skip(std::size_t n) {
    if (n > m_bytes.size() - m_pos) return false;
    m_pos += n;
    return true;
  }
  bool u8(std::uint8_t& out) {
    if (m_pos >= m_bytes.size()) return false;
    out = m_bytes[m_pos++];
    return true;
  }
  bool u16(std::uint16_t& out) {
    if (m_bytes.size() - m_pos < 2) return false;
    out = static_cast<std::uint16_t>(m_bytes[m_pos] << 8 | m_bytes[m_pos + 1]);
    m_pos += 2;
    return true;
  }
  bool u32(std::uint32_t& out) {
    std::uint16_t hi = 0;
    std::uint16_t lo = 0;
    if (!u16(hi) || !u16(lo)) return false;
    out = static_cast<std::uint32_t>(hi) << 16 | lo;
    return true;
  }
  bool bytes(std::uint8_t* out, std::size_t n) {
    if (n > m_bytes.size() - m_pos) return false;
    for (std::size_t i = 0; i < n; ++i) out[i] = m_bytes[m_pos + i];
    m_pos += n;
    return true;
  }
  // Read a possibly compressed name at the cursor; the cursor moves past its in-place part.
  bool name(std::string& out);

 private:
  std::span<const std::uint8_t> m_bytes;
  std::size_t m_pos = 0;
};

void append_label(std::string& out, std::span<const std::uint8_t> label) {
  if (!out.empty()) out += '.';
  for (std::uint8_t c : label) {
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else if (c > 0x20 && c < 0x7f && c != '.' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\{:03d}", c);
    }
  }
}

bool Cursor::name(std::string& out) {
  out.clear();
  std::size_t pos = m_pos;
  std::size_t wire_length = 0;
  int pointers = 0;
  bool jumped = false;
  while (true) {
    if (pos >= m_bytes.size()) return false;
    const std::uint8_t len = m_bytes[pos];
    if ((len & 0xc0) == 0xc0) {
      if (pos + 1 >= m_bytes.size() || ++pointers > k_max_pointers) return false;
      const std::size_t target = static_cast<std::size_t>(len & 0x3f) << 8 | m_bytes[pos + 1];
      if (target >= pos) return false;  // only backwards: rules out loops
      if (!jumped) m_pos = pos + 2;
      jumped = true;
      pos = target;
      continue;
    }
    if ((len & 0xc0) != 0) return false;  // 0x40 and 0x80 label types are not supported
    if (len == 0) break;
    wire_length += len + 1u;
    if (wire_length > k_max_name || len > m_bytes.size() - pos - 1) return false;
    append_label(out, m_bytes.subspan(pos + 1, len));
    pos += len + 1u;
  }
  if (!jumped) m_pos = pos + 1;
  return true;
}

// Read the type-specific data of `record` from `rdata_length` bytes at the cursor.
bool read_rdata(Cursor& c, Record& record, std::uint16_t rdata_length) {
  const std::size_t end = c.offset() + rdata_length;
  switch (record.type) {
    case k_type_a:
      if (rdata_length != 4) return false;
      record.ip.family = core::IpFamily::v4;
      return c.bytes(record.ip.bytes.data(), 4);
    case k_type_aaaa:
      if (rdata_length != 16) return false;
      record.ip.family = core::IpFamily::v6;
      return c.bytes(record.ip.bytes.data(), 16);
    case k_type_mx:
      if (!c.u16(record.preference)) return false;
      [[fallthrough]];
    case k_type_cname:
    case k_type_ns:
    case k_type_ptr:
    case k_type_soa:
      if (!c.name(record.target) || c.offset() > end) return false;
      return c.skip(end - c.offset());
    default:
      return c.skip(rdata_length);
  }
}

// Read `count` records into `out` (when not null), keeping class IN records of known types.
bool read_section(Cursor& c, std::uint16_t count, std::vector<Record>* out) {
  for (std::uint16_t i = 0; i < count; ++i) {
    Record record;
    std::uint16_t klass = 0;
    std::uint16_t rdata_length = 0;
    if (!c.name(record.owner) || !c.u16(record.type) || !c.u16(klass) || !c.u32(record.ttl) ||
        !c.u16(rdata_length)) {
      return false;
    }
    if (klass != k_class_in) {
      if (!c.skip(rdata_length)) return false;
      continue;
    }
    if (!read_rdata(c, record, rdata_length)) return false;
    if (record.ttl > 0x7fffffffu) record.ttl = 0;  // RFC 2181 §8
    if (out != nullptr) out->push_back(std::move(record));
  }
  return true;
}

}  // namespace

core::Result<Message> parse_message(std::span<const std::uint8_t> bytes) {
  Cursor c(bytes);
  std::uint16_t id = 0, flags = 0, qd = 0, an = 0, ns = 0, ar = 0;
  if (bytes.size() < k_header_size || !c.u16(id) || !c.u16(flags) || !c.u16(qd) || !c.u16(an) ||
      !c.u16(ns) || !c.u16(ar)) {
    return core::fail(core::ErrorCode::data, "DNS answer shorter than its header");
  }
  Message msg;
  msg.rcode = flags & 0x0f;
  msg.truncated = (flags & 0x0200) != 0;
  for (std::uint16_t i = 0; i < qd; ++i) {
    std::string ignored;
    if (!c.name(ignored) || !c.skip(4)) return core::fail(core::ErrorCode::data, "malformed DNS question");
  }
  if (!read_section(c, an, &msg.answers) || !read_section(c, ns, &msg.authority)) {
    return core::fail(core::ErrorCode::data,
                      fmt::format("malformed DNS answer at byte {} of {}", c.offset(), bytes.size()));
  }
  return msg;
}

std::string reverse_name(const core::IpAddress& ip) {
  std::string out;
  if (ip.family == core::IpFamily::v4) {
    return fmt::format("{}.{}.{}.{}.in-addr.arpa", ip.bytes[3], ip.bytes[2], ip.bytes[1], ip.bytes[0]);
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  out.reserve(72);
  for (std::size_t i = 16; i-- > 0;) {
    out += k_hex[ip.bytes[i] & 0x0f];
    out += '.';
    out += k_hex[ip.bytes[i] >> 4];
    out += '.';
  }
  return out + "ip6.arpa";
}

std::string normalise_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return core::to_lower(name);
}

}  // namespace probe::wire
