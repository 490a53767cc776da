#pragma once
// A RocksDB store in a fresh temporary directory that can be closed and
// reopened (a simulated restart); the directory goes away with the object.
// Shared by the notify and events suites.

#include <persistence/store.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

namespace rkgate_test {

class scratch_store {
public:
  scratch_store() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "rkgate-scratch-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
    reopen();
  }
  ~scratch_store() {
    db_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  scratch_store(const scratch_store&) = delete;
  scratch_store& operator=(const scratch_store&) = delete;

  rkgate::persistence::store& db() { return *db_; }

  /// Closes the database and opens it again, as a restart would.
  rkgate::persistence::store& reopen() {
    db_.reset();
    std::string error;
    db_ = rkgate::persistence::store::open(dir_, &error);
    INFO(error);
    REQUIRE(db_);
    return *db_;
  }

private:
  std::string dir_;
  std::unique_ptr<rkgate::persistence::store> db_;
};

} // namespace rkgate_test
