// Diag writes one whole line per message under a mutex, so concurrent probes never interleave
// partial lines; every message goes through core::terminal_safe. Colour is used only when the
// stream is a terminal and NO_COLOR is unset.
#include "core/diag.hpp"

#include "core/text.hpp"

#include <unistd.h>

#include <cstdlib>

namespace core {

namespace {

std::string_view label(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::note: return "note";
    case Level::warning: return "warning";
    case Level::error: return "error";
  }
  return "?";
}

std::string_view colour(Level level) {
  switch (level) {
    case Level::error: return "\033[1;31m";
    case Level::warning: return "\033[1;33m";
    case Level::note: return "\033[1;36m";
    default: return "\033[2m";
  }
}

}  // namespace

Diag::Diag(std::FILE* out) : m_out(out) {
  m_tty = out != nullptr && ::isatty(::fileno(out)) == 1;
  const char* no_colour = std::getenv("NO_COLOR");
  m_colour = m_tty && (no_colour == nullptr || *no_colour == '\0');
}

void Diag::emit(Level level, std::string_view text) {
  std::lock_guard lock(m_mutex);
  if (level == Level::error) ++m_errors;
  if (level == Level::warning) ++m_warnings;
  if (m_capture) {
    m_messages.push_back({level, std::string(text)});
    return;
  }
  if (level < m_min || m_out == nullptr) return;
  // One line per message, whatever the message holds: names from manifests, DNS answers or
  // databases cannot send escape sequences to the terminal or forge a log line.
  const std::string safe = terminal_safe(text, Newlines::escape);
  std::string line;
  if (m_colour) {
    line = fmt::format("residency: {}{}:\033[0m {}\n", colour(level), label(level), safe);
  } else {
    line = fmt::format("residency: {}: {}\n", label(level), safe);
  }
  std::fwrite(line.data(), 1, line.size(), m_out);
  std::fflush(m_out);
}

}  // namespace core
