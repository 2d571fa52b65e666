// Region spellings: every candidate spelling of `raw` (as written, lower case, display name
// without spaces, self-link segment) is looked up case-insensitively among the codes and aliases;
// then a zone suffix is stripped, but only in the shapes zones take (a letter right after the
// region's last digit, "-a", or an AWS Local Zone "-bos-1a"), so "eu-west-10" never becomes
// "eu-west-1".
#include "policy/region_names.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace policy {

namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The region code, or alias, equal to `s` ignoring case.
const Region* lookup(const Provider& p, std::string_view s, std::string& matched) {
  for (const auto& [code, region] : p.regions) {
    if (core::iequals(code, s)) {
      matched = code;
      return &region;
    }
  }
  for (const auto& [code, region] : p.regions) {
    for (const auto& a : region.aliases) {
      if (core::iequals(a, s)) {
        matched = a;
        return &region;
      }
    }
  }
  return nullptr;
}

// The part of a self-link URL or resource path that names the location, or `s` itself.
std::string_view location_segment(std::string_view s) {
  for (std::string_view marker : {"/regions/", "/zones/", "/locations/"}) {
    const auto at = s.rfind(marker);
    if (at == std::string_view::npos) continue;
    std::string_view rest = s.substr(at + marker.size());
    return rest.substr(0, rest.find('/'));
  }
  return s;
}

// True when `suffix` is what a zone adds to its region's code: "a", "-a", "-bos-1a".
bool zone_suffix(std::string_view suffix, char last_of_region) {
  if (suffix.size() == 1) return is_lower(suffix[0]) && is_digit(last_of_region);
  if (suffix.size() < 2 || suffix[0] != '-') return false;
  suffix.remove_prefix(1);
  if (suffix.size() == 1) return is_lower(suffix[0]);
  // Local Zone: letters, '-', digits, one letter.
  std::size_t i = 0;
  while (i < suffix.size() && is_lower(suffix[i])) ++i;
  if (i == 0 || i >= suffix.size() || suffix[i] != '-') return false;
  std::size_t j = i + 1;
  while (j < suffix.size() && is_digit(suffix[j])) ++j;
  return j > i + 1 && j + 1 == suffix.size() && is_lower(suffix[j]);
}

// The region of which `s` is a zone (longest code first), or nullptr.
const Region* zone_region(const Provider& p, const std::string& s) {
  const Region* best = nullptr;
  std::size_t best_len = 0;
  auto consider = [&](const std::string& name, const Region& region) {
    if (name.size() >= s.size() || name.size() <= best_len ||
        !core::iequals(std::string_view(s).substr(0, name.size()), name))
      return;
    if (!zone_suffix(std::string_view(s).substr(name.size()), s[name.size() - 1])) return;
    best = &region;
    best_len = name.size();
  };
  for (const auto& [code, region] : p.regions) {
    consider(code, region);
    for (const auto& a : region.aliases) consider(a, region);
  }
  return best;
}

// Strip what looks like a zone suffix ("-a", or a letter after a digit) for the unresolved form.
std::string strip_zone_shape(std::string s) {
  if (s.size() >= 3 && s[s.size() - 2] == '-' && is_lower(s.back()) && is_digit(s[s.size() - 3]))
    return s.substr(0, s.size() - 2);
  if (s.size() >= 2 && is_lower(s.back()) && is_digit(s[s.size() - 2])) return s.substr(0, s.size() - 1);
  return s;
}

std::string without_spaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t') out += c;
  }
  return out;
}

}  // namespace

RegionName resolve_region_name(const Provider& p, std::string_view raw) {
  const std::string_view trimmed = core::trim(raw);
  const std::string_view segment = location_segment(trimmed);
  const bool self_link = segment.size() != trimmed.size();
  const bool spaced = segment.find(' ') != std::string_view::npos;
  const std::string normal = core::to_lower(without_spaces(segment));
  RegionName out;
  std::string matched;
  if (const Region* r = lookup(p, normal, matched)) {
    out.code = r->code;
    out.region = r;
    out.how = self_link                                  ? fmt::format("self-link segment '{}'", segment)
              : spaced                                   ? fmt::format("display name '{}'", segment)
              : matched == r->code && segment == r->code ? "region code"
              : matched == r->code                       ? fmt::format("region code written '{}'", segment)
                                                         : fmt::format("alias '{}'", matched);
    return out;
  }
  if (const Region* r = zone_region(p, normal)) {
    out.code = r->code;
    out.region = r;
    out.how = fmt::format("zone '{}' of {}", segment, r->code);
    return out;
  }
  out.code = strip_zone_shape(normal);
  out.how = "not a region of the rule data";
  std::vector<std::string> codes;
  for (const auto& [code, region] : p.regions) codes.push_back(code);
  out.hint = core::closest(out.code, codes);
  return out;
}

}  // namespace policy
