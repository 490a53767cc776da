#include "rk7/license.hpp"

#include <utility>

namespace rk7 {

license_sequencer::license_sequencer(license_info base, std::optional<std::uint64_t> last_used)
  : base_(std::move(base)), last_(last_used) {}

license_info license_sequencer::next() {
  last_ = last_ ? *last_ + 1 : 0;
  license_info info = base_;
  info.seq_number = *last_;
  return info;
}

void license_sequencer::resync(std::uint64_t server_seq) {
  last_ = server_seq;
}

get_license_seq license_sequencer::resync_request() const {
  get_license_seq req;
  req.license = base_;
  req.license.seq_number = 0;
  return req;
}

} // namespace rk7
