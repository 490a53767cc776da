#include <support/http.hpp>

#include <catch2/catch.hpp>

#include <atomic>

using namespace rkgate::test;
using namespace std::chrono_literals;

TEST_CASE("local_server answers scripted statuses and sees the request",
          "[support][http]") {
  rkgate::test::request_log log;
  local_server server([&](const served_request& req) {
    log.add(req);
    scripted_response out;
    if (req.target == "/auth") {
      out.status = 401;
      out.headers["WWW-Authenticate"] = "Basic realm=\"rk7\"";
    } else if (req.target == "/fail") {
      out.status = 500;
      out.body = "boom";
    } else {
      out.body = "<ok>" + req.body + "</ok>";
    }
    return out;
  });
  REQUIRE(server.port() != 0);
  CHECK(server.url("/x") == "http://127.0.0.1:" + std::to_string(server.port()) + "/x");

  auto ok = http_request("POST", server.url("/echo?a=1"), "hello",
                         {{"X-Test", "yes"}, {"Content-Type", "text/plain"}});
  CHECK(ok.status == 200);
  CHECK(ok.body == "<ok>hello</ok>");
  CHECK(ok.headers["content-type"] == "application/xml; charset=utf-8");
  CHECK(ok.error.empty());

  auto auth = http_request("GET", server.url("/auth"));
  CHECK(auth.status == 401);
  CHECK(auth.headers["www-authenticate"] == "Basic realm=\"rk7\"");

  auto fail = http_request("GET", server.url("/fail"));
  CHECK(fail.status == 500);
  CHECK(fail.body == "boom");

  auto seen = log.all();
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].target == "/echo?a=1");
  CHECK(seen[0].headers["x-test"] == "yes");
  CHECK(seen[0].body == "hello");
  CHECK(seen[1].method == "GET");
  CHECK(seen[1].body.empty());
}

TEST_CASE("local_server delays on a timer without blocking other requests",
          "[support][http]") {
  local_server server([](const served_request& req) {
    scripted_response out;
    if (req.target == "/slow")
      out.delay = 1500ms;
    out.body = req.target;
    return out;
  });
  // The client gives up before the delayed answer...
  const auto start = std::chrono::steady_clock::now();
  auto slow = http_request("GET", server.url("/slow"), "", {}, 300ms);
  CHECK(slow.status == 0);
  CHECK_THAT(slow.error, Catch::Contains("imed out"));
  CHECK(std::chrono::steady_clock::now() - start < 1400ms);
  // ...and the server thread is free to answer at once meanwhile.
  auto fast = http_request("GET", server.url("/fast"), "", {}, 1000ms);
  CHECK(fast.status == 200);
  CHECK(fast.body == "/fast");
  // A delay within the client's timeout arrives.
  auto waited = http_request("GET", server.url("/slow"), "", {}, 5000ms);
  CHECK(waited.status == 200);
  CHECK(std::chrono::steady_clock::now() - start >= 1500ms);
}

TEST_CASE("local_server drops the connection without an answer", "[support][http]") {
  local_server server([](const served_request&) {
    scripted_response out;
    out.drop_connection = true;
    return out;
  });
  auto dropped = http_request("GET", server.url("/"), "", {}, 2000ms);
  CHECK(dropped.status == 0);
  CHECK_FALSE(dropped.error.empty());
  CHECK_THAT(dropped.error, !Catch::Contains("imed out"));
}

TEST_CASE("local_server turns a throwing handler into a 500", "[support][http]") {
  local_server server([](const served_request&) -> scripted_response {
    throw std::runtime_error("handler bug");
  });
  auto out = http_request("GET", server.url("/"));
  CHECK(out.status == 500);
  CHECK_THAT(out.body, Catch::Contains("handler bug"));
}

TEST_CASE("http_request reports a refused connection", "[support][http]") {
  std::string url;
  {
    local_server server([](const served_request&) { return scripted_response{}; });
    url = server.url("/");
  } // closed: nothing listens there now
  auto out = http_request("GET", url, "", {}, 2000ms);
  CHECK(out.status == 0);
  CHECK_FALSE(out.error.empty());
}
