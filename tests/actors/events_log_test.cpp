// The EVENTS LOG on a real actor system (it owns a thread, which the
// deterministic scheduler cannot drive): an appended event is read back, and
// the log runs on its own thread, named and events_nice steps of nice below
// its caller, so that on a saturated machine the requests' threads go first.

#include "actors/tracking.hpp"

#include "real_system.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

using namespace rkgate;
using namespace rkgate::actors;

namespace {

/// The nice value of this process's thread named `name`, if there is one.
std::optional<int> nice_of_thread(const std::string& name) {
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string found;
    if (!std::getline(comm, found) || found != name)
      continue;
    std::ifstream stat_file(task.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
    std::istringstream after_comm(text.substr(text.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 19 && after_comm >> field; ++i) // field 19 of /proc/<pid>/stat is nice
      if (i == 19)
        return std::stoi(field);
  }
  return std::nullopt;
}

} // namespace

TEST_CASE("events log: appends are read back, on a thread of its own at lower priority",
          "[actors][events_log]") {
  rkgate::test::real_actor_system real;
  auto& sys = real.sys;
  const int own_nice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  auto log = spawn_events_log(sys, nullptr, std::chrono::minutes(5));
  caf::scoped_actor self{sys};
  events::new_event e;
  e.what = events::code::order_status;
  e.restaurant = "r1";
  e.guid = "{A}";
  self->send(log, atom::put_v, std::move(e));

  std::string page;
  self->request(log, caf::infinite, atom::get_v, events_query{"none", {"r1"}})
    .receive([&](const std::string& text) { page = text; }, [&](caf::error& err) { FAIL(caf::to_string(err)); });
  CHECK(page.find("{A}") != std::string::npos);
  CHECK(nice_of_thread("rkgate.events") == std::min(own_nice + events_nice, 19));
  CHECK(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())) == own_nice); // the caller's thread is untouched
  self->send_exit(log, caf::exit_reason::user_shutdown);
}
