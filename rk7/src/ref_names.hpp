#pragma once
// Maps a RefName to the spelling the GetRefData schema enumerates.

#include <string>

namespace rk7::detail {

/// "MENUITEMS" -> "MenuItems"; a name the schema does not know is returned unchanged.
std::string schema_ref_name(const std::string& name);

} // namespace rk7::detail
