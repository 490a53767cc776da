#include "support/process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace rkgate::test {

namespace fs = std::filesystem;

namespace {

std::string errno_text(const std::string& what, int err) {
  return what + ": " + std::strerror(err);
}

/// The last `max` bytes of `text`.
std::string tail(const std::string& text, std::size_t max = 4000) {
  return text.size() <= max ? text : "..." + text.substr(text.size() - max);
}

/// Port from a line `READY <port>`, or 0 when `line` is not one.
int ready_port(const std::string& line) {
  std::istringstream in(line);
  std::string word;
  int port = 0;
  if (in >> word >> port && word == "READY" && port > 0 && port < 65536)
    return port;
  return 0;
}

} // namespace

std::string binary_path(const std::string& name) {
  const fs::path root = RKGATE_BINARY_DIR;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory() && it->path().filename() == "CMakeFiles") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->path().filename() == name && it->is_regular_file()
        && ::access(it->path().c_str(), X_OK) == 0)
      return fs::absolute(it->path()).string();
  }
  throw std::runtime_error("no executable named " + name + " under " + root.string()
                           + " (is it built?)");
}

child::child(std::vector<std::string> argv, std::chrono::milliseconds ready_timeout) {
  if (argv.empty())
    throw std::invalid_argument("child: empty argv");

  char tmpl[] = "/tmp/rkgate-child-stderr-XXXXXX";
  const int err_fd = ::mkostemp(tmpl, O_CLOEXEC);
  if (err_fd < 0)
    throw std::runtime_error(errno_text("mkostemp", errno));
  stderr_path_ = tmpl;

  int out_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    const int err = errno;
    ::close(err_fd);
    throw std::runtime_error(errno_text("pipe2", err));
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  std::vector<char*> args;
  for (auto& arg : argv)
    args.push_back(arg.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_fd);
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::unlink(stderr_path_.c_str());
    throw std::runtime_error(errno_text("cannot start " + argv[0], rc));
  }
  pid_ = pid;
  stdout_fd_ = out_pipe[0];

  // Read stdout until a READY line, the child's exit (EOF) or the deadline.
  const auto deadline = std::chrono::steady_clock::now() + ready_timeout;
  std::string pending; // the unfinished last line
  std::string failure;
  while (port_ == 0 && failure.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failure = "no READY line within " + std::to_string(ready_timeout.count()) + " ms";
      break;
    }
    pollfd pfd{stdout_fd_, POLLIN, 0};
    const int n = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      continue; // timeout: the loop condition reports it
    char buf[4096];
    const ssize_t got = ::read(stdout_fd_, buf, sizeof buf);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      failure = "exited (stdout closed) before printing READY";
      break;
    }
    {
      std::lock_guard<std::mutex> lock(stdout_mutex_);
      stdout_text_.append(buf, static_cast<std::size_t>(got));
    }
    pending.append(buf, static_cast<std::size_t>(got));
    for (auto eol = pending.find('\n'); eol != std::string::npos; eol = pending.find('\n')) {
      if (port_ == 0)
        port_ = ready_port(pending.substr(0, eol));
      pending.erase(0, eol + 1);
    }
  }
  if (!failure.empty()) {
    reap(SIGKILL);
    const std::string err = stderr_text();
    ::close(stdout_fd_);
    stdout_fd_ = -1;
    ::unlink(stderr_path_.c_str());
    throw std::runtime_error(argv[0] + ": " + failure + "; stderr:\n" + tail(err));
  }
  drainer_ = std::thread([this] { drain_stdout(); });
}

void child::drain_stdout() {
  // Polls with a short timeout so the destructor can stop it even when a
  // grandchild still holds the pipe open.
  while (!stop_draining_) {
    pollfd pfd{stdout_fd_, POLLIN, 0};
    if (::poll(&pfd, 1, 50) <= 0)
      continue;
    char buf[4096];
    const ssize_t got = ::read(stdout_fd_, buf, sizeof buf);
    if (got == 0)
      return;
    if (got > 0) {
      std::lock_guard<std::mutex> lock(stdout_mutex_);
      stdout_text_.append(buf, static_cast<std::size_t>(got));
    }
  }
}

int child::reap(int signal) {
  ::kill(pid_, signal);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return status;
}

int child::stop(int signal) {
  if (pid_ <= 0)
    throw std::logic_error("child::stop: the process was already stopped");
  return reap(signal);
}

child::~child() {
  if (pid_ > 0)
    reap(SIGKILL);
  stop_draining_ = true;
  if (drainer_.joinable())
    drainer_.join();
  if (stdout_fd_ >= 0)
    ::close(stdout_fd_);
  if (!stderr_path_.empty())
    ::unlink(stderr_path_.c_str());
}

std::string child::stderr_text() const {
  std::ifstream in(stderr_path_, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string child::stdout_text() const {
  std::lock_guard<std::mutex> lock(stdout_mutex_);
  return stdout_text_;
}

} // namespace rkgate::test
