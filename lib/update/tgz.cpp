// Reading a .tgz: zlib inflates the gzip stream in 64 KiB chunks (inflateInit2 with 16 +
// MAX_WBITS: gzip framing), and a small ustar parser consumes the output as it comes: 512-byte
// headers (name + ustar prefix, octal size, type), data padded to 512 bytes, PAX 'x' and GNU 'L'
// records that rename the next member, two zero blocks at the end. Sizes are bounded (1 GiB a
// member, 4 GiB in all) so a hostile archive cannot exhaust memory.
#include "update/tgz.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace update {

namespace {

constexpr std::uint64_t k_max_member = 1ull << 30;
constexpr std::uint64_t k_max_total = 4ull << 30;
constexpr std::size_t k_block = 512;

class TarReader {
 public:
  TarReader(const std::set<std::string>& wanted, std::map<std::string, std::string>& out)
      : m_wanted(wanted), m_out(out) {}

  // Consume `n` bytes of the tar stream; false with error() set on a malformed archive.
  bool feed(const char* data, std::size_t n) {
    while (n > 0 && !m_done) {
      if (m_remaining == 0 && m_padding == 0) {
        const std::size_t take = std::min(n, k_block - m_header.size());
        m_header.append(data, take);
        data += take, n -= take;
        if (m_header.size() == k_block && !start_member()) return false;
        continue;
      }
      if (m_remaining > 0) {
        const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(n, m_remaining));
        if (m_target != nullptr) m_target->append(data, take);
        data += take, n -= take, m_remaining -= take;
        if (m_remaining == 0) end_data();
        continue;
      }
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(n, m_padding));
      data += take, n -= take, m_padding -= take;
    }
    return true;
  }
  const std::string& error() const { return m_error; }

 private:
  static std::string field(const std::string& block, std::size_t offset, std::size_t size) {
    std::string s = block.substr(offset, size);
    return s.substr(0, s.find('\0'));
  }

  bool start_member() {
    const std::string block = std::move(m_header);
    m_header.clear();
    if (std::all_of(block.begin(), block.end(), [](char c) { return c == '\0'; })) {
      m_done = true;  // end of archive
      return true;
    }
    std::uint64_t size = 0;
    for (char c : field(block, 124, 12)) {
      if (c == ' ') continue;
      if (c < '0' || c > '7') return fail("a member's size is not an octal number");
      size = size * 8 + static_cast<std::uint64_t>(c - '0');
      if (size > k_max_member) return fail("a member is larger than 1 GiB");
    }
    m_total += size;
    if (m_total > k_max_total) return fail("the archive unpacks to more than 4 GiB");
    std::string name = field(block, 0, 100);
    if (field(block, 257, 5) == "ustar") {
      if (std::string prefix = field(block, 345, 155); !prefix.empty()) name = prefix + "/" + name;
    }
    if (!m_next_name.empty()) name = std::exchange(m_next_name, {});
    const char type = block[156];
    m_meta.clear();
    m_target = nullptr;
    if (type == 'x' || type == 'L') {
      m_meta_type = type;
      m_target = &m_meta;
    } else if ((type == '0' || type == '\0') && m_wanted.contains(name)) {
      m_target = &m_out[name];
      m_target->reserve(static_cast<std::size_t>(size));
    }
    m_remaining = size;
    m_padding = (k_block - size % k_block) % k_block;
    if (m_remaining == 0) end_data();
    return true;
  }

  // A PAX record ("len path=NAME\n") or GNU long name renames the next member.
  void end_data() {
    if (m_target != &m_meta) return;
    if (m_meta_type == 'L') {
      m_next_name = m_meta.substr(0, m_meta.find('\0'));
    } else if (auto at = m_meta.find(" path="); at != std::string::npos) {
      const auto end = m_meta.find('\n', at);
      m_next_name = m_meta.substr(at + 6, end == std::string::npos ? std::string::npos : end - at - 6);
    }
    m_target = nullptr;
  }

  bool fail(std::string what) {
    m_error = std::move(what);
    return false;
  }

  const std::set<std::string>& m_wanted;
  std::map<std::string, std::string>& m_out;
  std::string m_header, m_meta, m_next_name, m_error;
  char m_meta_type = 0;
  std::string* m_target = nullptr;
  std::uint64_t m_remaining = 0, m_padding = 0, m_total = 0;
  bool m_done = false;
};

}  // namespace

core::Result<std::map<std::string, std::string>> read_tgz_members(std::string_view bytes,
                                                                  const std::set<std::string>& wanted,
                                                                  const std::string& source) {
  std::map<std::string, std::string> out;
  TarReader tar(wanted, out);
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
    return core::fail(core::ErrorCode::internal, "zlib failed to start", source);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(std::min<std::size_t>(bytes.size(), 0xFFFFFFFFu));
  std::array<char, 65536> chunk{};
  int status = Z_OK;
  while (status == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(chunk.data());
    z.avail_out = chunk.size();
    status = inflate(&z, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) break;
    if (!tar.feed(chunk.data(), chunk.size() - z.avail_out)) {
      inflateEnd(&z);
      return core::fail(core::ErrorCode::data, "not a valid tar archive: " + tar.error(), source);
    }
  }
  inflateEnd(&z);
  if (status != Z_STREAM_END) {
    return core::fail(core::ErrorCode::data, fmt::format("not a valid gzip file ({})", z.msg ? z.msg : "truncated"),
                      source);
  }
  for (const auto& name : wanted) {
    if (!out.contains(name))
      return core::fail(core::ErrorCode::data, fmt::format("the package has no '{}'", name), source);
  }
  return out;
}

}  // namespace update
