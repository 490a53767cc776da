#pragma once
// For threads whose work no request waits for, or waits for only beside a
// longer r_keeper call: names the calling thread (as `top -H` and
// bench/run.py show it), makes it a batch thread (SCHED_BATCH: its wake-ups
// never preempt a running thread) and lowers its priority, so that on a busy
// machine the event loop's threads, which carry the requests, get the cores
// first.

namespace rkgate::actors::detail {

/// Names the calling thread `name`, makes it SCHED_BATCH and lowers its
/// priority `nice_steps` below the process's (19 at most); a failure to lower
/// it is logged, not fatal.
void run_in_background(const char* name, int nice_steps);

} // namespace rkgate::actors::detail
