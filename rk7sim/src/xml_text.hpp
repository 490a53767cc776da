#pragma once
// Elements written straight into a string, byte for byte as pugixml's
// format_raw output of the same DOM would be: for reply parts too large to
// build as a DOM first (GetOrderList of a busy restaurant lists hundreds of
// orders of ~30 attributes; the DOM cost ~5x the text).

#include <string>

namespace rkgate::rk7sim {

class xml_text {
public:
  explicit xml_text(std::string& out) : out_(out) {}

  /// Room for `bytes` more, when the caller can tell.
  void reserve(std::size_t bytes) { out_.reserve(out_.size() + bytes); }

  /// `<name`: attributes follow, then begin_children() or end_empty().
  void open(const char* name);
  /// ` name="value"`, escaped as pugixml escapes attribute values.
  void attr(const char* name, const char* value);
  void attr(const char* name, const std::string& value) { attr(name, value.c_str()); }
  void attr(const char* name, long long value);
  void attr(const char* name, int value) { attr(name, static_cast<long long>(value)); }
  /// `>` after the attributes of an element that has children.
  void begin_children() { out_ += '>'; }
  /// `/>`: the element has no children.
  void end_empty() { out_ += "/>"; }
  /// `</name>`.
  void close(const char* name);

private:
  std::string& out_;
};

} // namespace rkgate::rk7sim
