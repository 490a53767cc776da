#include "common/json_text.hpp"

#include "json_escape.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <cmath>

namespace rkgate {

using nlohmann::json;

namespace {

/// How dump() writes each byte: 0 as it is, 1 escaped, 2 as part of a
/// multi-byte UTF-8 sequence (checked first).
constexpr std::array<unsigned char, 256> byte_kinds = [] {
  std::array<unsigned char, 256> kinds{};
  for (int c = 0; c < 256; ++c)
    kinds[c] = c < 0x20 || c == '"' || c == '\\' ? 1 : c >= 0x80 ? 2 : 0;
  return kinds;
}();

template <class Integer>
void append_integer(Integer value, std::string& out) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

/// Appends an object's or an array's members between `open` and `close`,
/// comma-separated, each by `append_one`; false as soon as one fails.
template <class Members, class AppendOne>
bool append_members(const Members& members, char open, char close, std::string& out, AppendOne append_one) {
  out += open;
  for (const auto& member : members) {
    if (!append_one(member))
      return false;
    out += ',';
  }
  if (members.empty())
    out += close;
  else
    out.back() = close;
  return true;
}

/// Appends `j` as dump() writes it; false when a string is not valid UTF-8
/// or the value is one this writer leaves to dump() (binary, discarded).
bool append_value(const json& j, std::string& out) {
  switch (j.type()) {
    case json::value_t::object:
      return append_members(j.get_ref<const json::object_t&>(), '{', '}', out, [&out](const auto& member) {
        if (!append_json_string(member.first, out))
          return false;
        out += ':';
        return append_value(member.second, out);
      });
    case json::value_t::array:
      return append_members(j.get_ref<const json::array_t&>(), '[', ']', out,
                            [&out](const json& item) { return append_value(item, out); });
    case json::value_t::string:
      return append_json_string(j.get_ref<const std::string&>(), out);
    case json::value_t::boolean:
      out += j.get<bool>() ? "true" : "false";
      return true;
    case json::value_t::number_integer:
      append_integer(j.get<json::number_integer_t>(), out);
      return true;
    case json::value_t::number_unsigned:
      append_integer(j.get<json::number_unsigned_t>(), out);
      return true;
    case json::value_t::number_float: {
      const double x = j.get<double>();
      if (!std::isfinite(x)) {
        out += "null";
        return true;
      }
      // dump()'s own shortest round-trip form (Grisu2, "1.0" for integral values).
      std::array<char, 64> digits;
      auto end = nlohmann::detail::to_chars(digits.data(), digits.data() + digits.size(), x);
      out.append(digits.data(), end);
      return true;
    }
    case json::value_t::null:
      out += "null";
      return true;
    default:
      return false;
  }
}

} // namespace

bool append_json_string(std::string_view text, std::string& out) {
  const std::size_t start = out.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  out += '"';
  std::size_t plain = 0; // start of the run not yet copied
  for (std::size_t i = 0; i < size;) {
    const unsigned char kind = byte_kinds[bytes[i]];
    if (kind == 0) {
      ++i;
    } else if (kind == 2) {
      const std::size_t length = detail::utf8_length(text, i);
      if (length == 0) {
        out.resize(start);
        return false;
      }
      i += length;
    } else {
      out.append(text.data() + plain, i - plain);
      detail::append_escape(bytes[i], out);
      plain = ++i;
    }
  }
  out.append(text.data() + plain, size - plain);
  out += '"';
  return true;
}

std::string json_text(const json& j, bool replace_invalid) {
  std::string out;
  if (append_value(j, out))
    return out;
  // Invalid UTF-8 somewhere (or a binary value): dump() decides, throwing or
  // replacing exactly as it always did.
  return j.dump(-1, ' ', false, replace_invalid ? json::error_handler_t::replace : json::error_handler_t::strict);
}

} // namespace rkgate
