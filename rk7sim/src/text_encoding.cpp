#include "text_encoding.hpp"

#include <algorithm>
#include <cctype>

namespace rkgate::rk7sim {
namespace {

// Unicode code points of windows-1251 bytes 0x80..0xFF.
constexpr unsigned short cp1251_high[128] = {
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039, 0x040A,
    0x040C, 0x040B, 0x040F, 0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0xFFFD, 0x2122,
    0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, 0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6,
    0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407, 0x00B0, 0x00B1, 0x0406, 0x0456,
    0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457};

unsigned code_point(unsigned char c) {
  if (c < 0x80)
    return c;
  if (c >= 0xC0)
    return 0x0410 + (c - 0xC0); // А..я are contiguous
  return cp1251_high[c - 0x80];
}

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

} // namespace

std::string to_utf8(std::string_view body) {
  std::size_t start = body.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || body.compare(start, 5, "<?xml") != 0)
    return std::string(body);
  std::size_t end = body.find("?>", start);
  if (end == std::string_view::npos)
    return std::string(body);
  std::string decl(body.substr(start, end + 2 - start));
  std::string lower = decl;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  auto pos = lower.find("windows-1251");
  if (pos == std::string::npos)
    pos = lower.find("cp1251");
  if (pos == std::string::npos)
    return std::string(body);
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";
  for (unsigned char c : body.substr(end + 2))
    append_utf8(out, code_point(c));
  return out;
}

} // namespace rkgate::rk7sim
