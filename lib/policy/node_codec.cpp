// The compiled form of rule packs: a small binary serialisation of policy::Node trees (kind,
// line, column, text, children; integers as LEB128 varints). compile_rules writes it at build
// time and the binary embeds it, so loading the shipped packs skips YAML parsing. Decoding checks
// every length against the remaining bytes: a damaged blob is an error, never a crash.
#include "policy/node.hpp"

#include "core/bytes.hpp"

#include <cstdint>

namespace policy {

namespace {

constexpr std::string_view k_magic = "RESIDENCY-RULES-1\n";
constexpr int k_max_depth = 200;

using core::put_text;
using core::put_varint;

void put_node(std::string& out, const Node& n) {
  out.push_back(static_cast<char>(n.kind));
  put_varint(out, static_cast<std::uint64_t>(n.line));
  put_varint(out, static_cast<std::uint64_t>(n.column));
  if (n.is_scalar()) put_text(out, n.scalar);
  if (n.is_seq() || n.is_map()) {
    put_varint(out, n.items.size());
    for (const auto& item : n.items) put_node(out, item);
  }
}

class Reader : public core::ByteReader {
 public:
  using ByteReader::ByteReader;

  bool node(Node& out, int file, int depth) {
    const std::string_view kind_byte = depth > k_max_depth ? std::string_view() : take(1);
    if (kind_byte.empty()) return bad() == 0 && false;
    const auto kind = static_cast<unsigned char>(kind_byte.front());
    if (kind > static_cast<unsigned char>(Node::Kind::map)) return bad() == 0 && false;
    out.kind = static_cast<Node::Kind>(kind);
    out.file = file;
    out.line = static_cast<int>(varint());
    out.column = static_cast<int>(varint());
    if (out.is_scalar()) out.scalar = text();
    if (out.is_seq() || out.is_map()) {
      out.items.resize(count());  // each item takes a byte at least
      for (auto& item : out.items) {
        if (!node(item, file, depth + 1)) return false;
      }
    }
    return ok();
  }
};

}  // namespace

std::string encode_files(const std::vector<ParsedFile>& files) {
  std::string out(k_magic);
  put_varint(out, files.size());
  for (const auto& f : files) {
    put_text(out, f.name);
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
    files[i].name = r.text();
    if (!r.ok() || !r.node(files[i].root, static_cast<int>(i), 0)) return damaged();
  }
  if (!r.at_end()) return damaged();
  return files;
}

}  // namespace policy
