// Internal to lib/report: making untrusted strings safe for each output syntax.
#pragma once

#include <string>
#include <string_view>

namespace report::detail {

// `s` as core::terminal_safe shows it, newlines kept: valid UTF-8 in which C0 controls but tab
// and newline, DEL and invalid bytes read \xNN (\r as \r), C1 controls and bidi overrides and
// isolates <U+NNNN>; nothing can move a cursor, forge a line or reorder text.
std::string clean(std::string_view s);
// True when clean(s) == s for certain: printable ASCII, tabs and newlines only (a writer can
// then skip the copy).
bool already_clean(std::string_view s);
// clean() and fold tabs and newlines to single spaces: for one-line fields.
std::string one_line(std::string_view s);
// one_line() cut to at most `max_bytes` bytes at a character boundary, with "…" when cut.
std::string clip(std::string_view s, std::size_t max_bytes);
// JSON text made safe inside an HTML <script> element: '<', '>' and '&' written as \u003c,
// \u003e and \u0026 (so "</script>" or "<!--" in the data cannot end or change the element),
// and U+2028/U+2029 as \u2028/\u2029.
std::string script_safe_json(std::string_view json);
// XML text and attribute escaping (& < > " ' and newlines as character references), cleaned.
std::string xml_escape(std::string_view s);
// HTML escaping (& < > " '), cleaned.
std::string html_escape(std::string_view s);
// Markdown inline escaping for tables and prose: one line, | and markdown specials escaped,
// < and > as entities so no raw HTML reaches the renderer.
std::string md_escape(std::string_view s);
// One RFC 4180 CSV cell: formula-injection prefix ('), quoted when needed, quotes doubled.
std::string csv_cell(std::string_view s);
// Percent-encode `s` as a URI reference path (unreserved characters and '/' kept).
std::string uri_encode_path(std::string_view s);
// A URL for a Markdown link target: cleaned, with spaces, quotes, < > ( ) and backslashes
// percent-encoded so the URL cannot close the link.
std::string md_url(std::string_view url);
// True when `url` starts with http:// or https:// (the only links reports render).
bool is_web_url(std::string_view url);

}  // namespace report::detail
