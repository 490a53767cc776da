#pragma once
// The XML-SaaS seqNumber rule (§5): every licensed call carries the next
// number of its licence instance (0 first, then strictly +1). On 5305/5310
// the caller asks GetXMLLicenseInstanceSeqNumber, resyncs, retries once, and
// persists the counter after success. This is the pure state; the CASH
// SERVER actor owns one per licence instance and drives the calls.

#include "rk7/error.hpp"
#include "rk7/types.hpp"

#include <cstdint>
#include <optional>

namespace rk7 {

class license_sequencer {
public:
  /// `last_used` is the persisted last number, or nullopt for a new instance.
  license_sequencer(license_info base, std::optional<std::uint64_t> last_used);

  /// The LicenseInfo for the next call, with its seqNumber taken.
  license_info next();

  /// After GetXMLLicenseInstanceSeqNumber answered `server_seq` (the last
  /// number the server saw): the next call uses server_seq + 1.
  void resync(std::uint64_t server_seq);

  /// The request that asks the server for its counter.
  get_license_seq resync_request() const;

  /// The last number handed out (what to persist), or nullopt.
  std::optional<std::uint64_t> last_used() const { return last_; }

private:
  license_info base_;
  std::optional<std::uint64_t> last_;
};

} // namespace rk7
