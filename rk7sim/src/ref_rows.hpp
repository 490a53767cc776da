#pragma once
// Internal: reference books flattened to rows of named properties, as
// GetRefData writes them.

#include "rk7sim/dataset.hpp"

#include <string>
#include <utility>
#include <vector>

namespace rkgate::rk7sim {

/// One reference-book item: its properties in r_keeper's names and order.
struct ref_row {
  ident id = 0;
  std::string guid;
  bool active = true;
  ident parent = 0;        ///< hierarchy inside the collection (0: root)
  std::string class_name;  ///< e.g. TRK7MenuItem
  std::vector<std::pair<std::string, std::string>> props;
  std::vector<ident> childs;   ///< MODIGROUPS: modifiers as <Childs><Child ChildIdent/>
  std::vector<ident> members;  ///< CLASSIFICATORGROUPS: dishes (children from MENUITEMS)
};

/// A reference book as GetRefData serves it.
struct ref_book {
  std::string name;        ///< RefName in upper case
  std::string class_name;  ///< collection class, e.g. TRK7MenuItems
  std::vector<ref_row> rows;
};

/// The reference books the simulator serves, in GetRefList order.
const std::vector<std::string>& served_refs();

/// Builds the named reference book from the dataset; false when not served.
bool build_ref(const dataset& d, const std::string& upper_name, ref_book& out);

} // namespace rkgate::rk7sim
