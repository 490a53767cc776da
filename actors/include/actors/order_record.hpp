#pragma once
// The gateway's durable record of one order (persisted as JSON in the
// `orders` table) and its API form (api.md §3.6). Pure logic: no actors.

#include "common/money.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rkgate::actors {

/// How far creation on the cash server got; persisted before and after each step.
enum class order_step {
  creating, ///< about to send CreateOrder (it may or may not have happened)
  created,  ///< CreateOrder answered; SaveOrder not yet confirmed
  saved,    ///< SaveOrder answered; the order is complete on the cash server
  failed,   ///< creation ended with an error; nothing to resume
  waiting,  ///< manual acceptance: stored, not sent to the cash server until accepted
};
const char* to_string(order_step s);

struct order_record {
  std::string guid;
  std::string source;
  std::string external_id;
  std::string restaurant;
  std::string body_hash;
  std::string body;      ///< the order body (JSON text) as received, without token
  bool manual = false;   ///< waits for an operator (docs/console.md); table on the delivery table
  order_step step = order_step::creating;
  int status = 5;        ///< api.md §2
  std::int64_t table_code = 0;
  std::string table_name;
  int table_slot = -1;   ///< -1 until a table is allocated
  std::int64_t visit = 0;
  std::int64_t order_ident = 0;
  std::string created_at;
  std::string updated_at;
  std::string priced;    ///< priced order JSON from the last read-back
  kopecks sum = 0;
  kopecks paid = 0;
  kopecks to_pay = 0;
  /// The order's version on the cash server as last read (-1: not known), so
  /// an ORDER loaded again is not read back for a version it has seen.
  std::int64_t rk7_version = -1;
  // The final answer of postorder, repeated for idempotent retries.
  int reply_status = 0;  ///< 0 while creation runs
  std::string reply_code;
  std::string reply_message;

  /// Closed or deleted: nothing more will happen to it.
  bool final() const { return status == 1 || status == 3 || step == order_step::failed; }
};

std::string to_json(const order_record& r);
std::optional<order_record> order_record_from_json(std::string_view text);

/// The order record of api.md §3.6 as JSON text.
std::string order_api_json(const order_record& r);

/// `r.body` parsed (null when empty or unreadable).
nlohmann::json order_body_object(const order_record& r);

/// The order record of api.md §3.6 as a JSON value; `body` is
/// order_body_object(r), for callers that read the body too; `priced` is
/// `r.priced` as a DOM when the caller has it (else it is parsed).
nlohmann::json order_api_object(const order_record& r, const nlohmann::json& body,
                                const nlohmann::json* priced = nullptr);

/// The postorder `data` ({guid, status, table, order}) as JSON text.
/// `priced_valid`: the caller made `r.priced` itself (a dump), so it is
/// spliced in unchecked; otherwise it is checked first (null when invalid).
std::string postorder_data_json(const order_record& r, bool priced_valid = false);

/// Current time as ISO 8601 with offset, e.g. 2026-11-22T14:30:00+03:00.
std::string now_iso8601();

} // namespace rkgate::actors
