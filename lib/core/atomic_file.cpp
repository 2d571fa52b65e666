// Atomic writes: mkstemp beside the target, write all, fsync, rename over the target. A reader
// sees the old file or the new one, never a torn one; on failure the temporary is removed.
#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace core {

Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    return fail(ErrorCode::io, fmt::format("cannot create a temporary file: {}", std::strerror(errno)), dir.string());
  }
  auto cleanup_fail = [&](const char* what) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmpl.c_str());
    return fail(ErrorCode::io, fmt::format("{}: {}", what, std::strerror(err)), path.string());
  };
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return cleanup_fail("cannot write");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0) return cleanup_fail("cannot set permissions");
  if (::fsync(fd) != 0) return cleanup_fail("cannot sync");
  if (::close(fd) != 0) {
    ::unlink(tmpl.c_str());
    return fail(ErrorCode::io, fmt::format("cannot close: {}", std::strerror(errno)), path.string());
  }
  if (std::rename(tmpl.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmpl.c_str());
    return fail(ErrorCode::io, fmt::format("cannot rename into place: {}", std::strerror(err)), path.string());
  }
  return {};
}

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::io, fmt::format("cannot open: {}", std::strerror(errno)), path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return fail(ErrorCode::io, "read error", path.string());
  return ss.str();
}

}  // namespace core
