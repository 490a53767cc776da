#include <common/log.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace rkgate;

namespace {

/// Runs `body` with stderr (fd 2) redirected to a temp file; returns what was written.
template <class F>
std::string captured_stderr(F body) {
  char path[] = "/tmp/rkgate-log-test-XXXXXX";
  const int file = ::mkstemp(path);
  REQUIRE(file >= 0);
  std::fflush(stderr);
  const int saved = ::dup(2);
  ::dup2(file, 2);
  body();
  spdlog::default_logger()->flush();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  ::close(file);
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  ::unlink(path);
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

} // namespace

TEST_CASE("init_logging rejects unknown levels", "[common][log]") {
  CHECK_FALSE(init_logging("loud", false));
  CHECK_FALSE(init_logging("", true));
  CHECK(init_logging("off", false));
  CHECK(spdlog::default_logger()->level() == spdlog::level::off);
}

TEST_CASE("init_logging can be called again and sets the level", "[common][log]") {
  CHECK(init_logging("debug", false));
  CHECK(spdlog::default_logger()->level() == spdlog::level::debug);
  CHECK(init_logging("warn", true));
  CHECK(spdlog::default_logger()->level() == spdlog::level::warn);
  // A failed call keeps the previous setup.
  CHECK_FALSE(init_logging("nonsense", false));
  CHECK(spdlog::default_logger()->level() == spdlog::level::warn);
}

TEST_CASE("json log lines are valid JSON whatever the message holds", "[common][log]") {
  REQUIRE(init_logging("info", true));
  const std::string tricky = "quote \" backslash \\ newline \n tab \t bell \a ru \xd0\xb7\xd0\xb0\xd0\xba\xd0\xb0\xd0\xb7 bad \xff end";
  const std::string output = captured_stderr([&] {
    spdlog::info("plain message");
    spdlog::warn("{}", tricky);
    spdlog::debug("below the level");
  });
  const auto lines = lines_of(output);
  REQUIRE(lines.size() == 2);
  const auto first = nlohmann::json::parse(lines[0]);
  CHECK(first["msg"] == "plain message");
  CHECK(first["level"] == "info");
  CHECK(first["thread"].is_number());
  CHECK(first["time"].get<std::string>().size() >= 23);
  const auto second = nlohmann::json::parse(lines[1]);
  CHECK(second["level"] == "warning");
  CHECK(second["msg"]
        == "quote \" backslash \\ newline \n tab \t bell \a ru \xd0\xb7\xd0\xb0\xd0\xba\xd0\xb0\xd0\xb7 bad \xef\xbf\xbd end");
}

TEST_CASE("text log lines carry level and message", "[common][log]") {
  REQUIRE(init_logging("info", false));
  const std::string output = captured_stderr([] { spdlog::error("something {}", 42); });
  const auto lines = lines_of(output);
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::Contains("error") && Catch::EndsWith("something 42"));
}
