#include "common/json_text.hpp"

#include "json_escape.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

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

/// The escape dump() writes for a byte of kind 1.
void append_escape(unsigned char c, std::string& out) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\b': out += "\\b"; return;
    case '\t': out += "\\t"; return;
    case '\n': out += "\\n"; return;
    case '\f': out += "\\f"; return;
    case '\r': out += "\\r"; return;
    default: {
      char code[7];
      std::snprintf(code, sizeof code, "\\u%04x", c);
      out.append(code, 6);
    }
  }
}

template <class Integer>
void append_integer(Integer value, std::string& out) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

/// Appends `j` as dump() writes it; false when a string is not valid UTF-8
/// or the value is one this writer leaves to dump() (binary, discarded).
bool append_value(const json& j, std::string& out) {
  switch (j.type()) {
    case json::value_t::object: {
      const auto& members = j.get_ref<const json::object_t&>();
      if (members.empty()) {
        out += "{}";
        return true;
      }
      out += '{';
      for (const auto& [key, value] : members) {
        if (!append_json_string(key, out))
          return false;
        out += ':';
        if (!append_value(value, out))
          return false;
        out += ',';
      }
      out.back() = '}';
      return true;
    }
    case json::value_t::array: {
      const auto& items = j.get_ref<const json::array_t&>();
      if (items.empty()) {
        out += "[]";
        return true;
      }
      out += '[';
      for (const auto& item : items) {
        if (!append_value(item, out))
          return false;
        out += ',';
      }
      out.back() = ']';
      return true;
    }
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
      append_escape(bytes[i], out);
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
