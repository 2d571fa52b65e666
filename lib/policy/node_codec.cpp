// The compiled form of rule packs: a small binary serialisation of policy::Node trees (kind,
// line, column, text, children; integers as LEB128 varints). compile_rules writes it at build
// time and the binary embeds it, so loading the shipped packs skips YAML parsing. Decoding checks
// every length against the remaining bytes: a damaged blob is an error, never a crash.
#include "policy/node.hpp"

#include <cstdint>

namespace policy {

namespace {

constexpr std::string_view k_magic = "RESIDENCY-RULES-1\n";
constexpr int k_max_depth = 200;

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_string(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

void put_node(std::string& out, const Node& n) {
  out.push_back(static_cast<char>(n.kind));
  put_varint(out, static_cast<std::uint64_t>(n.line));
  put_varint(out, static_cast<std::uint64_t>(n.column));
  if (n.is_scalar()) put_string(out, n.scalar);
  if (n.is_seq() || n.is_map()) {
    put_varint(out, n.items.size());
    for (const auto& item : n.items) put_node(out, item);
  }
}

class Reader {
 public:
  explicit Reader(std::string_view data) : m_data(data) {}
  bool ok() const { return m_ok; }
  bool at_end() const { return m_pos == m_data.size(); }

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (m_pos >= m_data.size()) return bad();
      const auto byte = static_cast<unsigned char>(m_data[m_pos++]);
      v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    return bad();
  }
  std::string string() {
    const std::uint64_t len = varint();
    if (!m_ok || len > m_data.size() - m_pos) {
      bad();
      return {};
    }
    std::string s(m_data.substr(m_pos, len));
    m_pos += len;
    return s;
  }
  bool node(Node& out, int file, int depth) {
    if (depth > k_max_depth || m_pos >= m_data.size()) return bad() == 0 && false;
    const auto kind = static_cast<unsigned char>(m_data[m_pos++]);
    if (kind > static_cast<unsigned char>(Node::Kind::map)) return bad() == 0 && false;
    out.kind = static_cast<Node::Kind>(kind);
    out.file = file;
    out.line = static_cast<int>(varint());
    out.column = static_cast<int>(varint());
    if (out.is_scalar()) out.scalar = string();
    if (out.is_seq() || out.is_map()) {
      const std::uint64_t count = varint();
      if (!m_ok || count > m_data.size() - m_pos) return bad() == 0 && false;
      out.items.resize(count);
      for (auto& item : out.items) {
        if (!node(item, file, depth + 1)) return false;
      }
    }
    return m_ok;
  }

 private:
  std::uint64_t bad() {
    m_ok = false;
    return 0;
  }
  std::string_view m_data;
  std::size_t m_pos = 0;
  bool m_ok = true;
};

}  // namespace

std::string encode_files(const std::vector<ParsedFile>& files) {
  std::string out(k_magic);
  put_varint(out, files.size());
  for (const auto& f : files) {
    put_string(out, f.name);
    put_node(out, f.root);
  }
  return out;
}

core::Result<std::vector<ParsedFile>> decode_files(std::string_view blob) {
  auto damaged = [] { return core::fail(core::ErrorCode::internal, "embedded rule packs are damaged; rebuild"); };
  if (blob.substr(0, k_magic.size()) != k_magic) return damaged();
  Reader r(blob.substr(k_magic.size()));
  const std::uint64_t count = r.varint();
  if (!r.ok() || count > blob.size()) return damaged();
  std::vector<ParsedFile> files(count);
  for (std::size_t i = 0; i < files.size(); ++i) {
    files[i].name = r.string();
    if (!r.ok() || !r.node(files[i].root, static_cast<int>(i), 0)) return damaged();
  }
  if (!r.at_end()) return damaged();
  return files;
}

}  // namespace policy
