// The durable outbox: keys, sequence numbers, and a restart.

#include "scratch_store.hpp"

#include "notify/outbox.hpp"

#include <catch2/catch.hpp>

using namespace rkgate::notify;
using namespace std::chrono_literals;
using rkgate_test::scratch_store;

namespace {
const time_point t0 = time_point(std::chrono::hours(24 * 365 * 56)); // late 2025
}

TEST_CASE("enqueue numbers each order's deliveries from 1", "[notify][outbox]") {
  scratch_store disk;
  outbox box(disk.db());
  box.load();
  auto a1 = box.enqueue("{A}", "http://a/hook", "sha256=1", "a1", t0);
  auto b1 = box.enqueue("{B}", "http://b/hook", "sha256=2", "b1", t0);
  auto a2 = box.enqueue("{A}", "http://a/hook", "sha256=3", "a2", t0 + 1s);
  CHECK(a1.sequence == 1);
  CHECK(b1.sequence == 1);
  CHECK(a2.sequence == 2);
  CHECK(a2.id() == "{A}#2");
  CHECK(a2.next_attempt_at == t0 + 1s);
  CHECK(a2.attempts == 0);
  CHECK(box.size() == 3);
}

TEST_CASE("a restart restores every pending delivery, each order in sequence order",
          "[notify][outbox]") {
  scratch_store disk;
  {
    outbox box(disk.db());
    box.load();
    // More than 15 so that sequence keys need their zero padding to sort.
    for (int i = 0; i < 20; ++i)
      box.enqueue("{A}", "http://a/hook", "sig", "a" + std::to_string(i + 1), t0 + i * 1s);
    auto b = box.enqueue("{B}", "http://b/hook", "sig", "b1", t0);
    auto c1 = box.enqueue("{C}", "http://c/hook", "sig", "c1", t0);
    box.remove(c1);
    b.attempts = 3;
    b.first_attempt_at = t0 + 1s;
    b.next_attempt_at = t0 + 10s;
    b.last_error = "HTTP 500";
    box.update(b);
  }
  disk.reopen();
  outbox box(disk.db());
  auto loaded = box.load();
  CHECK(loaded.unreadable_keys.empty());
  REQUIRE(loaded.deliveries.size() == 21);
  std::vector<std::string> a_bodies;
  for (const auto& d : loaded.deliveries)
    if (d.order_guid == "{A}")
      a_bodies.push_back(d.body);
  REQUIRE(a_bodies.size() == 20);
  for (int i = 0; i < 20; ++i)
    CHECK(a_bodies[i] == "a" + std::to_string(i + 1));

  const delivery* b = nullptr;
  for (const auto& d : loaded.deliveries)
    if (d.order_guid == "{B}")
      b = &d;
  REQUIRE(b != nullptr);
  CHECK(b->attempts == 3);
  CHECK(b->first_attempt_at == t0 + 1s);
  CHECK(b->next_attempt_at == t0 + 10s);
  CHECK(b->last_error == "HTTP 500");
  CHECK(b->url == "http://b/hook");
  CHECK(b->created_at == t0);

  // Sequence numbers resume after the restart.
  CHECK(box.enqueue("{A}", "http://a/hook", "sig", "a21", t0).sequence == 21);
  CHECK(box.enqueue("{C}", "http://c/hook", "sig", "c", t0).sequence == 1);
}

TEST_CASE("bad deliveries are refused and change nothing", "[notify][outbox]") {
  scratch_store disk;
  outbox box(disk.db());
  box.load();
  CHECK_THROWS_AS(box.enqueue("", "http://a", "s", "b", t0), std::invalid_argument);
  CHECK_THROWS_AS(box.enqueue("{A}", "", "s", "b", t0), std::invalid_argument);
  CHECK_THROWS_AS(box.enqueue(std::string("{A}\x1f") + "x", "http://a", "s", "b", t0),
                  std::invalid_argument);
  CHECK(box.size() == 0);
  CHECK(box.load().deliveries.empty());
  CHECK(box.enqueue("{A}", "http://a", "s", "b", t0).sequence == 1);
}

TEST_CASE("an unreadable record is reported, not lost silently", "[notify][outbox]") {
  scratch_store disk;
  rkgate::persistence::write_batch junk;
  junk.put(rkgate::persistence::table::outbox, outbox::key("{A}", 1), "not json");
  std::string error;
  REQUIRE(disk.db().write(junk, true, &error));
  outbox box(disk.db());
  auto loaded = box.load();
  CHECK(loaded.deliveries.empty());
  REQUIRE(loaded.unreadable_keys.size() == 1);
  CHECK(loaded.unreadable_keys[0] == outbox::key("{A}", 1));
}
