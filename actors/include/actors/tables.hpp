#pragma once
// ProCart's table numbering for concurrent orders on one base table: slot 0
// is the base table (`100`), slot n a virtual table `100.n`. Pure logic.

#include <cstdint>
#include <map>
#include <string>

namespace rkgate::actors {

/// `100` for slot 0, `100.2` for slot 2.
std::string table_name(std::int64_t base_code, int slot);

/// The virtual name on the delivery table of manually accepted orders:
/// `Dlv` for slot 0, `Dlv.1` for slot 1 (ProCart's delivery naming).
std::string delivery_table_name(int slot);

/// The lowest slot not taken in `taken` (slot -> its order): a released
/// number is reused first. One pass over the slots in order, no allocation.
int lowest_free_slot(const std::map<int, std::string>& taken);

} // namespace rkgate::actors
