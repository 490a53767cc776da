#pragma once
// The nice values and scheduling policies of this process's threads, for
// tests that check which threads yield to the event loop's: one found by its
// name (as the gateway names its threads), the calling thread's, and what a
// thread lowered some steps below the caller should have.

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

namespace rkgate::test {

/// What a missing thread reads as in a CHECK (Catch cannot print an optional).
inline constexpr int no_such_thread = -100;

/// Field `n` (as proc(5) numbers them, 3 or more) of /proc/<pid>/stat of this
/// process's thread named `name`, if there is one.
inline std::optional<int> stat_field_of_thread(const std::string& name, int n) {
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string found;
    if (!std::getline(comm, found) || found != name)
      continue;
    std::ifstream stat_file(task.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
    std::istringstream after_comm(text.substr(text.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= n && after_comm >> field; ++i)
      if (i == n)
        return std::stoi(field);
  }
  return std::nullopt;
}

/// The nice value of this process's thread named `name`, if there is one.
inline std::optional<int> nice_of_thread(const std::string& name) {
  return stat_field_of_thread(name, 19);
}

/// The scheduling policy (SCHED_OTHER, SCHED_BATCH, ...) of this process's
/// thread named `name`, if there is one.
inline std::optional<int> policy_of_thread(const std::string& name) {
  return stat_field_of_thread(name, 41);
}

/// The calling thread's nice value.
inline int own_nice() {
  return getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
}

/// The nice value of a thread lowered `steps` below the calling one (19 at most).
inline int lowered_nice(int steps) {
  return std::min(own_nice() + steps, 19);
}

} // namespace rkgate::test
