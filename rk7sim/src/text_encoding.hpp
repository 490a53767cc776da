#pragma once
// Internal: request body decoding (UTF-8 or windows-1251 by the XML declaration).

#include <string>
#include <string_view>

namespace rkgate::rk7sim {

/// Returns `body` as UTF-8: converted from windows-1251 when its XML
/// declaration says so (the declaration is rewritten to utf-8), else unchanged.
std::string to_utf8(std::string_view body);

} // namespace rkgate::rk7sim
