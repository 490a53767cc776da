#include <common/guid.hpp>

#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <thread>
#include <vector>

using namespace rkgate;

TEST_CASE("new_guid is an upper-case version 4 GUID in braces", "[common][guid]") {
  static const std::regex form(
      R"(\{[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\})");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string guid = new_guid();
    CHECK(std::regex_match(guid, form));
    seen.insert(guid);
    CHECK(normalize_guid(guid) == guid);
  }
  CHECK(seen.size() == 100);
}

TEST_CASE("new_guid never repeats, across refills of its random bytes and across threads", "[common][guid]") {
  // Each thread draws its random bytes in blocks of 32 GUIDs: 1,000 per
  // thread cross many refills.
  constexpr int per_thread = 1000;
  std::vector<std::vector<std::string>> made(4);
  std::vector<std::thread> threads;
  for (auto& out : made)
    threads.emplace_back([&out] {
      for (int i = 0; i < per_thread; ++i)
        out.push_back(new_guid());
    });
  for (auto& t : threads)
    t.join();
  std::set<std::string> seen;
  for (const auto& out : made)
    seen.insert(out.begin(), out.end());
  CHECK(seen.size() == made.size() * per_thread);
}

TEST_CASE("normalize_guid accepts any case with or without braces", "[common][guid]") {
  const std::string expected = "{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}";
  CHECK(normalize_guid("f4ce1102-50dc-48f7-a8e0-74dd68a7d8c1") == expected);
  CHECK(normalize_guid("{f4ce1102-50DC-48f7-a8e0-74dd68a7d8c1}") == expected);
  CHECK(normalize_guid(expected) == expected);
}

TEST_CASE("normalize_guid rejects what is not a GUID", "[common][guid]") {
  CHECK_FALSE(normalize_guid(""));
  CHECK_FALSE(normalize_guid("{}"));
  CHECK_FALSE(normalize_guid("F4CE110250DC48F7A8E074DD68A7D8C1"));       // no dashes
  CHECK_FALSE(normalize_guid("G4CE1102-50DC-48F7-A8E0-74DD68A7D8C1"));   // not hex
  CHECK_FALSE(normalize_guid("F4CE1102-50DC-48F7-A8E0-74DD68A7D8C"));    // short
  CHECK_FALSE(normalize_guid("{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1"));  // one brace
  CHECK_FALSE(normalize_guid("F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}"));
  CHECK_FALSE(normalize_guid("F4CE1102+50DC-48F7-A8E0-74DD68A7D8C1"));   // wrong separator
  CHECK_FALSE(normalize_guid("F4CE110-250DC-48F7-A8E0-74DD68A7D8C1"));   // dash misplaced
}

TEST_CASE("guid_bits_of reads the 128 bits whatever the spelling, and refuses what is not a GUID", "[common][guid]") {
  auto upper = guid_bits_of("{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}");
  REQUIRE(upper);
  CHECK(upper->hi == 0xF4CE110250DC48F7ull);
  CHECK(upper->lo == 0xA8E074DD68A7D8C1ull);
  CHECK(guid_bits_of("f4ce1102-50dc-48f7-a8e0-74dd68a7d8c1") == upper);
  CHECK(guid_bits_of("{f4ce1102-50DC-48f7-A8E0-74dd68a7d8c1}") == upper);
  CHECK_FALSE(guid_bits_of("{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C2}") == upper);
  for (const char* bad : {"", "{}", "F4CE1102-50DC-48F7-A8E0-74DD68A7D8C", "F4CE1102+50DC-48F7-A8E0-74DD68A7D8C1",
                          "G4CE1102-50DC-48F7-A8E0-74DD68A7D8C1", "{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1"})
    CHECK_FALSE(guid_bits_of(bad));
}
