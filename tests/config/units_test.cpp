#include <config/config.hpp>

#include <catch2/catch.hpp>

using namespace rkgate::config;
using std::chrono::milliseconds;

TEST_CASE("parse_duration reads the spec's forms", "[config][units]") {
  CHECK(parse_duration("500ms") == milliseconds(500));
  CHECK(parse_duration("30s") == milliseconds(30000));
  CHECK(parse_duration("5m") == milliseconds(300000));
  CHECK(parse_duration("24h") == milliseconds(86400000));
  CHECK(parse_duration("1h30m") == milliseconds(5400000));
  CHECK(parse_duration("2d") == milliseconds(172800000));
  CHECK(parse_duration("0s") == milliseconds(0));
}

TEST_CASE("parse_duration rejects other text", "[config][units]") {
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("30"));      // no unit
  CHECK_FALSE(parse_duration("s"));       // no number
  CHECK_FALSE(parse_duration("1.5s"));    // no fractions
  CHECK_FALSE(parse_duration("-5s"));
  CHECK_FALSE(parse_duration("5 s"));
  CHECK_FALSE(parse_duration("5sec"));
  CHECK_FALSE(parse_duration("99999999999999999999h")); // overflow
}

TEST_CASE("parse_size reads binary and decimal units", "[config][units]") {
  CHECK(parse_size("1024") == 1024u);
  CHECK(parse_size("10B") == 10u);
  CHECK(parse_size("512KiB") == 512u * 1024);
  CHECK(parse_size("1MiB") == 1024u * 1024);
  CHECK(parse_size("2GiB") == 2ull * 1024 * 1024 * 1024);
  CHECK(parse_size("1KB") == 1000u);
  CHECK(parse_size("3MB") == 3000000u);
  CHECK_FALSE(parse_size(""));
  CHECK_FALSE(parse_size("MiB"));
  CHECK_FALSE(parse_size("1 MiB"));
  CHECK_FALSE(parse_size("1TiB"));
  CHECK_FALSE(parse_size("-1"));
  CHECK_FALSE(parse_size("99999999999999999999GiB"));
}

TEST_CASE("parse_rate_limit converts to requests per second", "[config][units]") {
  CHECK(parse_rate_limit("50/s")->per_second == Approx(50));
  CHECK(parse_rate_limit("600/m")->per_second == Approx(10));
  CHECK(parse_rate_limit("3600/h")->per_second == Approx(1));
  CHECK_FALSE(parse_rate_limit("0/s"));
  CHECK_FALSE(parse_rate_limit("50"));
  CHECK_FALSE(parse_rate_limit("50/d"));
  CHECK_FALSE(parse_rate_limit("fast"));
}

TEST_CASE("cidr contains IPv4 addresses by prefix", "[config][cidr]") {
  const auto net = parse_cidr("10.1.0.0/16");
  REQUIRE(net);
  CHECK_FALSE(net->v6);
  CHECK(net->prefix == 16);
  CHECK(net->contains("10.1.2.3"));
  CHECK(net->contains("10.1.255.255"));
  CHECK_FALSE(net->contains("10.2.0.1"));
  CHECK_FALSE(net->contains("::1"));
  CHECK_FALSE(net->contains("not an address"));
  CHECK(net->contains("::ffff:10.1.9.9")); // v4-mapped, as dual-stack sockets report
  const auto odd = parse_cidr("192.168.1.128/25");
  REQUIRE(odd);
  CHECK(odd->contains("192.168.1.200"));
  CHECK_FALSE(odd->contains("192.168.1.127"));
  const auto any = parse_cidr("0.0.0.0/0");
  REQUIRE(any);
  CHECK(any->contains("8.8.8.8"));
}

TEST_CASE("cidr contains IPv6 addresses by prefix", "[config][cidr]") {
  const auto loop = parse_cidr("::1/128");
  REQUIRE(loop);
  CHECK(loop->v6);
  CHECK(loop->contains("::1"));
  CHECK(loop->contains("[::1]"));
  CHECK_FALSE(loop->contains("::2"));
  CHECK_FALSE(loop->contains("127.0.0.1"));
  const auto ula = parse_cidr("fd00::/8");
  REQUIRE(ula);
  CHECK(ula->contains("fd12:3456::1"));
  CHECK_FALSE(ula->contains("fe80::1"));
}

TEST_CASE("parse_cidr takes bare addresses and rejects bad ranges", "[config][cidr]") {
  const auto single = parse_cidr("127.0.0.1");
  REQUIRE(single);
  CHECK(single->prefix == 32);
  CHECK(single->contains("127.0.0.1"));
  CHECK_FALSE(single->contains("127.0.0.2"));
  CHECK_FALSE(parse_cidr("10.0.0.0/33"));
  CHECK_FALSE(parse_cidr("::/129"));
  CHECK_FALSE(parse_cidr("10.0.0.0/"));
  CHECK_FALSE(parse_cidr("10.0.0.0/x"));
  CHECK_FALSE(parse_cidr("10.0.0/8"));
  CHECK_FALSE(parse_cidr("localhost"));
}
