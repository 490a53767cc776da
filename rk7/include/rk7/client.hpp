#pragma once
// A typed r_keeper client: build the request, post it, parse the reply.

#include "rk7/codec.hpp"
#include "rk7/transport.hpp"

#include <memory>
#include <utility>

namespace rk7 {

template <class Request>
using reply_callback = std::function<void(result<typename command_traits<Request>::reply>)>;

class client {
public:
  client(std::shared_ptr<transport> net, endpoint ep)
    : net_(std::move(net)), ep_(std::move(ep)) {}

  /// Sends `req`; `done` runs on a loop thread with the parsed reply.
  template <class Request>
  void call(const Request& req, reply_callback<Request> done) const {
    net_->post(ep_, build(req), [done = std::move(done)](result<std::string> body) {
      if (!body)
        done(body.error());
      else
        done(parse_reply<Request>(*body));
    });
  }

  const endpoint& target() const { return ep_; }

private:
  std::shared_ptr<transport> net_;
  endpoint ep_;
};

} // namespace rk7
