#pragma once
// A directory under the system's temporary directory, removed with its
// contents when the test ends.

#include <filesystem>
#include <random>
#include <string>

namespace rkgate::test {

struct temp_dir {
  explicit temp_dir(const std::string& prefix)
    : path(std::filesystem::temp_directory_path() / (prefix + std::to_string(std::random_device{}()))) {}
  ~temp_dir() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
};

} // namespace rkgate::test
