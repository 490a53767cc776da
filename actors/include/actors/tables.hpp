#pragma once
// ProCart's table numbering for concurrent orders on one base table: slot 0
// is the base table (`100`), slot n a virtual table `100.n`. Pure logic.

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace rkgate::actors {

/// `100` for slot 0, `100.2` for slot 2.
std::string table_name(std::int64_t base_code, int slot);

/// The virtual name on the delivery table of manually accepted orders:
/// `Dlv` for slot 0, `Dlv.1` for slot 1 (ProCart's delivery naming).
std::string delivery_table_name(int slot);

/// Which slots of one base table are taken; hands out the lowest free one
/// (a released number is reused first) in O(log n), whatever the number of
/// open orders on the table.
class slot_numbers {
public:
  slot_numbers() = default;
  /// Starts from the slots already taken (slot -> its order).
  explicit slot_numbers(const std::map<int, std::string>& taken);

  /// Takes the lowest free slot and returns it.
  int take();
  /// Frees `slot` (taken before).
  void release(int slot);

private:
  int fresh_ = 0;          ///< every slot below is taken or in `released_`
  std::set<int> released_; ///< free slots below `fresh_`
};

} // namespace rkgate::actors
