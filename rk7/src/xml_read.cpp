#include "xml_read.hpp"

#include <cstring>
#include <limits>

namespace rk7::detail {
namespace {

char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

/// ASCII case-insensitive equality: names in r_keeper replies are ASCII, and
/// unlike strcasecmp this is inlined and stops at the first differing letter.
bool same_name(const char* a, const char* b) {
  for (; fold(*a) == fold(*b); ++a, ++b)
    if (*a == '\0')
      return true;
  return false;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

bool same_exact(const char* a, const char* b) {
  for (; *a == *b; ++a, ++b)
    if (*a == '\0')
      return true;
  return false;
}

/// The first two letters of a name, folded, as one number.
unsigned key_of(const char* name) {
  unsigned first = static_cast<unsigned char>(fold(name[0]));
  return first == 0 ? 0 : first | static_cast<unsigned>(static_cast<unsigned char>(fold(name[1]))) << 8;
}

std::uint64_t key_bit(unsigned key) { return std::uint64_t{1} << ((key * 2654435761u) >> 26); }

/// The grammar of strtoll(base 10) without its locale and errno: leading
/// white space, an optional sign, digits; then only blanks may follow.
/// `more(p)` tells whether `p` is still inside the text.
template <class More>
std::optional<std::int64_t> read_int(const char* p, More more) {
  while (more(p) && is_space(*p))
    ++p;
  bool negative = false;
  if (more(p) && (*p == '-' || *p == '+'))
    negative = *p++ == '-';
  const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : std::numeric_limits<std::int64_t>::max();
  std::uint64_t v = 0;
  const char* digits = p;
  for (; more(p) && *p >= '0' && *p <= '9'; ++p) {
    auto d = static_cast<std::uint64_t>(*p - '0');
    if (v > (limit - d) / 10)
      return std::nullopt; // out of range
    v = v * 10 + d;
  }
  if (p == digits)
    return std::nullopt;
  while (more(p) && (*p == ' ' || *p == '\t'))
    ++p;
  if (more(p))
    return std::nullopt;
  return negative ? static_cast<std::int64_t>(0 - v) : static_cast<std::int64_t>(v);
}

std::optional<std::int64_t> int_value(const char* v) {
  if (!v)
    return std::nullopt;
  return read_int(v, [](const char* p) { return *p != '\0'; });
}

bool bool_value(const char* v) {
  return v && ((v[0] == '1' && v[1] == '\0') || same_name(v, "true"));
}

} // namespace

pugi::xml_attribute find_attr(pugi::xml_node node, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    pugi::xml_attribute folded;
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
      const char* n = a.name();
      if (!same_name(n, name))
        continue;
      if (same_exact(n, name))
        return a;
      if (!folded)
        folded = a;
    }
    if (folded)
      return folded;
  }
  return {};
}

attr_list::attr_list(pugi::xml_node node) : node_(node) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    if (count_ == capacity) {
      overflow_ = true;
      return;
    }
    const char* name = a.name();
    unsigned key = key_of(name);
    entries_[count_++] = {name, a.value(), key};
    keys_ |= key_bit(key);
  }
}

const char* attr_list::find(std::initializer_list<const char*> names) const {
  if (overflow_) {
    pugi::xml_attribute a = find_attr(node_, names);
    return a ? a.value() : nullptr;
  }
  for (const char* name : names) {
    const unsigned key = key_of(name);
    if (!(keys_ & key_bit(key)))
      continue;
    int folded = -1; // the first spelling that differs only in case, in document order
    for (int k = 0, i = next_; k < count_; ++k, ++i) {
      if (i == count_)
        i = 0;
      const entry& e = entries_[i];
      if (e.key != key || !same_name(e.name, name))
        continue;
      if (same_exact(e.name, name)) {
        next_ = i + 1 == count_ ? 0 : i + 1;
        return e.value;
      }
      if (folded < 0 || i < folded)
        folded = i;
    }
    if (folded >= 0)
      return entries_[folded].value;
  }
  return nullptr;
}

std::string attr_list::text(std::initializer_list<const char*> names) const {
  const char* v = find(names);
  return v ? std::string(v) : std::string();
}

bool attr_list::has_text(std::initializer_list<const char*> names) const {
  const char* v = find(names);
  return v && *v != '\0';
}

std::optional<std::int64_t> attr_list::opt_int(std::initializer_list<const char*> names) const {
  return int_value(find(names));
}

std::int64_t attr_list::integer(std::initializer_list<const char*> names) const {
  return opt_int(names).value_or(0);
}

bool attr_list::flag(std::initializer_list<const char*> names) const { return bool_value(find(names)); }

pugi::xml_node find_child(pugi::xml_node node, const char* name) {
  if (pugi::xml_node exact = node.child(name); exact.type() == pugi::node_element)
    return exact;
  for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling())
    if (is_named(child, name))
      return child;
  return {};
}

bool is_named(pugi::xml_node node, const char* name) {
  return node.type() == pugi::node_element && same_name(node.name(), name);
}

std::string text_attr(pugi::xml_node node, std::initializer_list<const char*> names) {
  return find_attr(node, names).value();
}

bool has_text_attr(pugi::xml_node node, std::initializer_list<const char*> names) {
  return *find_attr(node, names).value() != '\0';
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  const char* end = text.data() + text.size();
  return read_int(text.data(), [end](const char* p) { return p != end; });
}

std::optional<std::int64_t> opt_int_attr(pugi::xml_node node,
                                         std::initializer_list<const char*> names) {
  pugi::xml_attribute a = find_attr(node, names);
  return int_value(a ? a.value() : nullptr);
}

std::int64_t int_attr(pugi::xml_node node, std::initializer_list<const char*> names) {
  return opt_int_attr(node, names).value_or(0);
}

bool bool_attr(pugi::xml_node node, std::initializer_list<const char*> names) {
  pugi::xml_attribute a = find_attr(node, names);
  return bool_value(a ? a.value() : nullptr);
}

} // namespace rk7::detail
