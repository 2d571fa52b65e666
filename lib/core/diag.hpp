// core::Diag: every message that is not the report goes to stderr through here.
#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace core {

enum class Level { debug, info, note, warning, error };

// Thread-safe sink for diagnostics: levels, verbosity, colour only on a TTY (and never with
// NO_COLOR), whole lines written under a mutex. Tests capture messages with `capture()`.
class Diag {
 public:
  struct Message {
    Level level;
    std::string text;
  };

  explicit Diag(std::FILE* out = stderr);

  // Minimum level printed (default: note; -v gives info, -vv debug; -q gives warning).
  void set_min_level(Level level) { m_min = level; }
  Level min_level() const { return m_min; }
  // Keep messages in memory instead of printing them (for tests).
  void capture() { m_capture = true; }
  const std::vector<Message>& captured() const { return m_messages; }

  void emit(Level level, std::string_view text);
  template <typename... Args>
  void error(fmt::format_string<Args...> f, Args&&... args) {
    emit(Level::error, fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void warning(fmt::format_string<Args...> f, Args&&... args) {
    emit(Level::warning, fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void note(fmt::format_string<Args...> f, Args&&... args) {
    emit(Level::note, fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void info(fmt::format_string<Args...> f, Args&&... args) {
    emit(Level::info, fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void debug(fmt::format_string<Args...> f, Args&&... args) {
    emit(Level::debug, fmt::format(f, std::forward<Args>(args)...));
  }

  // Number of errors and warnings emitted so far (counted even when not printed).
  int error_count() const { return m_errors; }
  int warning_count() const { return m_warnings; }
  // Whether stderr is a terminal (progress displays use it).
  bool is_tty() const { return m_tty; }

 private:
  std::FILE* m_out;
  Level m_min = Level::note;
  bool m_tty = false;
  bool m_colour = false;
  bool m_capture = false;
  int m_errors = 0;
  int m_warnings = 0;
  std::vector<Message> m_messages;
  std::mutex m_mutex;
};

}  // namespace core
