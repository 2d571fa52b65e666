// app::Progress: a one-line progress display on stderr (done/total, rate, ETA), shown only when
// stderr is a terminal, not silenced by -q, and the run has lasted about 2 s.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>

namespace app {

class Progress {
 public:
  explicit Progress(bool enabled) : m_enabled(enabled), m_start(std::chrono::steady_clock::now()) {}
  ~Progress() { finish(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Record that `done` of `total` items are finished; redraws at most 10 times a second.
  void update(std::size_t done, std::size_t total);
  // Clear the line (once).
  void finish();

 private:
  bool m_enabled;
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last{};
};

}  // namespace app
