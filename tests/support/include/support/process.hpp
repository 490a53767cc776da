#pragma once
// Child processes for end-to-end tests: rk7sim and rkgate started on free
// loopback ports, ready when they print `READY <port>` on stdout.

#include <chrono>
#include <string>
#include <vector>

namespace rkgate::test {

/// Absolute path of a binary built in this build tree (e.g. "rk7sim").
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

private:
  int pid_ = -1;
  int port_ = 0;
  int stdout_fd_ = -1;
  std::string stderr_path_;
};

} // namespace rkgate::test
