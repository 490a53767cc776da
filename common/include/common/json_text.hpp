#pragma once
// JSON values as text, byte for byte what nlohmann's dump() writes, at a
// fraction of its cost: dump() decodes every character of every string
// through its UTF-8 state machine, while runs of plain characters here are
// copied whole. An order writes its record, priced form and events as text
// several times, mostly strings; dump() was most of that (bench/order_cost).

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace rkgate {

/// `j.dump()` (compact, UTF-8 kept, invalid UTF-8 throws as dump() does);
/// with `replace_invalid`, `j.dump(-1, ' ', false, error_handler_t::replace)`.
std::string json_text(const nlohmann::json& j, bool replace_invalid = false);

/// Appends `text` as dump() writes a JSON string, quotes included. Returns
/// false, and appends nothing, when `text` is not valid UTF-8.
bool append_json_string(std::string_view text, std::string& out);

} // namespace rkgate
