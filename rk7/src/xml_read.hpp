#pragma once
// Lenient readers over pugixml nodes: attribute and element names matched
// case-insensitively, absent or malformed values fall back to defaults.

#include <pugixml.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

namespace rk7::detail {

/// The first attribute whose name equals one of `names`, ignoring case.
pugi::xml_attribute find_attr(pugi::xml_node node, std::initializer_list<const char*> names);

/// The first child element named `name`, ignoring case.
pugi::xml_node find_child(pugi::xml_node node, const char* name);

/// True when `node` is an element named `name`, ignoring case.
bool is_named(pugi::xml_node node, const char* name);

std::string text_attr(pugi::xml_node node, std::initializer_list<const char*> names);
std::optional<std::int64_t> opt_int_attr(pugi::xml_node node,
                                         std::initializer_list<const char*> names);
std::int64_t int_attr(pugi::xml_node node, std::initializer_list<const char*> names);
/// "1", "true" (any case) are true; "0", "false", empty and absent are false.
bool bool_attr(pugi::xml_node node, std::initializer_list<const char*> names);

/// Parses a whole decimal integer ("-12", " 42 "); nullopt for anything else.
std::optional<std::int64_t> parse_int(const std::string& text);

} // namespace rk7::detail
