#include "background_thread.hpp"

#include <caf/detail/set_thread_name.hpp>
#include <spdlog/spdlog.h>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace rkgate::actors::detail {

void run_in_background(const char* name, int nice_steps) {
  caf::detail::set_thread_name(name);
  // For this thread only, relative to the process's own nice value (its
  // main thread's): the calling thread may have inherited a lowered one from
  // the thread that started it (the WAL syncer's from the STORE's).
  const auto tid = static_cast<id_t>(gettid());
  // SCHED_BATCH: a woken batch thread never preempts the running one; it
  // takes a free core or waits for the running thread's slice to end. The
  // helpers wake several times per order, and each wake-up used to be able
  // to interrupt a loop thread in the middle of a request. The nice value is
  // kept (and set below), so the helpers' share of a busy machine is as before.
  sched_param fair{};
  if (sched_setscheduler(static_cast<pid_t>(tid), SCHED_BATCH, &fair) != 0)
    spdlog::warn("{}: cannot make it a batch thread: {}", name, std::strerror(errno));
  errno = 0;
  const int base = getpriority(PRIO_PROCESS, static_cast<id_t>(getpid()));
  if (errno != 0 || setpriority(PRIO_PROCESS, tid, std::min(base + nice_steps, 19)) != 0)
    spdlog::warn("{}: cannot lower its priority: {}", name, std::strerror(errno));
}

} // namespace rkgate::actors::detail
