// Host-name normalisation. Names with non-ASCII bytes go through idn2_to_ascii_8z with
// IDN2_NONTRANSITIONAL (so "faß.de" stays "xn--fa-hia.de", not "fass.de"); names already in
// ASCII are checked by hand (label and name lengths, letters, digits, '-', '_' for service
// labels) because libidn2 rejects '_'. Punycode labels are turned back into Unicode for display.
#include "probe/idn.hpp"

#include "core/text.hpp"

#include <fmt/format.h>
#include <idn2.h>

#include <cstdlib>
#include <memory>

namespace probe {

namespace {

constexpr std::size_t k_max_label = 63;
constexpr std::size_t k_max_name = 253;

struct FreeDeleter {
  void operator()(char* p) const { idn2_free(p); }
};

bool is_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

bool valid_label_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Check an ASCII name; return an empty string when valid, or what is wrong.
std::string check_ascii(std::string_view name) {
  if (name.empty()) return "empty name";
  if (name.size() > k_max_name) return fmt::format("name longer than {} characters", k_max_name);
  for (std::string_view label : core::split(name, '.')) {
    if (label.empty()) return "empty label";
    if (label.size() > k_max_label) return fmt::format("label longer than {} characters", k_max_label);
    for (char c : label) {
      if (!valid_label_char(c)) return fmt::format("character '{}' not allowed", c);
    }
    if (label.front() == '-' || label.back() == '-') return fmt::format("label '{}' starts or ends with '-'", label);
  }
  return {};
}

// The Unicode form of an ASCII name whose labels may be punycode; the ASCII name on failure.
std::string to_unicode(const std::string& ascii) {
  if (ascii.find("xn--") == std::string::npos) return ascii;
  char* out = nullptr;
  if (idn2_to_unicode_8z8z(ascii.c_str(), &out, 0) != IDN2_OK || out == nullptr) return ascii;
  std::unique_ptr<char, FreeDeleter> holder(out);
  return std::string(out);
}

}  // namespace

core::Result<HostName> to_host_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  HostName host;
  if (is_ascii(name)) {
    host.ascii = core::to_lower(name);
  } else {
    std::string input(name);
    char* out = nullptr;
    const int rc = idn2_to_ascii_8z(input.c_str(), &out, IDN2_NONTRANSITIONAL);
    std::unique_ptr<char, FreeDeleter> holder(out);
    if (rc != IDN2_OK || out == nullptr) {
      return core::fail(core::ErrorCode::usage, fmt::format("invalid name: {}", idn2_strerror(rc)), input);
    }
    host.ascii = core::to_lower(out);
  }
  if (std::string why = check_ascii(host.ascii); !why.empty()) {
    return core::fail(core::ErrorCode::usage, "invalid name: " + why, std::string(name));
  }
  host.unicode = to_unicode(host.ascii);
  return host;
}

}  // namespace probe
