// The feed guards: each check is one small function over FeedFacts, so that a refused feed says
// exactly which guard fired and with which numbers. Serials are compared as numbers (syncToken
// and changeNumber grow); a serial that is not all digits is not compared.
#include "geo/guards.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace geo {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 19 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool too_wide(const core::Prefix& p, const GuardLimits& limits) {
  return p.address.family == core::IpFamily::v4 ? p.length < limits.min_v4_length : p.length < limits.min_v6_length;
}

std::optional<GuardHit> check_size(const FeedFacts& f, const GuardLimits& limits) {
  if (limits.min_bytes == 0 || f.bytes >= limits.min_bytes) return std::nullopt;
  return GuardHit{Guard::size, fmt::format("is {} bytes, smaller than the {} bytes the sources file expects", f.bytes,
                                           limits.min_bytes)};
}

std::optional<GuardHit> check_wide(const FeedFacts& f, const GuardLimits& limits) {
  if (!f.widest) return std::nullopt;
  return GuardHit{Guard::wide_prefix,
                  fmt::format("contains {} ({} prefix(es) wider than /{} for IPv4 or /{} for IPv6)",
                              core::format_prefix(*f.widest), f.too_wide, limits.min_v4_length, limits.min_v6_length)};
}

std::optional<GuardHit> check_shrink(const FeedFacts& f, const FeedFacts& installed, const GuardLimits& limits) {
  if (installed.prefixes == 0 || f.prefixes >= installed.prefixes) return std::nullopt;
  // In thousandths, so that exactly the allowed drop passes (no floating-point edge).
  const auto allowed = static_cast<std::uint64_t>(std::llround(limits.max_shrink * 1000.0));
  if (f.prefixes * 1000 >= installed.prefixes * (1000 - std::min<std::uint64_t>(allowed, 1000))) return std::nullopt;
  const double drop = 1.0 - static_cast<double>(f.prefixes) / static_cast<double>(installed.prefixes);
  return GuardHit{Guard::shrink,
                  fmt::format("shrank by {:.0f}% ({} distinct prefixes, {} installed; at most {:.0f}% allowed)",
                              std::floor(drop * 100.0), f.prefixes, installed.prefixes, limits.max_shrink * 100.0)};
}

std::optional<GuardHit> check_older(const FeedFacts& f, const FeedFacts& installed) {
  if (!is_older(f, installed)) return std::nullopt;
  if (f.date && installed.date && *f.date < *installed.date) {
    return GuardHit{Guard::older, fmt::format("is older than the installed feed (dated {}, installed {})",
                                              f.date->to_string(), installed.date->to_string())};
  }
  return GuardHit{Guard::older, fmt::format("is older than the installed feed (serial {}, installed {})", f.serial,
                                            installed.serial)};
}

}  // namespace

std::string_view to_string(Guard guard) {
  switch (guard) {
    case Guard::parse:
      return "parse";
    case Guard::size:
      return "size";
    case Guard::shrink:
      return "shrink";
    case Guard::wide_prefix:
      return "wide-prefix";
    case Guard::older:
      return "older";
  }
  return "?";
}

FeedFacts feed_facts(const RangeTable& table, std::uint64_t bytes, std::optional<core::Date> date,
                     const GuardLimits& limits) {
  FeedFacts f;
  f.bytes = bytes;
  f.date = date ? date : table.stamp.date;
  f.serial = table.stamp.serial;
  std::set<core::Prefix> seen;
  for (const auto& row : table.rows) {
    if (!seen.insert(row.prefix).second) continue;
    if (too_wide(row.prefix, limits)) {
      ++f.too_wide;
      if (!f.widest || row.prefix.length < f.widest->length) f.widest = row.prefix;
    }
  }
  f.prefixes = seen.size();
  return f;
}

bool is_older(const FeedFacts& incoming, const FeedFacts& installed) {
  if (incoming.date && installed.date && *incoming.date != *installed.date) return *incoming.date < *installed.date;
  if (!all_digits(incoming.serial) || !all_digits(installed.serial)) return false;
  return std::stoull(incoming.serial) < std::stoull(installed.serial);
}

std::vector<GuardHit> check_feed(const FeedFacts& incoming, const std::optional<FeedFacts>& installed,
                                 const GuardLimits& limits) {
  std::vector<GuardHit> hits;
  for (auto hit : {check_size(incoming, limits), check_wide(incoming, limits),
                   installed ? check_shrink(incoming, *installed, limits) : std::nullopt,
                   installed ? check_older(incoming, *installed) : std::nullopt}) {
    if (hit) hits.push_back(std::move(*hit));
  }
  return hits;
}

}  // namespace geo
