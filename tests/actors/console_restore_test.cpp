// The console's start-up read (read_console): orders still being worked on
// come back whole, archived and deleted ones as briefs only; a store written
// before briefs existed gets them on its first start, once.

#include "actors/console.hpp"
#include "persistence/store.hpp"

#include "temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace rkgate;
using namespace rkgate::actors;

namespace {

/// A console entry as a gateway before briefs wrote it.
std::string legacy_entry(const std::string& guid, const std::string& state, std::uint64_t version) {
  return nlohmann::json{{"guid", guid},         {"source", "site"},   {"restaurant", "r1"},
                        {"created_at", "2026-12-01T10:00:0" + std::to_string(version) + "+03:00"},
                        {"state", state},       {"record", {{"status", state == "waiting" ? 5 : 3}}},
                        {"body", "{}"},         {"problems", nlohmann::json::array()},
                        {"history", nlohmann::json::array()}, {"last_error", nullptr},
                        {"version", version},   {"announced", 5}}
    .dump();
}

} // namespace

TEST_CASE("console restore: a store without briefs gets them once; finished orders come back as briefs",
          "[actors][console]") {
  rkgate::test::temp_dir dir("rkgate-console-restore-");
  std::string error;
  auto db = persistence::store::open(dir.path.string(), &error);
  REQUIRE(db);
  persistence::write_batch batch;
  const std::string prefix = std::string("console\x1f") + "order\x1f";
  batch.put(persistence::table::meta, prefix + "{A}", legacy_entry("{A}", "waiting", 1));
  batch.put(persistence::table::meta, prefix + "{B}", legacy_entry("{B}", "archived", 2));
  batch.put(persistence::table::meta, prefix + "{C}", legacy_entry("{C}", "deleted", 3));
  batch.put(persistence::table::meta, std::string("console\x1f") + "version", "3");
  REQUIRE(db->write(batch, true, &error));

  auto check = [](const console_restore& r) {
    CHECK(r.version == 3);
    REQUIRE(r.entries.size() == 1);
    CHECK(r.entries.count("{A}") == 1);
    REQUIRE(r.finished.size() == 2);
    std::map<std::string, console_brief> by_guid;
    for (const auto& b : r.finished)
      by_guid[b.guid] = b;
    CHECK(by_guid.at("{B}").state == "archived");
    CHECK(by_guid.at("{B}").restaurant == "r1");
    CHECK(by_guid.at("{B}").created_at == "2026-12-01T10:00:02+03:00");
    CHECK(by_guid.at("{B}").version == 2);
    CHECK(by_guid.at("{C}").state == "deleted");
    CHECK(by_guid.at("{C}").version == 3);
  };
  check(read_console(*db)); // the first start writes the briefs
  CHECK(db->get(persistence::table::meta, std::string("console\x1f") + "briefs"));
  CHECK(db->get(persistence::table::meta, std::string("console\x1f") + "brief\x1f{B}"));
  // The next start reads the briefs; an entry that changed is read from its brief.
  persistence::write_batch moved;
  moved.put(persistence::table::meta, std::string("console\x1f") + "brief\x1f{A}",
            std::string("archived\x1fr1\x1f") + "2026-12-01T10:00:01+03:00\x1f" + "4");
  REQUIRE(db->write(moved, true, &error));
  auto second = read_console(*db);
  CHECK(second.entries.empty());
  CHECK(second.finished.size() == 3);
}
