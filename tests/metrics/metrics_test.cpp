#include "metrics/metrics.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

using namespace rkgate::metrics;

TEST_CASE("a histogram counts each observation in its bucket, cumulatively", "[metrics]") {
  histogram h({0.001, 0.01, 0.1, 10});
  h.observe(0.0005);
  h.observe(0.001); // on the bound: le="0.001"
  h.observe(0.05);
  h.observe(3);
  auto s = h.snapshot();
  CHECK(s.buckets == std::vector<std::uint64_t>{2, 2, 3, 4, 4});
  text_writer out;
  out.histogram("h", {}, s);
  CHECK(out.text().find("h_bucket{le=\"10\"} 4\n") != std::string::npos);
  CHECK(s.count == 4);
  CHECK(s.sum == Approx(3.0515).epsilon(1e-6));
}

TEST_CASE("observations from many threads are all counted", "[metrics]") {
  route_stats r;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&r, t] {
      for (int i = 0; i < 10000; ++i)
        r.observe(t % 2 ? 200 : 503, 0.002);
    });
  for (auto& t : threads)
    t.join();
  CHECK(r.by_status() == std::vector<std::pair<int, std::uint64_t>>{{200, 20000}, {503, 20000}});
  CHECK(r.latency().count == 40000);
}

TEST_CASE("route stats render as Prometheus text with escaped labels", "[metrics]") {
  http_stats stats;
  stats.route("ping").observe(200, 0.0004);
  stats.route("ping").observe(200, 0.2);
  stats.route("say \"hi\"\n").observe(404, 0.001);
  stats.route("never");
  CHECK(stats.find("ping") == &stats.route("ping"));
  CHECK(stats.find("nope") == nullptr);
  text_writer out;
  stats.write(out);
  const auto& text = out.text();
  CHECK(text.find("# TYPE rkgate_http_requests_total counter\n") != std::string::npos);
  CHECK(text.find("rkgate_http_requests_total{route=\"ping\",code=\"200\"} 2\n") != std::string::npos);
  CHECK(text.find("rkgate_http_requests_total{route=\"say \\\"hi\\\"\\n\",code=\"404\"} 1\n")
        != std::string::npos);
  CHECK(text.find("route=\"never\"") == std::string::npos); // no answers, no samples
  CHECK(text.find("rkgate_http_request_duration_seconds_bucket{route=\"ping\",le=\"0.0005\"} 1\n")
        != std::string::npos);
  CHECK(text.find("rkgate_http_request_duration_seconds_bucket{route=\"ping\",le=\"+Inf\"} 2\n")
        != std::string::npos);
  CHECK(text.find("rkgate_http_request_duration_seconds_count{route=\"ping\"} 2\n") != std::string::npos);
  CHECK(text.find("rkgate_http_request_duration_seconds_sum{route=\"ping\"} 0.2004\n") != std::string::npos);
  // Only routes whose answers waited for r_keeper have an overhead.
  CHECK(text.find("rkgate_http_request_overhead_seconds_count{route=\"ping\"}") == std::string::npos);
}

TEST_CASE("the gateway's own part of an answer has finer buckets", "[metrics]") {
  http_stats stats;
  auto& postorder = stats.route("POST /api/v3/postorder");
  postorder.observe(201, 0.0412);
  postorder.observe_overhead(0.0003);
  postorder.observe(201, 0.0450);
  postorder.observe_overhead(0.0042);
  text_writer out;
  stats.write(out);
  const auto& text = out.text();
  CHECK(text.find("# TYPE rkgate_http_request_overhead_seconds histogram\n") != std::string::npos);
  const std::string bucket = "rkgate_http_request_overhead_seconds_bucket{route=\"POST /api/v3/postorder\",le=";
  CHECK(text.find(bucket + "\"0.0001\"} 0\n") != std::string::npos);
  CHECK(text.find(bucket + "\"0.0005\"} 1\n") != std::string::npos);
  CHECK(text.find(bucket + "\"0.001\"} 1\n") != std::string::npos);
  CHECK(text.find(bucket + "\"0.005\"} 2\n") != std::string::npos);
  CHECK(text.find("rkgate_http_request_overhead_seconds_count{route=\"POST /api/v3/postorder\"} 2\n")
        != std::string::npos);
  CHECK(text.find("rkgate_http_request_overhead_seconds_sum{route=\"POST /api/v3/postorder\"} 0.0045\n")
        != std::string::npos);
}
