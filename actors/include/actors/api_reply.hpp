#pragma once
// What an actor answers to an API call, independent of the HTTP library:
// the HTTP status of the contract plus either the `data` JSON or an error.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

namespace rkgate::actors {

/// An answer to one API request. `data` and `details` are serialized JSON.
struct api_reply {
  int status = 200;     ///< HTTP status from the contract (200, 201, 202, 4xx, 5xx)
  std::string data;     ///< JSON text of `data` on success
  std::string code;     ///< machine error code on failure; empty on success
  std::string message;  ///< human text on failure
  std::string details;  ///< optional JSON text of `error.details`
  std::string etag;     ///< getmenu: the menu version
  bool plain = false;   ///< `data` is plain UTF-8 text, not JSON (print_info)
  /// Milliseconds (with fractions) spent in r_keeper calls for this answer
  /// (validate, postorder): sent as `Server-Timing: rk7;dur=<ms>`; -1 = not measured.
  double rk7_ms = -1;
  /// Milliseconds (with fractions) the answer waited, after r_keeper had
  /// replied, for the order's record to be durable (postorder: the WAL sync
  /// behind CreateOrder): sent as `Server-Timing: disk;dur=<ms>`; -1 = not measured.
  double disk_ms = -1;
  int retry_after_s = 0; ///< 429: seconds until a request would be admitted (`Retry-After`)

  bool ok() const { return code.empty(); }

  static api_reply success(int status, std::string data) {
    api_reply r;
    r.status = status;
    r.data = std::move(data);
    return r;
  }
  static api_reply failure(int status, std::string code, std::string message,
                           std::string details = {}) {
    api_reply r;
    r.status = status;
    r.code = std::move(code);
    r.message = std::move(message);
    r.details = std::move(details);
    return r;
  }
};

/// Where the answer to one API request goes when no actor waits for it: the
/// HTTP layer's handle on the request. postorder hands it to the SOURCE with
/// the order, and the ORDER answers into it, so no bridge actor relays the
/// admission and the result (two thread hand-overs fewer per order). The
/// HTTP layer implements it: both calls may come from any thread, and the
/// first answer wins (a later one, e.g. after a 202 past the deadline, is dropped).
class answer_sink {
public:
  virtual ~answer_sink() = default;
  /// The request is about order `guid` (what a 202 past the deadline names);
  /// `repeat`: a retry of a known external_id (answered 200, without timings).
  /// Called before the request is handed on to the order's actor.
  virtual void admitted(const std::string& guid, bool repeat) = 0;
  virtual void answer(api_reply reply) = 0;
};
using answer_sink_ptr = std::shared_ptr<answer_sink>;

} // namespace rkgate::actors
