// Small text helpers shared by every module (one place for each).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace core {

// Length of the valid UTF-8 sequence at s[i] (1 to 4), or 0 when it is invalid (overlong,
// surrogate, above U+10FFFF, truncated).
std::size_t utf8_length(std::string_view s, std::size_t i);
// True when `s` is valid UTF-8.
bool valid_utf8(std::string_view s);

// How terminal_safe() shows a newline.
enum class Newlines { escape, keep };
// `s` made safe for a terminal or a log, the one escaper of every human-facing stream
// (diagnostics, text output of geoip, probe, rules and diff): C0 controls (tab and, with
// Newlines::keep, \n excepted), ESC, DEL and invalid bytes become \xNN (\n, \r visibly),
// C1 controls (U+0080–U+009F, 8-bit CSI U+009B) and bidi overrides and isolates (U+202A–U+202E,
// U+2066–U+2069) become <U+NNNN>. Nothing can move the cursor, set a title or forge a line.
std::string terminal_safe(std::string_view s, Newlines newlines = Newlines::escape);
// True for the code points terminal_safe() never passes raw: DEL, C1 controls (U+0080–U+009F)
// and bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069).
bool is_hidden_code_point(char32_t c);
// JSON text (as nlohmann-json dumps it) with every hidden code point written as \uXXXX: the
// same document for a parser, nothing raw for a terminal. Such bytes occur only inside strings.
std::string json_hide_controls(std::string_view json);
// Append `s` to `out` as a JSON string literal, quotes included, exactly as dump_json() writes a
// valid UTF-8 string (", \\ and C0 controls escaped as nlohmann-json does, hidden code points as
// \uXXXX); an invalid byte becomes U+FFFD. For writers that stream JSON without a document tree.
void append_json_string(std::string& out, std::string_view s);
// The end of the run, from `from`, of printable ASCII other than " and \\ (0x20–0x7E): the bytes
// a JSON string holds as they are and that need no cleaning. Eight bytes at a time.
std::size_t json_plain_end(std::string_view s, std::size_t from = 0);

// Split `s` on `sep`, keeping empty fields.
std::vector<std::string_view> split(std::string_view s, char sep);
// Remove leading and trailing ASCII white space.
std::string_view trim(std::string_view s);
// ASCII lower-case copy.
std::string to_lower(std::string_view s);
// True when `a` and `b` are equal ignoring ASCII case (no allocation).
bool iequals(std::string_view a, std::string_view b);
// True when `name` equals `suffix` or ends with "." + suffix (DNS-style, case-insensitive).
bool has_domain_suffix(std::string_view name, std::string_view suffix);
// Levenshtein distance, for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` within a small distance, else the shortest candidate that
// starts with `word` (a prefix: "ovh" → "ovhcloud"), if any.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);
// A stable 64-bit FNV-1a hash of `s` (fingerprints and shards, not security): the same on every
// run and machine.
std::uint64_t stable_hash64(std::string_view s);
// stable_hash64 as 16 hex digits.
std::string stable_hash(std::string_view s);
// Glob match with `*` and `?` (case-sensitive), for waivers' requirement and target patterns.
bool glob_match(std::string_view pattern, std::string_view text);
// Parse a duration with a unit: "500ms", "2s", "1m". Returns milliseconds.
std::optional<long long> parse_duration_ms(std::string_view s);
// Text that came from the network (certificates, headers), made safe to store and print: invalid
// UTF-8 and control characters (tab excepted) become '?', and text longer than `max` bytes is cut
// on a character boundary with "..." appended.
std::string printable(std::string_view s, std::size_t max = 4096);

}  // namespace core
