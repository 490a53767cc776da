#pragma once
// GUIDs in r_keeper's spelling: upper case, in braces.

#include <optional>
#include <string>
#include <string_view>

namespace rkgate {

/// A new random GUID, e.g. `{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}`.
std::string new_guid();

/// Accepts a GUID with or without braces, in any case; returns r_keeper's
/// spelling, or nothing when `text` is not a GUID.
std::optional<std::string> normalize_guid(std::string_view text);

} // namespace rkgate
