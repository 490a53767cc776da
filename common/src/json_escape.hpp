#pragma once
// JSON string escaping for log lines, and the UTF-8 check and escapes it
// shares with json_text (common module internal).

#include <string>
#include <string_view>

namespace rkgate::detail {

/// Length of the valid UTF-8 sequence starting at `text[i]`, 0 when invalid
/// (overlong forms, surrogates and code points past U+10FFFF are invalid).
std::size_t utf8_length(std::string_view text, std::size_t i);

/// Appends the escape nlohmann's dump() writes for a control character, a
/// quote or a backslash (\n, \", \u001f, ...).
void append_escape(unsigned char c, std::string& out);

/// Appends `text` as the inside of a JSON string: quotes, backslashes and
/// control characters escaped, invalid UTF-8 bytes replaced by U+FFFD.
void append_json_escaped(std::string_view text, std::string& out);

} // namespace rkgate::detail
