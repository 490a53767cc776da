// The CASH SERVER on the deterministic scheduler with a fake r_keeper:
// writes one at a time, fail-fast while down, health from the periodic
// GetSystemInfo, and the XML-SaaS seqNumber (persist first, resync once).

#include "caf_fixture.hpp"

using namespace rkgate;
using namespace rkgate::test;

namespace {

const cash_server_timing timing{std::chrono::milliseconds(2000), std::chrono::milliseconds(1000)};

rk7::create_order create_req(const std::string& guid) {
  rk7::create_order req;
  req.guid = guid;
  req.table = rk7::ref::by_code(100);
  return req;
}

rk7::save_order save_req() {
  rk7::save_order req;
  req.target = rk7::order_ref::by_guid("{BED30F72-70B1-4929-AF40-A36E652FDC10}");
  req.sessions.emplace_back();
  return req;
}

rk7::license_info license() {
  return rk7::license_info{"6:655cee55-7bcd-4826-b6e0-a8ccf2017ef3#199999993/17", "token-1",
                           "{5C0B2A8E-7A34-4F2B-9B7E-2B1D2F1A9C01}", 0};
}

const std::string instance = "{5C0B2A8E-7A34-4F2B-9B7E-2B1D2F1A9C01}";

std::string seq_in(const std::string& xml) {
  auto at = xml.find("seqNumber=\"");
  REQUIRE(at != std::string::npos);
  return xml.substr(at + 11, xml.find('"', at + 11) - at - 11);
}

struct cash_fixture : caf_fixture {
  fake_rk7 rk7;
  std::shared_ptr<fake_store_data> stored = std::make_shared<fake_store_data>();
  cash_server_actor cash;

  void spawn(std::optional<rk7::license_info> lic = std::nullopt, std::optional<std::uint64_t> last = std::nullopt,
             int writes_in_flight = 1) {
    cash_server_setup setup;
    setup.restaurant = "r1";
    setup.post = rk7.poster();
    setup.timing = timing;
    setup.writes_in_flight = writes_in_flight;
    setup.license = lic;
    setup.last_seq = last;
    setup.store = own(spawn_fake_store(sys, stored));
    cash = own(spawn_cash_server(sys, setup));
    sched.run();
  }
  /// Answers the start-up GetSystemInfo (and the licence check under SaaS).
  void come_up() {
    rk7.answer("GetSystemInfo", rk7_fixture("get_system_info_7_5.xml"));
    sched.run();
    if (rk7.count("GetXMLLicenseInstanceSeqNumber") > 0) {
      rk7.answer("GetXMLLicenseInstanceSeqNumber", rk7_fixture("license_seq.xml"));
      sched.run();
    }
  }
  cash_health health() {
    auto h = ask<cash_health>(cash, atom::status_v);
    sched.run();
    REQUIRE(*h);
    return **h;
  }
};

} // namespace

TEST_CASE_METHOD(cash_fixture, "cash server: writes go out one at a time, reads overlap", "[actors][cash_server]") {
  spawn();
  come_up();
  auto first = ask<rk7_result<rk7::created_order>>(cash, atom::call_v, create_req("{A}"));
  auto second = ask<rk7_result<rk7::saved_order>>(cash, atom::call_v, save_req());
  auto third = ask<rk7_result<rk7::created_order>>(cash, atom::call_v, create_req("{C}"));
  auto read = ask<rk7_result<rk7::order>>(cash, atom::call_v, rk7::get_order{rk7::order_ref::by_guid("{A}")});
  sched.run();
  // One write in flight; the read did not wait for it.
  CHECK(rk7.count("CreateOrder") == 1);
  CHECK(rk7.count("SaveOrder") == 0);
  CHECK(rk7.count("GetOrder") == 1);
  CHECK(rk7.peek("CreateOrder").xml.find("{A}") != std::string::npos);

  rk7.answer("GetOrder", rk7_fixture("get_order.xml"));
  sched.run();
  REQUIRE(*read);
  CHECK(bool(**read));
  CHECK(rk7.count("SaveOrder") == 0); // still behind the first write

  rk7.answer("CreateOrder", rk7_fixture("create_order.xml"));
  sched.run();
  REQUIRE(*first);
  CHECK((**first)->visit == 471734503);
  CHECK(rk7.count("SaveOrder") == 1);
  CHECK(rk7.count("CreateOrder") == 0);

  // A failed write still frees the slot for the next.
  rk7.answer("SaveOrder", rk7_error_reply("SaveOrder", 3807, "paid order"));
  sched.run();
  REQUIRE(*second);
  CHECK_FALSE(**second);
  CHECK((**second).error().rk7_error_n == 3807);
  REQUIRE(rk7.count("CreateOrder") == 1);
  CHECK(rk7.peek("CreateOrder").xml.find("{C}") != std::string::npos);
  rk7.answer("CreateOrder", rk7_fixture("create_order.xml"));
  sched.run();
  CHECK(*third);
  CHECK(rk7.pending.empty());
}

TEST_CASE_METHOD(cash_fixture, "cash server: writes_in_flight 2 sends a second write while the first is at r_keeper",
                 "[actors][cash_server]") {
  spawn(std::nullopt, std::nullopt, 2);
  come_up();
  auto first = ask<rk7_result<rk7::created_order>>(cash, atom::call_v, create_req("{A}"));
  auto second = ask<rk7_result<rk7::created_order>>(cash, atom::call_v, create_req("{B}"));
  auto third = ask<rk7_result<rk7::created_order>>(cash, atom::call_v, create_req("{C}"));
  sched.run();
  // Two at r_keeper, in the order asked; the third waits for a free slot.
  REQUIRE(rk7.count("CreateOrder") == 2);
  CHECK(rk7.pending[0].xml.find("{A}") != std::string::npos);
  CHECK(rk7.pending[1].xml.find("{B}") != std::string::npos);
  rk7.answer("CreateOrder", rk7_fixture("create_order.xml"));
  sched.run();
  REQUIRE(*first);
  REQUIRE(rk7.count("CreateOrder") == 2);
  CHECK(rk7.pending[1].xml.find("{C}") != std::string::npos);
  rk7.answer("CreateOrder", rk7_fixture("create_order.xml"));
  rk7.answer("CreateOrder", rk7_fixture("create_order.xml"));
  sched.run();
  CHECK(*second);
  CHECK(*third);
  CHECK(rk7.pending.empty());
}

TEST_CASE_METHOD(cash_fixture, "cash server: under XML-SaaS ping shows an unaccepted licence before the actor runs",
                 "[actors][cash_server][saas]") {
  // The HTTP server can answer a ping before the CASH SERVER's first turn:
  // the board must not show the default (a lifetime licence, valid) meanwhile.
  cash_server_setup setup;
  setup.restaurant = "r1";
  setup.post = rk7.poster();
  setup.timing = timing;
  setup.license = license();
  setup.store = own(spawn_fake_store(sys, stored));
  auto board = setup.health;
  cash = own(spawn_cash_server(sys, setup)); // not run yet: the scheduler is ours
  auto before = board->read();
  CHECK(before->saas);
  CHECK_FALSE(before->license_valid);
  sched.run();
  come_up();
  CHECK(board->read()->saas);
  CHECK(board->read()->license_valid);
}

TEST_CASE_METHOD(cash_fixture, "cash server: XML-SaaS keeps one write at a time whatever writes_in_flight says",
                 "[actors][cash_server][saas]") {
  spawn(license(), 7, 2);
  come_up();
  auto first = ask<rk7_result<rk7::saved_order>>(cash, atom::call_v, save_req());
  auto second = ask<rk7_result<rk7::saved_order>>(cash, atom::call_v, save_req());
  sched.run();
  CHECK(rk7.count("SaveOrder") == 1);
  rk7.answer("SaveOrder", rk7_fixture("save_order.xml"));
  sched.run();
  REQUIRE(*first);
  CHECK(rk7.count("SaveOrder") == 1); // the second only now
  rk7.answer("SaveOrder", rk7_fixture("save_order.xml"));
  sched.run();
  CHECK(*second);
}

TEST_CASE_METHOD(cash_fixture, "cash server: health follows GetSystemInfo on its timer; fail fast while down",
                 "[actors][cash_server]") {
  spawn();
  CHECK_FALSE(health().checked);
  rk7.fail("GetSystemInfo");
  sched.run();
  auto h = health();
  CHECK(h.checked);
  CHECK_FALSE(h.reachable);
  CHECK_FALSE(h.last_error.empty());

  // Known down: answered at once with cash_server_unavailable, nothing sent.
  auto write = ask<rk7_result<rk7::created_order>>(cash, atom::call_v, create_req("{A}"));
  auto read = ask<rk7_result<rk7::order>>(cash, atom::call_v, rk7::get_order{rk7::order_ref::by_guid("{A}")});
  sched.run();
  REQUIRE(*write);
  REQUIRE(*read);
  CHECK((**write).error().unreachable());
  CHECK((**read).error().unreachable());
  CHECK(cash_failure((**write).error()).code == "cash_server_unavailable");
  CHECK(rk7.pending.empty());

  // The next check comes after the "down" period, not before.
  sched.advance_time(std::chrono::milliseconds(999));
  sched.run();
  CHECK(rk7.count("GetSystemInfo") == 0);
  sched.advance_time(std::chrono::milliseconds(1));
  sched.run();
  REQUIRE(rk7.count("GetSystemInfo") == 1);
  rk7.answer("GetSystemInfo", rk7_fixture("get_system_info_7_5.xml"));
  sched.run();
  h = health();
  CHECK(h.reachable);
  CHECK(h.last_error.empty());
  CHECK(h.net_name == "TEST_RK7SRV_COUNT");
  CHECK(h.saas == false);
  CHECK(h.license_valid);

  // Healthy: the next check after the longer period.
  sched.advance_time(std::chrono::milliseconds(1999));
  sched.run();
  CHECK(rk7.count("GetSystemInfo") == 0);
  sched.advance_time(std::chrono::milliseconds(1));
  sched.run();
  CHECK(rk7.count("GetSystemInfo") == 1);

  // A failing call marks it down at once, before the next check.
  auto again = ask<rk7_result<rk7::order>>(cash, atom::call_v, rk7::get_order{rk7::order_ref::by_guid("{A}")});
  sched.run();
  rk7.fail("GetOrder", rk7::error_kind::timeout);
  sched.run();
  REQUIRE(*again);
  CHECK_FALSE(health().reachable);
}

TEST_CASE_METHOD(cash_fixture, "cash server: no GetSystemInfo while other calls keep being answered",
                 "[actors][cash_server]") {
  spawn();
  rk7.answer("GetSystemInfo", rk7_fixture("get_system_info_7_5.xml"));
  sched.run();
  // At 1.5 s a GetOrder is answered: it proves the server answers, so the
  // check due at 2 s moves to 2 s after that answer.
  sched.advance_time(std::chrono::milliseconds(1500));
  sched.run();
  auto read = ask<rk7_result<rk7::order>>(cash, atom::call_v, rk7::get_order{rk7::order_ref::by_guid("{A}")});
  sched.run();
  rk7.answer("GetOrder", rk7_fixture("get_order.xml"));
  sched.run();
  REQUIRE(*read);
  sched.advance_time(std::chrono::milliseconds(500));
  sched.run();
  CHECK(rk7.count("GetSystemInfo") == 0);
  sched.advance_time(std::chrono::milliseconds(1499));
  sched.run();
  CHECK(rk7.count("GetSystemInfo") == 0);
  sched.advance_time(std::chrono::milliseconds(1));
  sched.run();
  CHECK(rk7.count("GetSystemInfo") == 1);
  CHECK(health().reachable);
}

TEST_CASE_METHOD(cash_fixture, "cash server: XML-SaaS seqNumber is persisted before the call and strictly +1",
                 "[actors][cash_server][saas]") {
  spawn(license(), 5);
  CHECK(health().saas);
  CHECK_FALSE(health().license_valid); // not yet confirmed by the server
  rk7.answer("GetSystemInfo", rk7_fixture("get_system_info_7_5.xml"));
  sched.run();
  // Start-up licence check: a read of the counter, which does not move ours.
  REQUIRE(rk7.count("GetXMLLicenseInstanceSeqNumber") == 1);
  rk7.answer("GetXMLLicenseInstanceSeqNumber", rk7_fixture("license_seq.xml"));
  sched.run();
  CHECK(health().license_valid);

  auto first = ask<rk7_result<rk7::saved_order>>(cash, atom::call_v, save_req());
  auto second = ask<rk7_result<rk7::saved_order>>(cash, atom::call_v, save_req());
  sched.run();
  REQUIRE(rk7.count("SaveOrder") == 1);
  CHECK(seq_in(rk7.peek("SaveOrder").xml) == "6");
  CHECK(stored->get(persistence::table::licenses, instance) == std::string("6")); // before the reply
  rk7.answer("SaveOrder", rk7_fixture("save_order.xml"));
  sched.run();
  REQUIRE(*first);
  CHECK(bool(**first));
  REQUIRE(rk7.count("SaveOrder") == 1);
  CHECK(seq_in(rk7.peek("SaveOrder").xml) == "7");
  CHECK(stored->get(persistence::table::licenses, instance) == std::string("7"));
  rk7.answer("SaveOrder", rk7_fixture("save_order.xml"));
  sched.run();
  CHECK(*second);

  // PayOrder is licensed too; CreateOrder is not.
  auto pay = ask<rk7_result<rk7::ack>>(cash, atom::call_v, rk7::pay_order{});
  sched.run();
  CHECK(seq_in(rk7.peek("PayOrder").xml) == "8");
  rk7.answer("PayOrder", rk7_fixture("pay_order.xml"));
  sched.run();
  CHECK(*pay);
  auto create = ask<rk7_result<rk7::created_order>>(cash, atom::call_v, create_req("{A}"));
  sched.run();
  CHECK(rk7.peek("CreateOrder").xml.find("LicenseInfo") == std::string::npos);
  rk7.answer("CreateOrder", rk7_fixture("create_order.xml"));
  sched.run();
  CHECK(*create);
}

TEST_CASE_METHOD(cash_fixture, "cash server: 5305/5310 resync and retry once, writes stay serialized",
                 "[actors][cash_server][saas]") {
  spawn(license(), 2);
  come_up();
  auto first = ask<rk7_result<rk7::saved_order>>(cash, atom::call_v, save_req());
  auto second = ask<rk7_result<rk7::saved_order>>(cash, atom::call_v, save_req());
  sched.run();
  CHECK(seq_in(rk7.peek("SaveOrder").xml) == "3");
  rk7.answer("SaveOrder", rk7_error_reply("SaveOrder", 5310, "SeqNumber должен быть увеличен."));
  sched.run();
  // Resync: the server's counter is 41, so the retry carries 42 (persisted first).
  REQUIRE(rk7.count("GetXMLLicenseInstanceSeqNumber") == 1);
  CHECK(rk7.count("SaveOrder") == 0);
  rk7.answer("GetXMLLicenseInstanceSeqNumber", rk7_fixture("license_seq.xml"));
  sched.run();
  REQUIRE(rk7.count("SaveOrder") == 1);
  CHECK(seq_in(rk7.peek("SaveOrder").xml) == "42");
  CHECK(stored->get(persistence::table::licenses, instance) == std::string("42"));
  rk7.answer("SaveOrder", rk7_fixture("save_order.xml"));
  sched.run();
  REQUIRE(*first);
  CHECK(bool(**first));

  // The second write went out only now; a second refusal after the retry is final.
  REQUIRE(rk7.count("SaveOrder") == 1);
  CHECK(seq_in(rk7.peek("SaveOrder").xml) == "43");
  rk7.answer("SaveOrder", rk7_fixture("save_order_5305.xml"));
  sched.run();
  rk7.answer("GetXMLLicenseInstanceSeqNumber", rk7_fixture("license_seq.xml"));
  sched.run();
  CHECK(seq_in(rk7.peek("SaveOrder").xml) == "42");
  rk7.answer("SaveOrder", rk7_error_reply("SaveOrder", 5310, "SeqNumber должен быть увеличен."));
  sched.run();
  REQUIRE(*second);
  CHECK((**second).error().rk7_error_n == 5310);
  CHECK(rk7.pending.empty()); // no second resync
}

TEST_CASE_METHOD(cash_fixture, "cash server: a seqNumber that cannot be stored is never sent",
                 "[actors][cash_server][saas]") {
  spawn(license(), std::nullopt);
  come_up();
  stored->fail_writes = true;
  auto r = ask<rk7_result<rk7::saved_order>>(cash, atom::call_v, save_req());
  sched.run();
  REQUIRE(*r);
  CHECK((**r).error().unreachable()); // 503: nothing happened on the cash server
  CHECK(rk7.count("SaveOrder") == 0);
  // The number was used up locally: the next call never reuses it.
  stored->fail_writes = false;
  auto next = ask<rk7_result<rk7::saved_order>>(cash, atom::call_v, save_req());
  sched.run();
  CHECK(seq_in(rk7.peek("SaveOrder").xml) == "1");
}

TEST_CASE_METHOD(cash_fixture, "cash server: a refused licence shows in health", "[actors][cash_server][saas]") {
  spawn(license(), std::nullopt);
  rk7.answer("GetSystemInfo", rk7_fixture("get_system_info_7_5.xml"));
  sched.run();
  rk7.answer("GetXMLLicenseInstanceSeqNumber", rk7_error_reply("GetXMLLicenseInstanceSeqNumber", 0, "Bad license anchor"));
  sched.run();
  auto h = health();
  CHECK(h.reachable);
  CHECK_FALSE(h.license_valid);
  CHECK(h.license_error == "Bad license anchor");
}
