#include "xml_text.hpp"

#include <charconv>
#include <cstring>

namespace rkgate::rk7sim {

void xml_text::open(const char* name) {
  out_ += '<';
  out_ += name;
}

namespace {

/// ` name="` into `buf` (room for 96 characters of name); its length, or 0
/// when the name is too long for it.
std::size_t attr_start(char* buf, const char* name) {
  std::size_t len = std::strlen(name);
  if (len > 96)
    return 0;
  buf[0] = ' ';
  std::memcpy(buf + 1, name, len);
  buf[len + 1] = '=';
  buf[len + 2] = '"';
  return len + 3;
}

} // namespace

void xml_text::attr(const char* name, const char* value) {
  char buf[128];
  if (std::size_t n = attr_start(buf, name)) {
    out_.append(buf, n);
  } else {
    out_ += ' ';
    out_ += name;
    out_ += "=\"";
  }
  // pugixml 1.13 (format_raw, double quotes): & < " as entities, control
  // characters as two-digit character references; > and ' stay as they are.
  const char* run = value;
  for (const char* p = value;; ++p) {
    auto c = static_cast<unsigned char>(*p);
    if (c >= 32 && c != '&' && c != '<' && c != '"')
      continue;
    out_.append(run, static_cast<std::size_t>(p - run));
    if (c == 0)
      break;
    run = p + 1;
    if (c == '&') {
      out_ += "&amp;";
    } else if (c == '<') {
      out_ += "&lt;";
    } else if (c == '"') {
      out_ += "&quot;";
    } else {
      const char ref[] = {'&', '#', static_cast<char>('0' + c / 10), static_cast<char>('0' + c % 10), ';'};
      out_.append(ref, sizeof ref);
    }
  }
  out_ += '"';
}

void xml_text::attr(const char* name, long long value) {
  char buf[128];
  std::size_t n = attr_start(buf, name);
  if (n == 0) {
    attr(name, std::to_string(value));
    return;
  }
  char* end = std::to_chars(buf + n, buf + sizeof buf - 1, value).ptr;
  *end++ = '"';
  out_.append(buf, static_cast<std::size_t>(end - buf));
}

void xml_text::close(const char* name) {
  out_ += "</";
  out_ += name;
  out_ += '>';
}

} // namespace rkgate::rk7sim
