// The events feed with an injected clock: paging by hash, resets, visibility,
// retention, and a restart through the store.

#include "../notify/scratch_store.hpp"

#include "events/feed.hpp"
#include "persistence/store.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace rkgate::events;
using namespace std::chrono_literals;
using rkgate_test::scratch_store;

namespace {

const time_point t0 = time_point(std::chrono::hours(24 * 365 * 56));
const visibility everything = [](const std::string&) { return true; };

new_event call(const std::string& restaurant, std::int64_t table, code what = code::waiter_call) {
  new_event e;
  e.what = what;
  e.restaurant = restaurant;
  e.table = table;
  return e;
}

/// The update object of a retained event (kept as text).
nlohmann::json update_of(const event& e) { return nlohmann::json::parse(e.update); }

std::vector<std::int64_t> tables(const page& p) {
  std::vector<std::int64_t> out;
  for (const event* e : p.updates)
    out.push_back(update_of(*e).at("table").get<std::int64_t>());
  return out;
}

std::size_t stored_count(scratch_store& disk) {
  std::size_t stored = 0;
  disk.db().scan(rkgate::persistence::table::events, "", [&](std::string_view, std::string_view) {
    ++stored;
    return true;
  });
  return stored;
}

} // namespace

TEST_CASE("hashes are 0x and 8 lowercase hex digits, and unique", "[events]") {
  feed log(nullptr, 5min, 12345);
  std::set<std::string> seen;
  // std::regex would do, but trips GCC 12's maybe-uninitialized under the sanitizers.
  auto well_formed = [](const std::string& h) {
    return h.size() == 10 && h.compare(0, 2, "0x") == 0 &&
           h.find_first_not_of("0123456789abcdef", 2) == std::string::npos;
  };
  for (int i = 0; i < 1000; ++i) {
    const std::string hash = log.append(call("msk-01", i), t0).hash;
    CHECK(well_formed(hash));
    seen.insert(hash);
  }
  CHECK(seen.size() == 1000);
  // Another seed (another run) gives other hashes.
  feed other(nullptr, 5min, 999);
  CHECK(seen.count(other.append(call("msk-01", 1), t0).hash) == 0);
}

TEST_CASE("paging by hash gives the events after it, oldest first", "[events]") {
  feed log(nullptr, 5min, 1);
  const auto h1 = log.append(call("msk-01", 1), t0).hash;
  log.append(call("msk-01", 2), t0 + 1s);
  const auto h3 = log.append(call("msk-01", 3), t0 + 2s).hash;

  page first = log.since("none", everything, t0 + 3s);
  CHECK(first.reset);
  CHECK(tables(first) == std::vector<std::int64_t>{1, 2, 3});

  page after1 = log.since(h1, everything, t0 + 3s);
  CHECK_FALSE(after1.reset);
  CHECK(tables(after1) == std::vector<std::int64_t>{2, 3});

  page caught_up = log.since(h3, everything, t0 + 3s);
  CHECK_FALSE(caught_up.reset);
  CHECK(caught_up.updates.empty());

  log.append(call("msk-01", 4), t0 + 4s);
  CHECK(tables(log.since(h3, everything, t0 + 5s)) == std::vector<std::int64_t>{4});
}

TEST_CASE("an unknown or expired hash resets to every retained event", "[events]") {
  feed log(nullptr, 5min, 2);
  const auto old = log.append(call("msk-01", 1), t0).hash;
  log.append(call("msk-01", 2), t0 + 3min);

  page unknown = log.since("0xdeadbeef", everything, t0 + 4min);
  CHECK(unknown.reset);
  CHECK(tables(unknown) == std::vector<std::int64_t>{1, 2});

  // At t0 + 5 min the first event leaves the window, and its hash with it.
  page expired = log.since(old, everything, t0 + 5min);
  CHECK(expired.reset);
  CHECK(tables(expired) == std::vector<std::int64_t>{2});
  CHECK(log.size() == 1);

  CHECK(log.since("", everything, t0 + 5min).reset);
}

TEST_CASE("a reader sees only its restaurants' events", "[events]") {
  feed log(nullptr, 5min, 3);
  const auto m1 = log.append(call("msk-01", 1), t0).hash;
  const auto s1 = log.append(call("spb-01", 10), t0).hash;
  log.append(call("msk-01", 2), t0);
  log.append(call("spb-01", 20), t0);
  const visibility msk = [](const std::string& r) { return r == "msk-01"; };

  page all = log.since("none", msk, t0);
  CHECK(tables(all) == std::vector<std::int64_t>{1, 2});
  CHECK(tables(log.since(m1, msk, t0)) == std::vector<std::int64_t>{2});
  // A hash of another restaurant's event is unknown to this reader.
  page foreign = log.since(s1, msk, t0);
  CHECK(foreign.reset);
  CHECK(tables(foreign) == std::vector<std::int64_t>{1, 2});
}

TEST_CASE("the feed survives a restart within its window", "[events]") {
  scratch_store disk;
  std::string h1, h2;
  {
    feed log(&disk.db(), 5min, 4);
    CHECK(log.load(t0) == 0);
    h1 = log.append(call("msk-01", 1), t0).hash;
    h2 = log.append(call("msk-01", 2), t0 + 2min).hash;
    new_event full = call("msk-01", 3, code::save_order);
    full.guid = "{G}";
    full.invoice = {{"id", 1}};
    full.order = {{"guid", "{G}"}, {"sum", 186.0}};
    full.table_repr = {{"id", 3}, {"name", "6"}, {"max_guests", nullptr}};
    log.append(full, t0 + 3min);
  }
  disk.reopen();
  feed log(&disk.db(), 5min, 5); // a new run: another seed
  CHECK(log.load(t0 + 6min) == 0);
  CHECK(log.size() == 2); // the first expired while the gateway was down

  page after2 = log.since(h2, everything, t0 + 6min);
  CHECK_FALSE(after2.reset);
  REQUIRE(after2.updates.size() == 1);
  const event& e = *after2.updates[0];
  const auto update = update_of(e);
  CHECK(update["code"] == "save_order");
  CHECK(update["guid"] == "{G}");
  CHECK(update["invoice"] == nlohmann::json{{"id", 1}});
  CHECK(update["order"]["sum"] == 186.0);
  CHECK(update["table_repr"]["name"] == "6");
  CHECK(e.created_at == t0 + 3min);
  CHECK(log.since(h1, everything, t0 + 6min).reset);

  // New events go after the restored ones, and their hashes are new.
  const auto h4 = log.append(call("msk-01", 4), t0 + 6min).hash;
  CHECK(tables(log.since(h2, everything, t0 + 6min)) == std::vector<std::int64_t>{3, 4});
  CHECK(h4 != h1);
  CHECK(h4 != h2);

  // Pruned events are gone from disk too.
  disk.reopen();
  feed later(&disk.db(), 5min, 6);
  later.load(t0 + 8min + 30s);
  CHECK(tables(later.since("none", everything, t0 + 8min + 30s)) == std::vector<std::int64_t>{4});
  CHECK(stored_count(disk) == 1);
}

TEST_CASE("staged appends are in the feed at once and on disk once written together", "[events]") {
  scratch_store disk;
  std::string h1;
  {
    feed log(&disk.db(), 5min, 4);
    rkgate::persistence::write_batch staged;
    h1 = log.append(call("msk-01", 1), t0, staged).hash;
    log.append(call("msk-01", 2), t0 + 1s, staged);
    CHECK(tables(log.since("none", everything, t0 + 1s)) == std::vector<std::int64_t>{1, 2});
    std::size_t stored = 0;
    auto count = [&](std::string_view, std::string_view) {
      ++stored;
      return true;
    };
    disk.db().scan(rkgate::persistence::table::events, "", count);
    CHECK(stored == 0); // nothing written yet
    std::string error;
    REQUIRE(log.write(staged, &error));
    disk.db().scan(rkgate::persistence::table::events, "", count);
    CHECK(stored == 2);
  }
  disk.reopen();
  feed log(&disk.db(), 5min, 5);
  CHECK(log.load(t0 + 2s) == 0);
  CHECK(tables(log.since(h1, everything, t0 + 2s)) == std::vector<std::int64_t>{2});
}

TEST_CASE("appends drop what left the window, so a feed nobody reads stays bounded", "[events]") {
  scratch_store disk;
  feed log(&disk.db(), 5min, 12);
  rkgate::persistence::write_batch staged;
  log.append(call("msk-01", 1), t0, staged);
  log.append(call("msk-01", 2), t0 + 1min, staged);
  std::string error;
  REQUIRE(log.write(staged, &error));
  REQUIRE(stored_count(disk) == 2);

  // No reader in between: the next staged append drops the first event, in
  // memory at once and on disk with the same write.
  staged = {};
  log.append(call("msk-01", 3), t0 + 5min, staged);
  CHECK(log.size() == 2);
  CHECK(stored_count(disk) == 2); // nothing written yet
  REQUIRE(log.write(staged, &error));
  CHECK(stored_count(disk) == 2); // 1 erased, 3 stored

  // An append that writes at once drops the second.
  log.append(call("msk-01", 4), t0 + 6min);
  CHECK(log.size() == 2);
  CHECK(stored_count(disk) == 2);
  CHECK(tables(log.since("none", everything, t0 + 6min)) == std::vector<std::int64_t>{3, 4});
  disk.reopen();
  feed reopened(&disk.db(), 5min, 13);
  CHECK(reopened.load(t0 + 6min) == 0);
  CHECK(tables(reopened.since("none", everything, t0 + 6min)) == std::vector<std::int64_t>{3, 4});
}

TEST_CASE("older texts leave memory once stored and are read back for a page", "[events]") {
  scratch_store disk;
  feed log(&disk.db(), 5min, 14, 10s);
  rkgate::persistence::write_batch staged;
  const auto first = log.append(call("msk-01", 1), t0, staged).hash;
  const std::string before = page_text(log.since("none", everything, t0));
  // Not written yet: its text stays, however old it is.
  log.append(call("msk-01", 2), t0 + 20s, staged);
  CHECK(log.texts_in_memory() == 2);
  std::string error;
  REQUIRE(log.write(staged, &error));
  staged = {};
  // Written and older than 10 s: the next append lets both go.
  log.append(call("msk-01", 3), t0 + 40s, staged);
  REQUIRE(log.write(staged, &error));
  CHECK(log.texts_in_memory() == 1);

  // Pages read them back, byte for byte.
  page all = log.since("none", everything, t0 + 41s);
  CHECK(tables(all) == std::vector<std::int64_t>{1, 2, 3});
  CHECK(tables(log.since(first, everything, t0 + 41s)) == std::vector<std::int64_t>{2, 3});
  CHECK(page_text(all).rfind(before.substr(0, before.size() - 2), 0) == 0); // event 1's text as before
  CHECK(log.texts_in_memory() == 3);
  // ... and they leave again with the next append.
  staged = {};
  log.append(call("msk-01", 4), t0 + 45s, staged);
  CHECK(log.texts_in_memory() == 2); // 3 (5 s old) and 4

  // After a restart only the newest texts are loaded into memory.
  REQUIRE(log.write(staged, &error));
  disk.reopen();
  feed reopened(&disk.db(), 5min, 15, 10s);
  CHECK(reopened.load(t0 + 50s) == 0);
  CHECK(reopened.texts_in_memory() == 1); // 4 (5 s old)
  CHECK(tables(reopened.since("none", everything, t0 + 50s)) == std::vector<std::int64_t>{1, 2, 3, 4});
}

TEST_CASE("a quiet feed: tidy lets go of stored texts and expired events without an append", "[events]") {
  scratch_store disk;
  feed log(&disk.db(), 5min, 17, 10s);
  rkgate::persistence::write_batch staged;
  log.append(call("msk-01", 1), t0, staged);
  log.append(call("msk-01", 2), t0 + 1s, staged);
  // Not written yet: nothing leaves memory, whatever the time.
  CHECK(log.tidy(t0 + 1min) == 0);
  CHECK(log.texts_in_memory() == 2);
  std::string error;
  REQUIRE(log.write(staged, &error));
  // Written, but younger than 10 s: the texts stay.
  log.tidy(t0 + 5s);
  CHECK(log.texts_in_memory() == 2);
  // Older than 10 s: they leave, the events stay (and are read back).
  CHECK(log.tidy(t0 + 20s) == 0);
  CHECK(log.texts_in_memory() == 0);
  CHECK(log.size() == 2);
  CHECK(tables(log.since("none", everything, t0 + 21s)) == std::vector<std::int64_t>{1, 2});
  // Past the retention window: gone from memory and from the store.
  CHECK(log.tidy(t0 + 6min) == 2);
  CHECK(log.size() == 0);
  CHECK(stored_count(disk) == 0);
}

TEST_CASE("a feed without a store keeps every text", "[events]") {
  feed log(nullptr, 5min, 16, 10s);
  log.append(call("msk-01", 1), t0);
  log.append(call("msk-01", 2), t0 + 1min);
  CHECK(log.texts_in_memory() == 2);
}

TEST_CASE("unreadable stored events are counted and erased", "[events]") {
  scratch_store disk;
  rkgate::persistence::write_batch junk;
  junk.put(rkgate::persistence::table::events, "0000000000000001", "{not json");
  std::string error;
  REQUIRE(disk.db().write(junk, true, &error));
  feed log(&disk.db(), 5min, 7);
  CHECK(log.load(t0) == 1);
  CHECK(log.size() == 0);
  CHECK(log.load(t0) == 0);
}

TEST_CASE("the wire form of a page", "[events]") {
  feed log(nullptr, 5min, 8);
  new_event e = call("msk-01", 1000028);
  e.table_repr = {{"id", 1000028}, {"name", "6"}, {"max_guests", 50}};
  const auto& stored = log.append(e, t0);
  new_event o = call("msk-01", 1000028, code::save_order);
  o.guid = "{G}";
  o.invoice = {{"id", 1}, {"session", {{"items", nlohmann::json::array()}, {"payments", nullptr}}}};
  o.order = {{"guid", "{G}"}, {"sum", 186.5}, {"dishes", {{{"name", "Борщ \"домашний\""}}}}};
  const auto& second = log.append(o, t0);
  const nlohmann::json updates = {{{"hash", stored.hash},
                                   {"code", "waiter_call"},
                                   {"restaurant", "msk-01"},
                                   {"table", 1000028},
                                   {"invoice", nullptr},
                                   {"order", nullptr},
                                   {"table_repr", e.table_repr}},
                                  {{"hash", second.hash},
                                   {"code", "save_order"},
                                   {"restaurant", "msk-01"},
                                   {"table", 1000028},
                                   {"guid", "{G}"},
                                   {"invoice", o.invoice},
                                   {"order", o.order},
                                   {"table_repr", nullptr}}};
  // Byte for byte what the DOM of the page dumps to (the answer before the
  // feed kept texts).
  CHECK(page_text(log.since("none", everything, t0)) ==
        nlohmann::json{{"updates", updates}, {"reset", true}}.dump());
  CHECK(page_text(log.since(stored.hash, everything, t0)) ==
        nlohmann::json{{"updates", {updates[1]}}}.dump());
  CHECK(page_text(log.since(second.hash, everything, t0)) == R"({"updates":[]})");
  CHECK(page_text(page{{}, true}) == R"({"reset":true,"updates":[]})");
}

TEST_CASE("invalid UTF-8 from a caller does not break the answer", "[events]") {
  feed log(nullptr, 5min, 10);
  new_event e = call("msk-01", 1);
  e.table_repr = {{"id", 1}, {"name", "\xff" "6"}};
  log.append(e, t0);
  auto data = nlohmann::json::parse(page_text(log.since("none", everything, t0)));
  CHECK(data["updates"][0]["table_repr"]["name"] == "\xef\xbf\xbd" "6"); // U+FFFD
}

TEST_CASE("events stored in the earlier format load after an upgrade", "[events]") {
  scratch_store disk;
  // The earlier format: one object, the update plus sequence and created_at.
  const nlohmann::json update = {{"hash", "0x0badcafe"},
                                 {"code", "order_status"},
                                 {"restaurant", "msk-01"},
                                 {"table", 7},
                                 {"guid", "{G}"},
                                 {"invoice", nullptr},
                                 {"order", {{"guid", "{G}"}, {"sum", 10.5}}},
                                 {"table_repr", {{"id", 7}, {"name", "7"}, {"max_guests", nullptr}}}};
  nlohmann::json old = update;
  old["sequence"] = 7;
  old["created_at"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                          (t0 + 1min).time_since_epoch()).count();
  rkgate::persistence::write_batch batch;
  batch.put(rkgate::persistence::table::events, "0000000000000007", old.dump());
  std::string error;
  REQUIRE(disk.db().write(batch, true, &error));

  feed log(&disk.db(), 5min, 11);
  CHECK(log.load(t0 + 2min) == 0);
  REQUIRE(log.size() == 1);
  page all = log.since("none", everything, t0 + 2min);
  REQUIRE(all.updates.size() == 1);
  CHECK(all.updates[0]->update == update.dump()); // as the feed answered before
  CHECK(all.updates[0]->created_at == t0 + 1min);
  // The client's hash stays valid; new events follow the restored one.
  log.append(call("msk-01", 8), t0 + 2min);
  CHECK(tables(log.since("0x0badcafe", everything, t0 + 2min)) == std::vector<std::int64_t>{8});
  // It expires with its window like any other.
  CHECK(log.prune(t0 + 6min) == 1);
  CHECK(stored_count(disk) == 1);
}

TEST_CASE("a stored event whose update text is not an object is unreadable", "[events]") {
  scratch_store disk;
  std::string header;
  {
    feed log(&disk.db(), 5min, 12);
    const event& e = log.append(call("msk-01", 1), t0);
    const std::string value = to_storage(e);
    header = value.substr(0, value.find('\n') + 1);
    REQUIRE(event_from_storage(value));
    CHECK(event_from_storage(value)->update == e.update);
  }
  rkgate::persistence::write_batch junk;
  junk.put(rkgate::persistence::table::events, "0000000000000001", header + R"({"code":)");
  junk.put(rkgate::persistence::table::events, "0000000000000002", header + "[]");
  std::string error;
  REQUIRE(disk.db().write(junk, true, &error));
  feed log(&disk.db(), 5min, 13);
  CHECK(log.load(t0) == 2);
  CHECK(log.size() == 0);
  CHECK(stored_count(disk) == 0);
}

TEST_CASE("codes round-trip and bad events are refused", "[events]") {
  for (auto c : {code::save_order, code::additional_order, code::online_payment,
                 code::bill_request, code::waiter_call, code::order_status})
    CHECK(code_from_string(to_string(c)) == c);
  CHECK_FALSE(code_from_string("waiter call"));
  feed log(nullptr, 5min, 9);
  CHECK_THROWS_AS(log.append(call("", 1), t0), std::invalid_argument);
  CHECK(log.size() == 0);
}
