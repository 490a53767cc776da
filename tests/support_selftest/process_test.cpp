#include <support/process.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <sys/wait.h>

using namespace rkgate::test;

namespace {
const std::string script = RKGATE_FIXTURES_DIR "/support/ready_child.sh";
}

TEST_CASE("child waits for READY and reports the port", "[support][process]") {
  child c({script, "5123"});
  CHECK(c.port() == 5123);
  CHECK(c.pid() > 0);
  CHECK_THAT(c.stderr_text(), Catch::Contains("starting on 5123"));
  CHECK_THAT(c.stdout_text(), Catch::Contains("some banner"));
  const int status = c.stop(SIGTERM);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGTERM);
}

TEST_CASE("child throws with stderr when the process exits before READY",
          "[support][process]") {
  CHECK_THROWS_WITH(child({script, "5123", "exit"}),
                    Catch::Contains("before printing READY") && Catch::Contains("giving up"));
}

TEST_CASE("child throws when READY does not come in time", "[support][process]") {
  CHECK_THROWS_WITH(child({"/bin/sleep", "600"}, std::chrono::milliseconds(200)),
                    Catch::Contains("no READY line within 200 ms"));
}

TEST_CASE("child throws when the program cannot start", "[support][process]") {
  CHECK_THROWS_WITH(child({"/nonexistent/program"}), Catch::Contains("cannot start"));
}

TEST_CASE("binary_path finds a built binary and rejects unknown ones", "[support][process]") {
  CHECK_THAT(binary_path("test_support"), Catch::EndsWith("/test_support"));
  CHECK_THROWS_WITH(binary_path("no-such-binary"), Catch::Contains("no executable"));
}
