// Progress redraws one stderr line with a carriage return; it waits 2 s before the first draw so
// short runs print nothing, and throttles redraws to 10 per second.
#include "progress.hpp"

#include <fmt/format.h>

namespace app {

void Progress::update(std::size_t done, std::size_t total) {
  if (!m_enabled || total == 0) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - m_start).count();
  if (elapsed < 2.0 || now - m_last < std::chrono::milliseconds(100)) return;
  m_last = now;
  const double rate = static_cast<double>(done) / elapsed;
  const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0;
  std::string line = fmt::format("\r  {}/{} names  {:.0f}/s  ETA {:.0f}s   ", done, total, rate, eta);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  m_drawn = true;
}

void Progress::finish() {
  if (!m_drawn) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  m_drawn = false;
}

}  // namespace app
