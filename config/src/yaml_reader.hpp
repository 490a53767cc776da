#pragma once
// Walking a YAML tree while collecting problems that name key path and line.

#include "config/config.hpp"

#include <yaml-cpp/yaml.h>

#include <functional>
#include <set>
#include <utility>

namespace rkgate::config::detail {

/// 1-based line of `node`, 0 when yaml-cpp has no mark for it.
int line_of(const YAML::Node& node);

/// Every problem found so far.
class problem_list {
public:
  void add(const std::string& path, int line, const std::string& message) {
    items_.push_back(problem{path, line, message});
  }
  void add(const std::string& path, const YAML::Node& at, const std::string& message) {
    add(path, line_of(at), message);
  }
  bool empty() const { return items_.empty(); }
  std::vector<problem> take() { return std::move(items_); }

private:
  std::vector<problem> items_;
};

/// A YAML mapping whose keys are claimed one by one; finish() reports the
/// keys nobody claimed as unknown.
class mapping {
public:
  /// Reports `node` when it is not a mapping (a null node reads as empty).
  mapping(const YAML::Node& node, std::string path, problem_list& problems);

  /// The value of an optional key (an undefined node when absent).
  YAML::Node optional(const std::string& key);
  /// The value of a required key; reports it missing when absent or null.
  YAML::Node required(const std::string& key);
  /// `path.key`
  std::string path_of(const std::string& key) const;
  const std::string& path() const { return path_; }
  const YAML::Node& node() const { return node_; }
  /// Reports every key not claimed by optional/required.
  void finish();

private:
  YAML::Node node_;
  std::string path_;
  problem_list& problems_;
  std::vector<std::pair<std::string, YAML::Node>> entries_; ///< key -> key node
  std::set<std::string> claimed_;
};

// Scalar readers: each reports a wrong type at the node's line and leaves
// `out` untouched; a node that is not defined is skipped (optional key).
bool read(const YAML::Node& node, const std::string& path, problem_list& problems,
          std::string& out);
bool read(const YAML::Node& node, const std::string& path, problem_list& problems,
          std::int64_t& out);
bool read(const YAML::Node& node, const std::string& path, problem_list& problems,
          bool& out);
bool read_duration(const YAML::Node& node, const std::string& path, problem_list& problems,
                   milliseconds& out);
bool read_size(const YAML::Node& node, const std::string& path, problem_list& problems,
               std::uint64_t& out);
/// A sequence of strings.
bool read(const YAML::Node& node, const std::string& path, problem_list& problems,
          std::vector<std::string>& out);

/// A secret given as `key` or as `key_env` (the name of an environment
/// variable), exactly one of the two; `required` reports when neither is there.
void read_secret(mapping& map, const std::string& key, bool required, problem_list& problems,
                 std::string& out);

/// Calls `each(item, path)` for every element of a sequence at `path`.
void for_each_item(const YAML::Node& node, const std::string& path, problem_list& problems,
                   const std::function<void(const YAML::Node&, const std::string&)>& each);

} // namespace rkgate::config::detail
