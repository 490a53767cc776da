#include <common/json_object.hpp>
#include <common/json_text.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <limits>
#include <random>

using namespace rkgate;
using nlohmann::json;

namespace {

/// What dump() gives, or "throws" when it throws.
std::string dumped(const json& j, bool replace) {
  try {
    return j.dump(-1, ' ', false, replace ? json::error_handler_t::replace : json::error_handler_t::strict);
  } catch (const json::type_error&) {
    return "throws";
  }
}

std::string written(const json& j, bool replace) {
  try {
    return json_text(j, replace);
  } catch (const json::type_error&) {
    return "throws";
  }
}

} // namespace

TEST_CASE("json_text writes what dump() writes, byte for byte", "[common][json_text]") {
  const json values[] = {
    nullptr, true, false, 0, -1, 42, std::numeric_limits<std::int64_t>::min(),
    std::numeric_limits<std::uint64_t>::max(), 0.0, -0.0, 1.0, 0.1, 123.45, -2.5e-7, 1e300, 3.14159265358979,
    std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(), "", "plain",
    "quote \" backslash \\ slash /", "\b\f\n\r\t", std::string("nul \0 and \x01 \x1f \x7f", 17),
    "Борщ с пампушками", "emoji \xF0\x9F\x8D\x95 and \xE2\x82\xAC", json::object(), json::array(),
    json::array({1, "two", 3.0, nullptr, json::object(), json::array()}),
    json{{"zeta", 1}, {"alpha", {{"nested \"key\"", "v\n"}, {"b", json::array({true, false})}}}, {"Ключ", "значение"}},
  };
  for (const auto& j : values) {
    CAPTURE(dumped(j, false));
    CHECK(json_text(j) == j.dump());
    CHECK(json_text(j, true) == dumped(j, true));
  }
}

TEST_CASE("json_text leaves invalid UTF-8 to dump(): it throws, or replaces when asked", "[common][json_text]") {
  for (std::string bad : {"\xC3", "a\xC3(b", "\xED\xA0\x80", "\xC0\xAF", "\xF4\x90\x80\x80", "ok \xFF"}) {
    const json j{{"items", json::array({"fine", bad})}};
    CAPTURE(bad);
    CHECK(written(j, false) == "throws");
    CHECK(dumped(j, false) == "throws");
    CHECK(json_text(j, true) == dumped(j, true));
  }
}

TEST_CASE("json_text agrees with dump() on random byte strings", "[common][json_text]") {
  // Bytes drawn mostly from the edges of UTF-8's ranges, where a writer that
  // copies runs whole could differ from dump()'s decoder.
  const unsigned char pool[] = {'a', '"', '\\', 0x00, 0x1f, 0x20, 0x7f, 0x80, 0x9f, 0xa0, 0xbf,
                                0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff};
  std::mt19937 random(7);
  std::uniform_int_distribution<std::size_t> pick(0, sizeof pool - 1), length(0, 12);
  int valid = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (std::size_t n = length(random); n > 0; --n)
      text += static_cast<char>(pool[pick(random)]);
    const json j{{"text", text}};
    const std::string expected = dumped(j, false);
    valid += expected != "throws";
    CAPTURE(text);
    REQUIRE(written(j, false) == expected);
    REQUIRE(json_text(j, true) == dumped(j, true));
  }
  CHECK(valid > 1000); // the pool gives valid strings too, not only invalid ones
}

TEST_CASE("append_json_string appends nothing for invalid UTF-8", "[common][json_text]") {
  std::string out = "x";
  CHECK(append_json_string("tab\there", out));
  CHECK(out == "x\"tab\\there\"");
  CHECK_FALSE(append_json_string("bad \xC3", out));
  CHECK(out == "x\"tab\\there\"");
}

TEST_CASE("json_object builds what nlohmann's initializer list builds", "[common][json_text]") {
  const json nested = json::array({1, 2});
  CHECK(json_object("id", 7, "name", "Борщ", "price", 250.5, "none", nullptr, "list", nested, "flag", true) ==
        json{{"id", 7}, {"name", "Борщ"}, {"price", 250.5}, {"none", nullptr}, {"list", nested}, {"flag", true}});
  CHECK(json_object() == json::object());
  CHECK(json_object("k", 1, "k", 2) == json{{"k", 1}, {"k", 2}}); // the first value stays, as there
  CHECK(json_object("k", 1, "k", 2)["k"] == 1);
}
