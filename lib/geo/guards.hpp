// geo guards: the sanity checks a downloaded feed must pass before it replaces the installed one
// (data rot is the top complaint about range-based tools). A feed is refused when it fails to
// parse, is smaller than the sources file expects, shrinks by more than 30 % in distinct prefixes
// against the installed feed, holds a prefix wider than /8 (IPv4) or /20 (IPv6), or is older
// than the installed feed (by its own date, else by its serial). Pure: no files, no network.
#pragma once

#include "core/date.hpp"
#include "core/ip.hpp"
#include "geo/importers.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace geo {

enum class Guard { parse, size, shrink, wide_prefix, older };

// Return the guard's name as messages and --force warnings spell it ("shrink", "wide-prefix", …).
std::string_view to_string(Guard guard);

// What the guards look at in one feed.
struct FeedFacts {
  std::uint64_t bytes = 0;
  std::uint64_t prefixes = 0;          // distinct
  std::optional<core::Prefix> widest;  // the first prefix found wider than the limits, if any
  std::uint64_t too_wide = 0;          // how many prefixes are wider than the limits
  std::optional<core::Date> date;      // the feed's date (its own, or from the file name)
  std::string serial;                  // digits, or empty
};

struct GuardLimits {
  double max_shrink = 0.30;     // refuse when distinct prefixes drop by more than this fraction
  int min_v4_length = 8;        // refuse an IPv4 prefix shorter than this
  int min_v6_length = 20;       // refuse an IPv6 prefix shorter than this
  std::uint64_t min_bytes = 0;  // the sources file's expected minimum size
};

// Return the facts of `table` (distinct prefixes, over-wide ones) with `bytes` and `date`.
FeedFacts feed_facts(const RangeTable& table, std::uint64_t bytes, std::optional<core::Date> date,
                     const GuardLimits& limits = {});

// One guard that fired, with the sentence that says why.
struct GuardHit {
  Guard guard;
  std::string message;  // e.g. "shrank by 50% (5506 distinct prefixes, 11012 installed; at most 30% allowed)"
};

// Check `incoming` against the limits and, when there is one, the installed feed.
std::vector<GuardHit> check_feed(const FeedFacts& incoming, const std::optional<FeedFacts>& installed,
                                 const GuardLimits& limits = {});

// True when `incoming` is older than `installed`: an earlier date, else (same or unknown dates)
// a smaller numeric serial. Unknown on both sides is not older.
bool is_older(const FeedFacts& incoming, const FeedFacts& installed);

}  // namespace geo
