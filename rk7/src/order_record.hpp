#pragma once
// Reads the order record (resOrderItem, §4.7) shared by CreateOrder,
// SaveOrder, CalcOrder and GetOrder replies.

#include "rk7/types.hpp"

#include <pugixml.hpp>

namespace rk7::detail {

order read_order(pugi::xml_node node);

/// A reply reference (`resRefItem`: id, code, name).
named_ref read_named_ref(pugi::xml_node node);

} // namespace rk7::detail
