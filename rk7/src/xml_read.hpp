#pragma once
// Lenient readers over pugixml nodes: attribute and element names matched
// case-insensitively, absent or malformed values fall back to defaults.
//
// These run for every attribute of every reply (a GetOrderList of a busy
// restaurant has hundreds of orders), so they allocate nothing but the
// strings they return: a lookup tries the exact spelling with pugixml's own
// search first and scans with an ASCII case-insensitive compare only when
// that misses.

#include <pugixml.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace rk7::detail {

/// The first attribute whose name equals one of `names` (tried in order),
/// ignoring case; an exact-case match of a name wins over other spellings.
pugi::xml_attribute find_attr(pugi::xml_node node, std::initializer_list<const char*> names);

/// The first child element named `name`, ignoring case.
pugi::xml_node find_child(pugi::xml_node node, const char* name);

/// True when `node` is an element named `name`, ignoring case.
bool is_named(pugi::xml_node node, const char* name);

std::string text_attr(pugi::xml_node node, std::initializer_list<const char*> names);
/// True when one of `names` is present with a non-empty value.
bool has_text_attr(pugi::xml_node node, std::initializer_list<const char*> names);
std::optional<std::int64_t> opt_int_attr(pugi::xml_node node,
                                         std::initializer_list<const char*> names);
std::int64_t int_attr(pugi::xml_node node, std::initializer_list<const char*> names);
/// "1", "true" (any case) are true; "0", "false", empty and absent are false.
bool bool_attr(pugi::xml_node node, std::initializer_list<const char*> names);

/// The attributes of one element, read once, for readers that look up many
/// of them (a GetOrderList order has ~30 attributes, ~16 are read, several
/// absent): lookups then compare in memory, mostly just a two-letter key,
/// instead of walking pugixml's list through library calls.
/// Same matching rules as find_attr.
class attr_list {
public:
  explicit attr_list(pugi::xml_node node);

  /// The value of the first of `names` present; nullptr when none is.
  const char* find(std::initializer_list<const char*> names) const;
  std::string text(std::initializer_list<const char*> names) const;
  bool has_text(std::initializer_list<const char*> names) const;
  std::optional<std::int64_t> opt_int(std::initializer_list<const char*> names) const;
  std::int64_t integer(std::initializer_list<const char*> names) const;
  bool flag(std::initializer_list<const char*> names) const;

private:
  static constexpr int capacity = 64; ///< more attributes: lookups go to the node
  struct entry {
    const char* name;
    const char* value;
    unsigned key; ///< the name's first two letters, folded: a cheap first test
  };
  pugi::xml_node node_;
  entry entries_[capacity];
  int count_ = 0;
  bool overflow_ = false;
  /// One bit per key (mod 64): a lookup whose bit is clear misses at once,
  /// as most lookups of optional attributes do.
  std::uint64_t keys_ = 0;
  /// Where the next lookup starts: readers mostly ask in document order.
  mutable int next_ = 0;
};

/// Parses a whole decimal integer ("-12", " 42 "); nullopt for anything else.
std::optional<std::int64_t> parse_int(std::string_view text);

} // namespace rk7::detail
