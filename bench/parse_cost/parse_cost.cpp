// CPU cost of one r_keeper call on both sides, for callgrind instruction
// counts: the gateway parsing CreateOrder / SaveOrder / GetOrderList replies
// (rk7::parse) and rk7sim serving those requests (cash_server::handle).
// GetOrderList comes in two forms: full (the vendor's defaults: IDs and codes
// of each order's references) and lean (the STATUS POLLER's: open orders, no
// IDs or codes).
//
// Setup (not measured) fills a demo cash server with `open` orders the way
// the gateway makes them (CreateOrder then SaveOrder with two dishes), then
// runs one case `iterations` times inside `rkgate_measured`, the only
// function callgrind collects in bench/parse_cost/parse_cost.sh.
//
//   rkgate-parse-cost <case> [iterations] [open orders]
//   cases: build-create build-save parse-create parse-save parse-list
//          parse-list-lean sim-create sim-save sim-list sim-list-lean
//          sim-command-of

#include "rk7/codec.hpp"
#include "rk7sim/cash_server.hpp"

#include "common/guid.hpp"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using rkgate::rk7sim::cash_server;

/// CreateOrder as the gateway's ORDER actor builds it (actors/src/order.cpp).
rk7::create_order create_request(const std::string& guid) {
  rk7::create_order req;
  req.guid = guid;
  req.table = rk7::ref::by_code(100);
  req.station = rk7::ref::by_id(15004);
  req.waiter = rk7::ref::by_code(1);
  req.order_category = rk7::ref::by_code(1);
  req.guests = 1;
  req.persistent_comment = "bench";
  req.external_props["table"] = "100";
  req.external_props["source"] = "bench";
  req.external_props["external_id"] = guid;
  return req;
}

/// SaveOrder with bench/run.py's ORDER_BODY: dishes 1000001 x1 and 1000003 x2.
rk7::save_order save_request(const std::string& guid) {
  rk7::save_order req;
  req.target = rk7::order_ref::by_guid(guid);
  rk7::session_request s;
  s.station = rk7::ref::by_id(15004);
  rk7::dish_request a;
  a.item = rk7::ref::by_id(1000001);
  a.quantity = 1000;
  rk7::dish_request b;
  b.item = rk7::ref::by_id(1000003);
  b.quantity = 2000;
  s.dishes = {a, b};
  req.sessions.push_back(s);
  return req;
}

/// GetOrderList as the STATUS POLLER asks it (actors/src/status_poller.cpp).
rk7::get_order_list lean_list_request() {
  rk7::get_order_list req;
  req.only_opened = true;
  req.need_idents = false;
  req.need_codes = false;
  return req;
}

/// `reply` when its status is Ok (moved through: no copy in the measured loop).
std::string checked(std::string reply, const char* what) {
  if (reply.find("Status=\"Ok\"") == std::string::npos)
    throw std::runtime_error(std::string(what) + " failed: " + reply.substr(0, 400));
  return reply;
}

struct fixture {
  cash_server server{rkgate::rk7sim::demo_dataset(1)};
  std::string create_reply, save_reply, list_reply, lean_list_reply;

  explicit fixture(int open) {
    for (int i = 0; i < open; ++i) {
      std::string guid = rkgate::new_guid();
      create_reply = checked(server.handle(rk7::build(create_request(guid))), "CreateOrder");
      save_reply = checked(server.handle(rk7::build(save_request(guid))), "SaveOrder");
    }
    list_reply = checked(server.handle(rk7::build(rk7::get_order_list{})), "GetOrderList");
    lean_list_reply = checked(server.handle(rk7::build(lean_list_request())), "GetOrderList");
  }
};

template <class Reply>
void parse_or_die(const std::string& xml) {
  if (!rk7::parse<Reply>(xml))
    throw std::runtime_error("reply did not parse");
}

} // namespace

// The measured loop: extern "C" so callgrind's --toggle-collect names it plainly.
extern "C" __attribute__((noinline)) void rkgate_measured(const std::function<void(int)>* step, int iterations) {
  for (int i = 0; i < iterations; ++i)
    (*step)(i);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: rkgate-parse-cost <case> [iterations] [open orders]\n");
    return 2;
  }
  const std::string which = argv[1];
  const int iterations = argc > 2 ? std::atoi(argv[2]) : 20;
  const int open = argc > 3 ? std::atoi(argv[3]) : 300;
  try {
    fixture f(open);
    std::vector<std::string> requests; // prepared outside the measured loop
    std::function<void(int)> step;
    if (which == "build-create") {
      const rk7::create_order req = create_request(rkgate::new_guid());
      step = [&, req](int) { requests.push_back(rk7::build(req)); };
      requests.reserve(static_cast<std::size_t>(iterations));
    } else if (which == "build-save") {
      const rk7::save_order req = save_request(rkgate::new_guid());
      step = [&, req](int) { requests.push_back(rk7::build(req)); };
      requests.reserve(static_cast<std::size_t>(iterations));
    } else if (which == "parse-create") {
      step = [&](int) { parse_or_die<rk7::created_order>(f.create_reply); };
    } else if (which == "parse-save") {
      step = [&](int) { parse_or_die<rk7::saved_order>(f.save_reply); };
    } else if (which == "parse-list") {
      step = [&](int) { parse_or_die<rk7::order_list>(f.list_reply); };
    } else if (which == "parse-list-lean") {
      step = [&](int) { parse_or_die<rk7::order_list>(f.lean_list_reply); };
    } else if (which == "sim-create" || which == "sim-save") {
      std::vector<std::string> guids;
      for (int i = 0; i < iterations; ++i)
        guids.push_back(rkgate::new_guid());
      for (const auto& g : guids)
        requests.push_back(rk7::build(create_request(g)));
      if (which == "sim-save") {
        for (const auto& r : requests)
          checked(f.server.handle(r), "CreateOrder");
        requests.clear();
        for (const auto& g : guids)
          requests.push_back(rk7::build(save_request(g)));
      }
      step = [&](int i) { checked(f.server.handle(requests[static_cast<std::size_t>(i)]), which.c_str()); };
    } else if (which == "sim-list") {
      requests.push_back(rk7::build(rk7::get_order_list{}));
      step = [&](int) { checked(f.server.handle(requests.front()), "GetOrderList"); };
    } else if (which == "sim-list-lean") {
      requests.push_back(rk7::build(lean_list_request()));
      step = [&](int) { checked(f.server.handle(requests.front()), "GetOrderList"); };
    } else if (which == "sim-command-of") {
      // restaurant_slot reads each request's command name for latency rules and logs.
      requests.push_back(rk7::build(save_request(rkgate::new_guid())));
      step = [&](int) {
        if (cash_server::command_of(requests.front()).empty())
          throw std::runtime_error("no command");
      };
    } else {
      std::fprintf(stderr, "unknown case %s\n", which.c_str());
      return 2;
    }
    rkgate_measured(&step, iterations);
    std::printf("case=%s iterations=%d open=%d create_reply=%zu save_reply=%zu list_reply=%zu "
                "lean_list_reply=%zu bytes\n",
                which.c_str(), iterations, open, f.create_reply.size(), f.save_reply.size(),
                f.list_reply.size(), f.lean_list_reply.size());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rkgate-parse-cost: %s\n", e.what());
    return 1;
  }
  return 0;
}
