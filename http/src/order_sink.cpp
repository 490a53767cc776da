// postorder's answer channel: the ORDER (or the SOURCE, for a conflict or a
// stored order) answers the request itself through it, and a timer on the
// event loop answers 202 when creation outlasts the request's deadline.

#include "context.hpp"

#include "common/json_text.hpp"

#include <nlohmann/json.hpp>

namespace rkgate::http {

namespace {

struct admitted_order {
  std::string guid;
  bool repeat = false;
};

/// The first of the actors' answer and the deadline's 202 writes the
/// response; the other is dropped. The deadline is an asio timer on the event
/// loop, set where the request arrived, so the order path wakes no other
/// thread for it. The actors that have the request keep the sink alive (the
/// timer only looks at it); a sink dropped unanswered answers 500, so a
/// request is never left without an answer.
class order_sink final : public actors::answer_sink, public std::enable_shared_from_this<order_sink> {
public:
  order_sink(context_ptr ctx, request_handle req)
    : ctx_(std::move(ctx)), req_(std::move(req)), timer_(*ctx_->io) {}

  ~order_sink() override {
    if (!answered_)
      respond(ctx_, req_, actors::api_reply::failure(500, "internal_error", "the order's answer was lost; ask getorders"));
  }

  void arm(std::chrono::milliseconds after) {
    timer_.expires_after(after);
    timer_.async_wait([weak = weak_from_this()](const restinio::asio_ns::error_code& ec) {
      if (auto self = weak.lock(); self && !ec)
        self->past_deadline();
    });
  }

  void admitted(const std::string& guid, bool repeat) override {
    std::atomic_store(&admitted_, std::make_shared<const admitted_order>(admitted_order{guid, repeat}));
    // Both sides store, then look at the other's store (sequentially
    // consistent), so a deadline that passed meanwhile is never missed.
    if (late_)
      answer_late(guid);
  }

  void answer(actors::api_reply r) override {
    if (answered_.exchange(true))
      return;
    if (auto a = std::atomic_load(&admitted_); a && a->repeat) {
      if (r.status == 201)
        r.status = 200;
      r.rk7_ms = 0; // this request made no r_keeper call and waited for no write
      r.disk_ms = 0;
    }
    respond(ctx_, req_, r);
  }

private:
  void past_deadline() {
    late_ = true;
    // Not admitted yet: the 202 follows the admission (its guid is the answer).
    if (auto a = std::atomic_load(&admitted_))
      answer_late(a->guid);
  }

  void answer_late(const std::string& guid) {
    if (answered_.exchange(true))
      return;
    nlohmann::json data = {
      {"guid", guid}, {"status", 5}, {"status_name", "new"}, {"table", nullptr}, {"order", nullptr}};
    respond(ctx_, req_, actors::api_reply::success(202, json_text(data)));
  }

  context_ptr ctx_;
  request_handle req_; ///< touched only by the one answer that wins
  restinio::asio_ns::steady_timer timer_;
  std::shared_ptr<const admitted_order> admitted_; ///< published with std::atomic_store
  std::atomic<bool> late_{false};
  std::atomic<bool> answered_{false};
};

} // namespace

actors::answer_sink_ptr order_answer_sink(const context_ptr& ctx, request_handle req) {
  auto sink = std::make_shared<order_sink>(ctx, std::move(req));
  sink->arm(ctx->dir->cfg.server.request_timeout);
  return sink;
}

} // namespace rkgate::http
