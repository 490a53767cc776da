#pragma once
// JSON string escaping for log lines (common module internal).

#include <string>
#include <string_view>

namespace rkgate::detail {

/// Appends `text` as the inside of a JSON string: quotes, backslashes and
/// control characters escaped, invalid UTF-8 bytes replaced by U+FFFD.
void append_json_escaped(std::string_view text, std::string& out);

} // namespace rkgate::detail
