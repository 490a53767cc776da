#pragma once
// Actor tests on CAF 0.17.6's deterministic scheduler driven from Catch2
// (notes/stack.md §5.5): scheduler.policy = testing, then run() /
// advance_time() on the test_coordinator. A fake r_keeper stands behind the
// CASH SERVER's poster seam and a fake STORE keeps records in memory, so
// every step happens when the test says so.

#include "actors/spawn.hpp"

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <catch2/catch.hpp>

#include <deque>
#include <fstream>
#include <map>
#include <sstream>

namespace rkgate::test {

using namespace rkgate::actors;

/// An actor system on the deterministic test coordinator.
struct caf_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;

  static caf::actor_system_config& init(caf::actor_system_config& c) {
    c.set("scheduler.policy", caf::atom("testing"));
    c.set("logger.file-verbosity", caf::atom("quiet"));
    c.set("logger.console-verbosity", caf::atom("quiet"));
    c.add_message_types<caf::id_block::rkgate_atoms>();
    return c;
  }
  std::vector<caf::actor> owned; ///< stopped when the test ends

  caf_fixture() : sys(init(cfg)), sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())) {}
  ~caf_fixture() {
    for (auto& a : owned)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    owned.clear();
    sched.run();
  }

  /// Registers an actor the test spawned, so that it stops with the test.
  template <class Handle>
  Handle own(Handle h) {
    owned.push_back(caf::actor_cast<caf::actor>(h));
    return h;
  }

  /// Sends a request from a fresh actor; the slot fills once the reply arrives.
  template <class T, class Handle, class... Ts>
  std::shared_ptr<std::optional<T>> ask(const Handle& to, Ts... xs) {
    auto out = std::make_shared<std::optional<T>>();
    sys.spawn([=](caf::event_based_actor* self) {
      self->request(to, caf::infinite, xs...).then([out](T& v) { *out = std::move(v); }, [](caf::error&) {});
    });
    return out;
  }
};

/// A reply body from tests/fixtures/rk7/.
inline std::string rk7_fixture(const std::string& name) {
  std::ifstream f(std::string(RKGATE_FIXTURES_DIR) + "/rk7/" + name);
  std::stringstream s;
  s << f.rdbuf();
  REQUIRE_FALSE(s.str().empty());
  return s.str();
}

/// An `RK7QueryResult` error reply.
inline std::string rk7_error_reply(const std::string& cmd, int rk7_error_n, const std::string& text) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><RK7QueryResult ServerVersion=\"7.6.5.92\" "
         "Status=\"Query Executing Error\" CMD=\"" + cmd + "\" RK7ErrorN=\"" + std::to_string(rk7_error_n) +
         "\" ErrorText=\"" + text + "\"/>";
}

/// A fake r_keeper: calls wait in `pending` until the test answers them.
struct fake_rk7 {
  struct call {
    std::string xml;
    rk7::body_callback done;
    std::string command() const {
      auto at = xml.find("CMD=\"");
      return at == std::string::npos ? "" : xml.substr(at + 5, xml.find('"', at + 5) - at - 5);
    }
  };
  std::deque<call> pending;

  rk7_poster poster() {
    return [this](std::string xml, rk7::body_callback done) { pending.push_back({std::move(xml), std::move(done)}); };
  }
  std::size_t count(const std::string& cmd) const {
    std::size_t n = 0;
    for (const auto& c : pending)
      n += c.command() == cmd ? 1 : 0;
    return n;
  }
  /// The oldest pending call of `cmd` (fails the test when there is none).
  const call& peek(const std::string& cmd) const {
    for (const auto& c : pending)
      if (c.command() == cmd)
        return c;
    FAIL("no pending " << cmd);
    throw std::logic_error("unreachable");
  }
  /// Answers the oldest pending call of `cmd` with `body`.
  void answer(const std::string& cmd, std::string body) {
    auto c = take(cmd);
    c.done(std::move(body));
  }
  /// Fails the oldest pending call of `cmd` as the transport would.
  void fail(const std::string& cmd, rk7::error_kind kind = rk7::error_kind::network) {
    auto c = take(cmd);
    rk7::error e;
    e.kind = kind;
    e.message = "connection refused";
    c.done(e);
  }

private:
  call take(const std::string& cmd) {
    for (auto it = pending.begin(); it != pending.end(); ++it)
      if (it->command() == cmd) {
        auto c = std::move(*it);
        pending.erase(it);
        return c;
      }
    FAIL("no pending " << cmd);
    throw std::logic_error("unreachable");
  }
};

/// A STORE in memory (event-based, so it runs on the test coordinator).
struct fake_store_data {
  std::map<std::pair<persistence::table, std::string>, std::string> records;
  bool fail_writes = false;
  std::size_t writes = 0;
  std::optional<std::string> get(persistence::table t, const std::string& key) const {
    auto it = records.find({t, key});
    if (it == records.end())
      return std::nullopt;
    return it->second;
  }
};

inline store_actor spawn_fake_store(caf::actor_system& sys, std::shared_ptr<fake_store_data> data) {
  return sys.spawn([data](store_actor::pointer) -> store_actor::behavior_type {
    return {
      [data](atom::put, persistence::write_batch& batch, bool) {
        if (data->fail_writes)
          return false;
        ++data->writes;
        for (const auto& op : batch.ops())
          if (op.value)
            data->records[{op.t, op.key}] = *op.value;
          else
            data->records.erase({op.t, op.key});
        return true;
      },
      [](atom::flush) {}, // writes apply at once here: nothing to group
      [data](atom::get, store_key& k) {
        auto v = data->get(k.table, k.key);
        return store_value{v.has_value(), v.value_or("")};
      },
      [data](atom::scan, store_key& k) {
        store_records out;
        for (const auto& [key, value] : data->records)
          if (key.first == k.table && key.second.rfind(k.key, 0) == 0)
            out.items.emplace_back(key.second, value);
        return out;
      },
    };
  });
}

/// A STORE whose puts wait until the test releases them, oldest first
/// (a `flush` message answers the oldest put with `next_ok`: a promise is
/// delivered by its actor, not by the test).
struct held_store_data {
  struct put {
    persistence::write_batch batch;
    bool sync = false;
    caf::typed_response_promise<bool> rp;
    bool writes(persistence::table t, const std::string& k) const {
      for (const auto& op : batch.ops())
        if (op.t == t && op.key == k && op.value)
          return true;
      return false;
    }
    bool erases(persistence::table t, const std::string& k) const {
      for (const auto& op : batch.ops())
        if (op.t == t && op.key == k && !op.value)
          return true;
      return false;
    }
  };
  std::deque<put> puts;
  bool next_ok = true;
};

inline store_actor spawn_held_store(caf::actor_system& sys, std::shared_ptr<held_store_data> data) {
  return sys.spawn([data](store_actor::pointer self) -> store_actor::behavior_type {
    return {
      [self, data](atom::put, persistence::write_batch& batch, bool sync) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        data->puts.push_back({std::move(batch), sync, rp});
        return rp;
      },
      [data](atom::flush) {
        auto p = std::move(data->puts.front());
        data->puts.pop_front();
        p.rp.deliver(data->next_ok);
      },
      [](atom::get, store_key&) { return store_value{}; },
      [](atom::scan, store_key&) { return store_records{}; },
    };
  });
}

} // namespace rkgate::test
