#include "xml_read.hpp"

#include <cerrno>
#include <cstdlib>
#include <strings.h>

namespace rk7::detail {

pugi::xml_attribute find_attr(pugi::xml_node node, std::initializer_list<const char*> names) {
  for (const char* name : names)
    for (pugi::xml_attribute a : node.attributes())
      if (strcasecmp(a.name(), name) == 0)
        return a;
  return {};
}

pugi::xml_node find_child(pugi::xml_node node, const char* name) {
  for (pugi::xml_node child : node.children())
    if (is_named(child, name))
      return child;
  return {};
}

bool is_named(pugi::xml_node node, const char* name) {
  return node.type() == pugi::node_element && strcasecmp(node.name(), name) == 0;
}

std::string text_attr(pugi::xml_node node, std::initializer_list<const char*> names) {
  return find_attr(node, names).value();
}

std::optional<std::int64_t> parse_int(const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(begin, &end, 10);
  if (end == begin || errno == ERANGE)
    return std::nullopt;
  while (*end == ' ' || *end == '\t')
    ++end;
  if (*end != '\0')
    return std::nullopt;
  return static_cast<std::int64_t>(v);
}

std::optional<std::int64_t> opt_int_attr(pugi::xml_node node,
                                         std::initializer_list<const char*> names) {
  pugi::xml_attribute a = find_attr(node, names);
  if (!a)
    return std::nullopt;
  return parse_int(a.value());
}

std::int64_t int_attr(pugi::xml_node node, std::initializer_list<const char*> names) {
  return opt_int_attr(node, names).value_or(0);
}

bool bool_attr(pugi::xml_node node, std::initializer_list<const char*> names) {
  std::string v = text_attr(node, names);
  return v == "1" || strcasecmp(v.c_str(), "true") == 0;
}

} // namespace rk7::detail
