// Output files. A path is first resolved (symlinks followed, so a link keeps pointing at the new
// report) and classified: regular files are written to a mkstemp temporary in the target's
// folder, given the old file's mode (or 0666 minus the umask), fsynced and renamed over the
// target, so a reader sees the old file or the new one; special files (/dev/null, a FIFO,
// /dev/stdout) are written in place, never renamed over. Temporaries are recorded in a fixed
// table that a SIGINT/SIGTERM handler can walk with async-signal-safe calls only.
#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <streambuf>
#include <utility>
#include <vector>

namespace core {

namespace {

// Signal-safe registry of temporaries: the handler reads only these fixed arrays.
constexpr int k_max_temps = 32;
std::array<std::array<char, PATH_MAX>, k_max_temps> g_temp_paths{};
std::array<volatile sig_atomic_t, k_max_temps> g_temp_used{};

// Block SIGINT and SIGTERM while a temporary is created and registered (no unrecorded window).
class SignalBlock {
 public:
  SignalBlock() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &m_old);
  }
  ~SignalBlock() { pthread_sigmask(SIG_SETMASK, &m_old, nullptr); }
  SignalBlock(const SignalBlock&) = delete;
  SignalBlock& operator=(const SignalBlock&) = delete;

 private:
  sigset_t m_old;
};

int register_temp(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  for (int i = 0; i < k_max_temps; ++i) {
    if (g_temp_used[i]) continue;
    std::memcpy(g_temp_paths[i].data(), path.c_str(), path.size() + 1);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    g_temp_used[i] = 1;
    return i;
  }
  return -1;
}

void unregister_temp(int slot) {
  if (slot >= 0) g_temp_used[slot] = 0;
}

extern "C" void remove_temps_and_die(int sig) {
  for (int i = 0; i < k_max_temps; ++i) {
    if (g_temp_used[i]) ::unlink(g_temp_paths[i].data());
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

mode_t current_umask() {
  static const mode_t mask = [] {
    const mode_t m = ::umask(022);
    ::umask(m);
    return m;
  }();
  return mask;
}

std::string errno_text(int err) { return std::strerror(err); }

// Follow every symlink of `path` (also a dangling one, whose target is then created).
Result<std::filesystem::path> follow_links(std::filesystem::path path) {
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
    std::error_code ec;
    std::filesystem::path next = std::filesystem::read_symlink(path, ec);
    if (ec) return fail(ErrorCode::io, fmt::format("cannot read the symbolic link: {}", ec.message()), path.string());
    path = next.is_absolute() ? next : path.parent_path() / next;
  }
  return fail(ErrorCode::io, "too many levels of symbolic links", path.string());
}

Result<void> write_all(int fd, std::string_view content) {
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(Error{ErrorCode::io, fmt::format("cannot write: {}", errno_text(errno)), ""});
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return {};
}

// An output stream buffer over a file descriptor: 64 KiB at a time through write_all; the first
// error is kept and every later write fails.
class FdStreambuf : public std::streambuf {
 public:
  explicit FdStreambuf(int fd) : m_fd(fd), m_buffer(64 * 1024) {
    setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
  }
  const Result<void>& result() const { return m_result; }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    if (!m_result) return false;
    const auto n = static_cast<std::size_t>(pptr() - pbase());
    if (n > 0) m_result = write_all(m_fd, std::string_view(pbase(), n));
    setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
    return m_result.has_value();
  }

  int m_fd;
  std::vector<char> m_buffer;
  Result<void> m_result;
};

Result<void> stream_special(const OutputPath& out, std::string_view content) {
  const int fd = ::open(out.target.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::io, fmt::format("cannot open: {}", errno_text(errno)), out.requested.string());
  auto ok = write_all(fd, content);
  if (::close(fd) != 0 && ok) ok = fail(ErrorCode::io, fmt::format("cannot close: {}", errno_text(errno)));
  if (!ok) return fail(ErrorCode::io, ok.error().message, out.requested.string());
  return {};
}

}  // namespace

Result<OutputPath> check_output_path(const std::filesystem::path& path, std::string_view what) {
  if (path.empty()) return fail(ErrorCode::usage, fmt::format("{}: empty path", what));
  OutputPath out;
  out.requested = path;
  out.target = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    out.exists = true;
    out.has_identity = true;
    out.dev = st.st_dev;
    out.ino = st.st_ino;
    if (S_ISDIR(st.st_mode))
      return fail(ErrorCode::usage, fmt::format("{} names a folder, expected a file", what), path.string());
    if (!S_ISREG(st.st_mode)) {  // opened by its own name: /dev/stdout's link may read "pipe:[…]"
      out.kind = OutputKind::special;
      if (::access(path.c_str(), W_OK) != 0)
        return fail(ErrorCode::io, fmt::format("{}: cannot write: {}", what, errno_text(errno)), path.string());
      return out;
    }
  } else if (errno != ENOENT) {
    return fail(ErrorCode::io, fmt::format("{}: {}", what, errno_text(errno)), path.string());
  }
  auto target = follow_links(path);
  if (!target) return std::unexpected(target.error());
  out.target = *target;
  std::filesystem::path dir = out.target.parent_path();
  if (dir.empty()) dir = ".";
  struct stat dst {};
  if (::stat(dir.c_str(), &dst) != 0 || !S_ISDIR(dst.st_mode))
    return fail(ErrorCode::io, fmt::format("{}: folder '{}' does not exist", what, dir.string()), path.string());
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    return fail(ErrorCode::io,
                fmt::format("{}: cannot write in folder '{}': {}", what, dir.string(), errno_text(errno)),
                path.string());
  return out;
}

Result<void> refuse_input_overwrite(const OutputPath& output, const std::vector<std::filesystem::path>& inputs,
                                    std::string_view what) {
  if (!output.has_identity || output.kind == OutputKind::special) return {};
  for (const auto& in : inputs) {
    struct stat st {};
    if (in == "-" || ::stat(in.c_str(), &st) != 0) continue;
    if (st.st_dev == output.dev && st.st_ino == output.ino) {
      return fail(ErrorCode::usage,
                  fmt::format("{} names an input ('{}'); refusing to overwrite it", what, in.string()),
                  output.requested.string());
    }
  }
  return {};
}

OutputBatch::~OutputBatch() { discard(); }

void OutputBatch::discard() {
  for (auto& s : m_staged) {
    if (!s.temp.empty()) ::unlink(s.temp.c_str());
    unregister_temp(s.slot);
  }
  m_staged.clear();
}

Result<void> OutputBatch::stage(const OutputPath& output, std::string_view content) {
  return stage(output,
               [&](std::ostream& out) { out.write(content.data(), static_cast<std::streamsize>(content.size())); });
}

Result<void> OutputBatch::stage(const OutputPath& output, const std::function<void(std::ostream&)>& write) {
  Staged s{output, {}, {}, -1};
  if (output.kind == OutputKind::special) {
    std::ostringstream buffer;
    write(buffer);
    if (!buffer) return fail(ErrorCode::io, "the report could not be written in full", output.requested.string());
    s.content = std::move(buffer).str();
    m_staged.push_back(std::move(s));
    return {};
  }
  std::filesystem::path dir = output.target.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmpl = (dir / ("." + output.target.filename().string() + ".tmp.XXXXXX")).string();
  int fd = -1;
  {
    SignalBlock block;
    fd = ::mkstemp(tmpl.data());
    if (fd >= 0) s.slot = register_temp(tmpl);
  }
  if (fd < 0) {
    return fail(ErrorCode::io,
                fmt::format("cannot create a temporary file in '{}': {}", dir.string(), errno_text(errno)),
                output.requested.string());
  }
  s.temp = tmpl;
  m_staged.push_back(s);  // from here discard() removes it
  struct stat st {};
  const mode_t mode =
      ::stat(output.target.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? (st.st_mode & 07777) : (0666 & ~current_umask());
  Result<void> ok;
  {
    FdStreambuf buffer(fd);
    std::ostream out(&buffer);
    write(out);
    out.flush();
    ok = buffer.result();
    // A writer that could not produce all of its report (a scratch file it copies from failed)
    // says so by failing the stream: the temporary is then discarded, never renamed into place.
    if (ok && !out) ok = fail(ErrorCode::io, "the report could not be written in full");
  }
  if (ok && ::fchmod(fd, mode) != 0)
    ok = fail(ErrorCode::io, fmt::format("cannot set permissions: {}", errno_text(errno)));
  if (ok && ::fsync(fd) != 0) ok = fail(ErrorCode::io, fmt::format("cannot sync: {}", errno_text(errno)));
  if (::close(fd) != 0 && ok) ok = fail(ErrorCode::io, fmt::format("cannot close: {}", errno_text(errno)));
  if (!ok) {
    discard();
    return fail(ErrorCode::io, ok.error().message, output.requested.string());
  }
  return {};
}

Result<void> OutputBatch::commit() {
  for (const auto& s : m_staged) {
    if (s.output.kind != OutputKind::special) continue;
    if (auto ok = stream_special(s.output, s.content); !ok) {
      discard();
      return ok;
    }
  }
  // All or none: SIGINT and SIGTERM wait until every temporary is renamed, and a failed rename
  // puts back the reports already replaced (from a hard link of each old file, made first).
  SignalBlock block;
  std::vector<Backup> backups(m_staged.size());
  for (std::size_t i = 0; i < m_staged.size(); ++i) {
    const auto& s = m_staged[i];
    if (s.temp.empty()) continue;
    const std::string link = s.temp + ".old";
    if (::link(s.output.target.c_str(), link.c_str()) == 0) {
      backups[i] = {link, true};
    } else {
      backups[i].existed = errno != ENOENT;
    }
  }
  for (std::size_t i = 0; i < m_staged.size(); ++i) {
    auto& s = m_staged[i];
    if (s.temp.empty()) continue;
    if (std::rename(s.temp.c_str(), s.output.target.c_str()) != 0) {
      const int err = errno;
      const std::string where = s.output.requested.string();  // discard() drops `s`
      roll_back(backups, i);
      discard();
      return fail(ErrorCode::io, fmt::format("cannot rename into place: {}", errno_text(err)), where);
    }
    s.temp.clear();
  }
  for (const auto& b : backups) {
    if (!b.link.empty()) ::unlink(b.link.c_str());
  }
  for (auto& s : m_staged) unregister_temp(s.slot);
  m_staged.clear();
  return {};
}

void OutputBatch::roll_back(const std::vector<Backup>& backups, std::size_t renamed) {
  for (std::size_t j = 0; j < m_staged.size(); ++j) {
    const auto& s = m_staged[j];
    const auto& b = backups[j];
    if (j < renamed && s.output.kind == OutputKind::regular) {
      if (!b.link.empty()) {
        std::rename(b.link.c_str(), s.output.target.c_str());  // the old report again
      } else if (!b.existed) {
        ::unlink(s.output.target.c_str());  // there was none before this batch
      }
    } else if (!b.link.empty()) {
      ::unlink(b.link.c_str());
    }
  }
}

Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content, std::string_view what) {
  auto out = check_output_path(path, what);
  if (!out) return std::unexpected(out.error());
  OutputBatch batch;
  if (auto ok = batch.stage(*out, content); !ok) return ok;
  return batch.commit();
}

void install_temp_file_cleanup() {
  struct sigaction sa {};
  sa.sa_handler = remove_temps_and_die;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  for (int sig : {SIGINT, SIGTERM}) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;  // keep nohup's choice
    ::sigaction(sig, &sa, nullptr);
  }
}

Result<SpillFile> SpillFile::open(const std::filesystem::path& folder) {
  const std::filesystem::path dir = folder.empty() ? std::filesystem::path(".") : folder;
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    // A file system without O_TMPFILE: a named temporary, unlinked at once.
    std::string tmpl = (dir / ".residency-spill.XXXXXX").string();
    fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(tmpl.c_str());
  }
  if (fd < 0) {
    return fail(ErrorCode::io, fmt::format("cannot create a scratch file in '{}': {}", dir.string(), errno_text(errno)),
                dir.string());
  }
  return SpillFile(fd);
}

SpillFile::SpillFile(SpillFile&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)),
      m_buffer(std::move(other.m_buffer)),
      m_written(other.m_written),
      m_result(std::move(other.m_result)) {}

SpillFile& SpillFile::operator=(SpillFile&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = std::exchange(other.m_fd, -1);
    m_buffer = std::move(other.m_buffer);
    m_written = other.m_written;
    m_result = std::move(other.m_result);
  }
  return *this;
}

SpillFile::~SpillFile() {
  if (m_fd >= 0) ::close(m_fd);
}

void SpillFile::append(std::string_view text) {
  append_with([&](std::string& buffer) { buffer += text; });
}

void SpillFile::append_with(const std::function<void(std::string&)>& write) {
  write(m_buffer);
  if (m_buffer.size() >= 1024 * 1024) drain();
}

void SpillFile::drain() {
  if (m_result && !m_buffer.empty()) m_result = write_all(m_fd, m_buffer);
  m_written += m_buffer.size();
  m_buffer.clear();
}

Result<void> SpillFile::copy_to(std::ostream& out) {
  drain();
  if (!m_result) return m_result;
  std::vector<char> chunk(1024 * 1024);
  off_t at = 0;
  for (;;) {
    const ssize_t n = ::pread(m_fd, chunk.data(), chunk.size(), at);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(ErrorCode::io, fmt::format("cannot read a scratch file back: {}", errno_text(errno)));
    }
    out.write(chunk.data(), n);
    at += n;
  }
  if (static_cast<std::uint64_t>(at) != m_written)
    return fail(ErrorCode::io, fmt::format("a scratch file holds {} bytes, not the {} written", at, m_written));
  return {};
}

Result<void> SpillFile::read_at(std::uint64_t offset, std::size_t size, std::string& out) {
  if (offset + size > this->size())
    return fail(ErrorCode::io,
                fmt::format("a scratch file holds {} bytes, not the {} read", this->size(), offset + size));
  if (offset >= m_written) {  // still in the buffer
    out.assign(m_buffer, offset - m_written, size);
    return {};
  }
  drain();
  if (!m_result) return m_result;
  out.resize(size);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(m_fd, out.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(ErrorCode::io, fmt::format("cannot read a scratch file back: {}", errno_text(errno)));
    if (n == 0) return fail(ErrorCode::io, "a scratch file ended before what was written to it");
    done += static_cast<std::size_t>(n);
  }
  return {};
}

Result<std::string> read_file(const std::filesystem::path& path) {
  // Read straight into the string, sized from fstat: a stream copy through an ostringstream
  // doubled its buffer and copied again (two copies of a 70 MB recording).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::io, fmt::format("cannot open: {}", std::strerror(errno)), path.string());
  struct stat st {};
  std::string data;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
    data.reserve(static_cast<std::size_t>(st.st_size));
  std::array<char, 65536> chunk{};
  for (;;) {
    // Into the reserved room when there is some, else through the chunk (pipes, /proc files).
    const std::size_t room = data.capacity() - data.size();
    const std::size_t used = data.size();
    ssize_t n = 0;
    int err = 0;
    if (room > 0) {
      data.resize_and_overwrite(used + room, [&](char* buf, std::size_t) {
        n = ::read(fd, buf + used, room);
        err = errno;
        return used + static_cast<std::size_t>(std::max<ssize_t>(n, 0));
      });
    } else {
      n = ::read(fd, chunk.data(), chunk.size());
      err = errno;
      if (n > 0) data.append(chunk.data(), static_cast<std::size_t>(n));
    }
    if (n == 0) break;
    if (n < 0) {
      if (err == EINTR) continue;
      ::close(fd);
      return fail(ErrorCode::io, fmt::format("read error: {}", std::strerror(err)), path.string());
    }
  }
  ::close(fd);
  return data;
}

}  // namespace core
