#pragma once
// Child processes for end-to-end tests: rk7sim and rkgate started on free
// loopback ports, ready when they print `READY <port>` on stdout.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rkgate::test {

/// Absolute path of a binary built in this build tree (e.g. "rk7sim"),
/// searched for under RKGATE_BINARY_DIR; throws std::runtime_error when absent.
std::string binary_path(const std::string& name);

class child {
public:
  /// Starts `argv` (argv[0] is a path) and waits up to `ready_timeout` for a
  /// stdout line `READY <port>`; throws std::runtime_error (with the child's
  /// stderr tail) when it exits or times out first.
  explicit child(std::vector<std::string> argv,
                 std::chrono::milliseconds ready_timeout = std::chrono::seconds(20));
  ~child(); ///< SIGKILL if still running
  child(const child&) = delete;
  child& operator=(const child&) = delete;

  int port() const { return port_; }
  int pid() const { return pid_; }
  /// Sends `signal` and reaps the process; returns its wait status.
  int stop(int signal);
  /// What the child wrote to stderr so far (captured to a temp file).
  std::string stderr_text() const;
  /// What the child wrote to stdout so far (kept drained after READY so the
  /// child never blocks on a full pipe).
  std::string stdout_text() const;

private:
  void drain_stdout();
  int reap(int signal); ///< kill + waitpid; returns the wait status

  int pid_ = -1;
  int port_ = 0;
  int stdout_fd_ = -1;
  std::string stderr_path_;
  mutable std::mutex stdout_mutex_;
  std::string stdout_text_;
  std::atomic<bool> stop_draining_{false};
  std::thread drainer_;
};

} // namespace rkgate::test
