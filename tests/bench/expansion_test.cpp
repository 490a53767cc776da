// The placeholders rkgate-bench expands in a request: {seq} unique within a
// run, {run} the same through a run and different in the next, so a
// scenario's external_ids never repeat an earlier run's orders.

#include "one_route.hpp"
#include "support/http.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

namespace {

/// "/o/RUN/SEQ" -> RUN.
std::string run_part(const std::string& target) {
  auto from = target.find('/', 1) + 1;
  return target.substr(from, target.rfind('/') - from);
}

/// The targets a load of `path` sent, in arrival order.
std::vector<std::string> targets_of_one_run(const std::string& path, const std::string& run_id) {
  rkgate::test::request_log seen;
  rkgate::test::local_server server([&](const rkgate::test::served_request& r) {
    seen.add(r);
    return rkgate::test::scripted_response{};
  });
  auto o = rkgate::test::one_route(server.port(), "order", path, 100);
  o.run_id = run_id;
  auto result = rkgate::bench::run_load(o);
  // The results name the run: the id given, or the one chosen.
  CHECK(result.run_id == (run_id.empty() ? run_part(seen.all().front().target) : run_id));
  std::vector<std::string> targets;
  for (const auto& r : seen.all())
    targets.push_back(r.target);
  return targets;
}

} // namespace

TEST_CASE("{run} stays through a run and {seq} never repeats in it", "[bench]") {
  auto targets = targets_of_one_run("/o/{run}/{seq}", "night-1");
  REQUIRE(targets.size() >= 10);
  std::set<std::string> distinct(targets.begin(), targets.end());
  CHECK(distinct.size() == targets.size());
  for (const auto& t : targets)
    CHECK(run_part(t) == "night-1");
}

TEST_CASE("{run} defaults to the run's start and differs between runs", "[bench]") {
  auto first = targets_of_one_run("/o/{run}/{seq}", "");
  auto second = targets_of_one_run("/o/{run}/{seq}", "");
  REQUIRE(!first.empty());
  REQUIRE(!second.empty());
  // Unix milliseconds: digits only, and the second run started later.
  auto a = run_part(first.front()), b = run_part(second.front());
  CHECK(a.find_first_not_of("0123456789") == std::string::npos);
  CHECK(std::stoull(b) > std::stoull(a));
  std::set<std::string> both(first.begin(), first.end());
  for (const auto& t : second)
    CHECK(both.count(t) == 0);
}
