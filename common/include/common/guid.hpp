#pragma once
// GUIDs in r_keeper's spelling: upper case, in braces.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rkgate {

/// A new random GUID, e.g. `{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}`.
std::string new_guid();

/// Accepts a GUID with or without braces, in any case; returns r_keeper's
/// spelling, or nothing when `text` is not a GUID.
std::optional<std::string> normalize_guid(std::string_view text);

/// A GUID as its 128 bits: a key that is compared without touching a
/// string, and that ignores spelling (case, braces).
struct guid_bits {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  bool operator==(const guid_bits& other) const noexcept { return hi == other.hi && lo == other.lo; }
};

/// The bits of a GUID spelled as normalize_guid accepts it; nothing otherwise.
std::optional<guid_bits> guid_bits_of(std::string_view text);

} // namespace rkgate
