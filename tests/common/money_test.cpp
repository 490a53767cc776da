#include <common/money.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace rkgate;

TEST_CASE("parse_kopecks reads up to two decimals", "[common][money]") {
  CHECK(parse_kopecks("150") == 15000);
  CHECK(parse_kopecks("36.5") == 3650);
  CHECK(parse_kopecks("36.05") == 3605);
  CHECK(parse_kopecks("0.01") == 1);
  CHECK(parse_kopecks("-1.25") == -125);
  CHECK(parse_kopecks("+2") == 200);
  CHECK(parse_kopecks("7,5") == 750); // comma as decimal separator
  CHECK(parse_kopecks(".5") == 50);
  CHECK(parse_kopecks("5.") == 500);
}

TEST_CASE("parse_kopecks rejects other text", "[common][money]") {
  CHECK_FALSE(parse_kopecks(""));
  CHECK_FALSE(parse_kopecks("-"));
  CHECK_FALSE(parse_kopecks("."));
  CHECK_FALSE(parse_kopecks("1.234")); // third decimal
  CHECK_FALSE(parse_kopecks("1.2.3"));
  CHECK_FALSE(parse_kopecks("1e3"));
  CHECK_FALSE(parse_kopecks(" 1"));
  CHECK_FALSE(parse_kopecks("12a"));
  CHECK_FALSE(parse_kopecks("9999999999999999999999")); // overflow
}

TEST_CASE("kopecks_from_number absorbs floating-point noise", "[common][money]") {
  CHECK(kopecks_from_number(150) == 15000);
  CHECK(kopecks_from_number(36.5) == 3650);
  CHECK(kopecks_from_number(0.1 + 0.2) == 30);   // 0.30000000000000004
  CHECK(kopecks_from_number(19.99) == 1999);
  CHECK(kopecks_from_number(1234567.89) == 123456789);
  CHECK(kopecks_from_number(-12.34) == -1234);
  CHECK(kopecks_from_number(0) == 0);
}

TEST_CASE("kopecks_from_number rejects more than two decimals", "[common][money]") {
  CHECK_FALSE(kopecks_from_number(1.234));
  CHECK_FALSE(kopecks_from_number(0.001));
  CHECK_FALSE(kopecks_from_number(std::nan("")));
  CHECK_FALSE(kopecks_from_number(std::numeric_limits<double>::infinity()));
  CHECK_FALSE(kopecks_from_number(1e300));
}

TEST_CASE("milli_from_number takes up to three decimals of portions", "[common][money]") {
  CHECK(milli_from_number(1) == 1000);
  CHECK(milli_from_number(0.5) == 500);
  CHECK(milli_from_number(0.125) == 125);
  CHECK(milli_from_number(0.1 + 0.2) == 300);
  CHECK_FALSE(milli_from_number(0.0005));
  CHECK_FALSE(milli_from_number(std::nan("")));
}

TEST_CASE("amounts convert back to JSON numbers and text", "[common][money]") {
  CHECK(to_number(15050) == 150.5);
  CHECK(to_number(-125) == -1.25);
  CHECK(portions(500) == 0.5);
  CHECK(format_kopecks(15050) == "150.50");
  CHECK(format_kopecks(5) == "0.05");
  CHECK(format_kopecks(0) == "0.00");
  CHECK(format_kopecks(-125) == "-1.25");
  CHECK(format_kopecks(-5) == "-0.05");
  CHECK(format_kopecks(std::numeric_limits<kopecks>::min()) == "-92233720368547758.08");
}
