#include "rk7/license.hpp"

#include <catch2/catch.hpp>

namespace {
rk7::license_info base() {
  rk7::license_info l;
  l.anchor = "6:655cee55-7bcd-4826-b6e0-a8ccf2017ef3#199999993/17";
  l.license_token = "token";
  l.instance_guid = "{5C0B2A8E-7A34-4F2B-9B7E-2B1D2F1A9C01}";
  l.seq_number = 99; // ignored: the sequencer owns the number
  return l;
}
} // namespace

TEST_CASE("a new instance starts at 0 and counts up by one", "[rk7][license]") {
  rk7::license_sequencer seq(base(), std::nullopt);
  CHECK_FALSE(seq.last_used());
  rk7::license_info first = seq.next();
  CHECK(first.seq_number == 0);
  CHECK(first.anchor == base().anchor);
  CHECK(first.instance_guid == base().instance_guid);
  CHECK(seq.last_used() == std::optional<std::uint64_t>(0));
  CHECK(seq.next().seq_number == 1);
  CHECK(seq.next().seq_number == 2);
  CHECK(seq.last_used() == std::optional<std::uint64_t>(2));
}

TEST_CASE("a persisted counter continues after its last number", "[rk7][license]") {
  rk7::license_sequencer seq(base(), 41);
  CHECK(seq.next().seq_number == 42);
}

TEST_CASE("resync makes the next number the server's plus one", "[rk7][license]") {
  rk7::license_sequencer seq(base(), 5);
  seq.resync(17);
  CHECK(seq.last_used() == std::optional<std::uint64_t>(17));
  CHECK(seq.next().seq_number == 18);
  seq.resync(3); // the server may also be behind us, e.g. after a restore
  CHECK(seq.next().seq_number == 4);
}

TEST_CASE("the resync request carries the licence without a number", "[rk7][license]") {
  rk7::license_sequencer seq(base(), 5);
  rk7::get_license_seq req = seq.resync_request();
  CHECK(req.license.anchor == base().anchor);
  CHECK(req.license.license_token == "token");
  CHECK(req.license.instance_guid == base().instance_guid);
  CHECK(seq.last_used() == std::optional<std::uint64_t>(5)); // asking changes nothing
}
