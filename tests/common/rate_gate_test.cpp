#include "common/rate_gate.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

using rkgate::rate_gate;
using namespace std::chrono_literals;

TEST_CASE("a rate gate admits one second's burst, then spaces requests at the rate", "[rate_gate]") {
  rate_gate gate(10); // 10/s: a burst of 10, then one per 100 ms
  auto t0 = rate_gate::clock::time_point{} + 1000s;
  for (int i = 0; i < 10; ++i)
    CHECK(gate.admit(t0) == 0ns);
  auto wait = gate.admit(t0);
  CHECK(wait == 100ms);
  CHECK(gate.admit(t0 + 99ms) > 0ns); // refused requests are not counted
  CHECK(gate.admit(t0 + 100ms) == 0ns);
  CHECK(gate.admit(t0 + 100ms) > 0ns);
  // After a quiet second the whole burst is available again.
  for (int i = 0; i < 10; ++i)
    CHECK(gate.admit(t0 + 2100ms) == 0ns);
  CHECK(gate.admit(t0 + 2100ms) > 0ns);
}

TEST_CASE("a slow rate gate waits for its interval", "[rate_gate]") {
  rate_gate gate(0.5); // 30/m: one request, then one per 2 s
  auto t0 = rate_gate::clock::time_point{} + 1000s;
  CHECK(gate.admit(t0) == 0ns);
  CHECK(gate.admit(t0 + 500ms) == 1500ms);
  CHECK(gate.admit(t0 + 2s) == 0ns);
}

TEST_CASE("concurrent callers never get more than the burst at one instant", "[rate_gate]") {
  rate_gate gate(100);
  auto t0 = rate_gate::clock::time_point{} + 1000s;
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        if (gate.admit(t0) == 0ns)
          ++admitted;
    });
  for (auto& t : threads)
    t.join();
  CHECK(admitted == 100);
}
