#include <persistence/store.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

using namespace rkgate::persistence;
namespace fs = std::filesystem;

namespace {

/// A fresh directory under the system temp dir, removed afterwards.
struct temp_dir {
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "rkgate-store-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~temp_dir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string path;
};

std::unique_ptr<store> open_ok(const std::string& path) {
  std::string error;
  auto db = store::open(path, &error);
  INFO(error);
  REQUIRE(db);
  return db;
}

std::vector<std::string> keys_with(const store& db, table t, std::string_view prefix) {
  std::vector<std::string> keys;
  db.scan(t, prefix, [&](std::string_view key, std::string_view) {
    keys.emplace_back(key);
    return true;
  });
  return keys;
}

} // namespace

TEST_CASE("put, get and erase round trip", "[persistence]") {
  temp_dir dir;
  auto db = open_ok(dir.path + "/db");
  write_batch batch;
  batch.put(table::orders, "g1", std::string("{\"a\":1}\0bin", 11));
  std::string error;
  REQUIRE(db->write(batch, true, &error));
  CHECK(db->get(table::orders, "g1") == std::string("{\"a\":1}\0bin", 11));
  CHECK_FALSE(db->get(table::orders, "g2"));

  write_batch erase;
  erase.erase(table::orders, "g1");
  REQUIRE(db->write(erase, false, &error));
  CHECK_FALSE(db->get(table::orders, "g1"));
}

TEST_CASE("tables are separate column families", "[persistence]") {
  temp_dir dir;
  auto db = open_ok(dir.path);
  write_batch batch;
  batch.put(table::orders, "k", "order");
  batch.put(table::meta, "k", "meta");
  std::string error;
  REQUIRE(db->write(batch, false, &error));
  CHECK(db->get(table::orders, "k") == "order");
  CHECK(db->get(table::meta, "k") == "meta");
  CHECK_FALSE(db->get(table::events, "k"));
  CHECK(std::string(to_string(table::idempotency)) == "idempotency");
}

TEST_CASE("a batch applies all its writes in order", "[persistence]") {
  temp_dir dir;
  auto db = open_ok(dir.path);
  write_batch batch;
  CHECK(batch.empty());
  batch.put(table::orders, "g1", "v1");
  batch.put(table::idempotency, "site\x1f" "ext-1", "g1");
  batch.put(table::tables, "r1\x1f" "100\x1f" "1", "g1");
  batch.erase(table::tables, "r1\x1f" "100\x1f" "1"); // later ops win
  batch.put(table::orders, "g1", "v2");
  CHECK_FALSE(batch.empty());
  CHECK(batch.ops().size() == 5);
  std::string error;
  REQUIRE(db->write(batch, true, &error));
  CHECK(db->get(table::orders, "g1") == "v2");
  CHECK(db->get(table::idempotency, "site\x1f" "ext-1") == "g1");
  CHECK_FALSE(db->get(table::tables, "r1\x1f" "100\x1f" "1"));
}

TEST_CASE("scan visits a prefix in key order and stops at its end", "[persistence]") {
  temp_dir dir;
  auto db = open_ok(dir.path);
  write_batch batch;
  for (const char* key : {"b\x1f" "2", "a\x1f" "1", "b\x1f" "1", "b\x1f" "10", "c", "b", "bb"})
    batch.put(table::events, key, std::string("v-") + key);
  std::string error;
  REQUIRE(db->write(batch, false, &error));

  CHECK(keys_with(*db, table::events, "b\x1f")
        == std::vector<std::string>{"b\x1f" "1", "b\x1f" "10", "b\x1f" "2"});
  CHECK(keys_with(*db, table::events, "b")
        == std::vector<std::string>{"b", "b\x1f" "1", "b\x1f" "10", "b\x1f" "2", "bb"});
  CHECK(keys_with(*db, table::events, "").size() == 7);
  CHECK(keys_with(*db, table::events, "z").empty());
  CHECK(keys_with(*db, table::orders, "").empty());

  // Values come with their keys, and returning false stops the scan.
  std::vector<std::string> values;
  db->scan(table::events, "b", [&](std::string_view, std::string_view value) {
    values.emplace_back(value);
    return values.size() < 2;
  });
  CHECK(values == std::vector<std::string>{"v-b", "v-b\x1f" "1"});
}

TEST_CASE("data survives closing and reopening", "[persistence]") {
  temp_dir dir;
  {
    auto db = open_ok(dir.path);
    write_batch batch;
    batch.put(table::licenses, "{guid}", "42");
    batch.put(table::outbox, "o1", "callback");
    std::string error;
    REQUIRE(db->write(batch, true, &error));
  }
  auto db = open_ok(dir.path);
  CHECK(db->get(table::licenses, "{guid}") == "42");
  CHECK(db->get(table::outbox, "o1") == "callback");
}

TEST_CASE("unsynced writes made durable by a WAL sync while another thread writes", "[persistence]") {
  temp_dir dir;
  {
    auto db = open_ok(dir.path);
    int failed = 0; // Catch2 assertions are not thread-safe: count here, check after
    std::thread writer([&] {
      for (int i = 0; i < 200; ++i) {
        write_batch batch;
        batch.put(table::orders, "w" + std::to_string(i), "v");
        std::string error;
        failed += db->write(batch, false, &error) ? 0 : 1;
      }
    });
    std::string error;
    for (int i = 0; i < 20; ++i)
      REQUIRE(db->sync_wal(&error));
    writer.join();
    CHECK(failed == 0);
    const auto covered = db->sync_wal(&error);
    REQUIRE(covered);
    CHECK(*covered == db->last_sequence()); // no write since: the sync covers them all
    CHECK(*covered >= 200);
  }
  auto db = open_ok(dir.path);
  CHECK(keys_with(*db, table::orders, "w").size() == 200);
}

TEST_CASE("a second open of the same directory fails cleanly", "[persistence]") {
  temp_dir dir;
  auto first = open_ok(dir.path);
  std::string error;
  auto second = store::open(dir.path, &error);
  CHECK_FALSE(second);
  CHECK_THAT(error, Catch::Contains("cannot open the database"));
}

TEST_CASE("an unwritable path gives an error, not a crash", "[persistence]") {
  temp_dir dir;
  const std::string file = dir.path + "/a-file";
  { std::ofstream(file) << "x"; }
  std::string error;
  CHECK_FALSE(store::open(file + "/db", &error)); // a path under a regular file
  CHECK_THAT(error, Catch::Contains(file));

  if (::geteuid() != 0) { // root ignores permissions
    const std::string locked = dir.path + "/locked";
    fs::create_directory(locked);
    fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
    error.clear();
    CHECK_FALSE(store::open(locked + "/db", &error));
    CHECK_FALSE(error.empty());
    fs::permissions(locked, fs::perms::owner_all);
  }
}
