// core::write_file_atomic and core::OutputBatch: reports and databases are never left
// half-written, never clobber an input, and never turn /dev/null or a FIFO into a regular file.
#pragma once

#include "core/error.hpp"

#include <sys/types.h>

#include <cstdint>

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace core {

// What an output path names once its symlinks are followed.
enum class OutputKind {
  regular,  // a regular file, or a file still to be created: written through a temporary + rename
  special,  // a character device, FIFO or socket (/dev/null, /dev/stdout, a pipe): streamed
};

struct OutputPath {
  std::filesystem::path requested;  // as the user gave it
  std::filesystem::path target;     // every symlink followed; the file actually written
  OutputKind kind = OutputKind::regular;
  bool exists = false;
  bool has_identity = false;  // dev/ino below are valid (the target exists)
  dev_t dev = 0;
  ino_t ino = 0;
};

// Check, before any work, that `path` can be written: not a folder, its folder exists and is
// writable (a regular file's temporary goes there). `what` names the option in messages.
Result<OutputPath> check_output_path(const std::filesystem::path& path, std::string_view what);

// Refuse an output that is one of `inputs` (compared by device and inode, so links and other
// spellings of the same file are caught). Missing inputs and "-" are ignored.
Result<void> refuse_input_overwrite(const OutputPath& output, const std::vector<std::filesystem::path>& inputs,
                                    std::string_view what);

// Files written together. stage() writes each regular file to a temporary beside its target
// and keeps special files' content; commit() streams the special files, then renames every
// temporary into place, so either all regular files are replaced or none is: SIGINT and SIGTERM
// are held back while the renames run, and a failed rename restores the files already replaced
// (where the file system allows a hard link of the old file). Temporaries left by a failure or
// an uncommitted batch are removed, also on SIGINT and SIGTERM.
class OutputBatch {
 public:
  OutputBatch() = default;
  OutputBatch(const OutputBatch&) = delete;
  OutputBatch& operator=(const OutputBatch&) = delete;
  ~OutputBatch();

  Result<void> stage(const OutputPath& output, std::string_view content);
  // Stage what `write` writes: straight to the temporary file (a 100,000-target report is never
  // held in memory whole); to memory for a special file.
  Result<void> stage(const OutputPath& output, const std::function<void(std::ostream&)>& write);
  Result<void> commit();

 private:
  struct Staged {
    OutputPath output;
    std::string temp;     // regular: the temporary file
    std::string content;  // special: what to stream
    int slot = -1;        // signal-cleanup registration
  };
  struct Backup {
    std::string link;      // a hard link of the old file, or empty
    bool existed = false;  // the target existed when commit() began
  };
  void discard();
  // Undo the renames of the first `renamed` entries: each old file back from its backup link.
  void roll_back(const std::vector<Backup>& backups, std::size_t renamed);
  std::vector<Staged> m_staged;
};

// A scratch file for the parts of a report written before its head can be (a streamed JSON
// report's targets) or read back while it is written (core::TargetStore): anonymous (O_TMPFILE, else mkstemp + unlink
// at once), so nothing is left behind by a crash or a signal, and it lives in the report's own folder rather than in a
// /tmp that may be memory. append() buffers; the first error is kept and returned by copy_to().
class SpillFile {
 public:
  static Result<SpillFile> open(const std::filesystem::path& folder);
  SpillFile(SpillFile&& other) noexcept;
  SpillFile& operator=(SpillFile&& other) noexcept;
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;
  ~SpillFile();

  void append(std::string_view text);
  // Append what `write` adds to the end of the string it is given (the buffer itself: no copy).
  void append_with(const std::function<void(std::string&)>& write);
  std::uint64_t size() const { return m_written + m_buffer.size(); }
  // Everything appended, from the start, into `out`; an io error when a write or read failed.
  Result<void> copy_to(std::ostream& out);
  // The `size` bytes appended at `offset` (an offset size() had then), into `out`; an io error
  // when a write or the read failed. Not for use while another thread appends.
  Result<void> read_at(std::uint64_t offset, std::size_t size, std::string& out);

 private:
  explicit SpillFile(int fd) : m_fd(fd) {}
  void drain();
  int m_fd = -1;
  std::string m_buffer;
  std::uint64_t m_written = 0;
  Result<void> m_result;
};

// Write `content` to `path`: check_output_path, then a one-file OutputBatch.
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content,
                               std::string_view what = "output");

// Install SIGINT and SIGTERM handlers that remove the temporaries of unfinished writes, then
// die by the same signal (the shell sees 128 + the signal: 130, 143). Call once, from main.
void install_temp_file_cleanup();

// Read a whole file into a string.
Result<std::string> read_file(const std::filesystem::path& path);

}  // namespace core
