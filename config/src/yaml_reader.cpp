#include "yaml_reader.hpp"

#include <cstdlib>

namespace rkgate::config::detail {

int line_of(const YAML::Node& node) {
  if (!node.IsDefined())
    return 0;
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? 0 : mark.line + 1;
}

mapping::mapping(const YAML::Node& node, std::string path, problem_list& problems)
  : node_(node), path_(std::move(path)), problems_(problems) {
  if (!node.IsDefined() || node.IsNull())
    return;
  if (!node.IsMap()) {
    problems_.add(path_.empty() ? "(top)" : path_, node, "expected a mapping of keys");
    return;
  }
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      problems_.add(path_, it->first, "keys must be plain names");
      continue;
    }
    const std::string key = it->first.Scalar();
    if (!seen.insert(key).second) {
      problems_.add(path_of(key), it->first, "duplicate key");
      continue;
    }
    entries_.emplace_back(key, it->first);
  }
}

std::string mapping::path_of(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

YAML::Node mapping::optional(const std::string& key) {
  claimed_.insert(key);
  if (!node_.IsDefined() || !node_.IsMap())
    return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& entry : entries_)
    if (entry.first == key)
      return static_cast<const YAML::Node&>(node_)[key];
  return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node mapping::required(const std::string& key) {
  YAML::Node value = optional(key);
  if (!value.IsDefined() || value.IsNull()) {
    const int line = value.IsDefined() ? line_of(value) : line_of(node_);
    problems_.add(path_of(key), line, "required key is missing");
    return YAML::Node(YAML::NodeType::Undefined);
  }
  return value;
}

void mapping::finish() {
  for (const auto& [key, key_node] : entries_)
    if (claimed_.count(key) == 0)
      problems_.add(path_of(key), key_node, "unknown key");
}

bool read(const YAML::Node& node, const std::string& path, problem_list& problems,
          std::string& out) {
  if (!node.IsDefined())
    return false;
  if (!node.IsScalar()) {
    problems.add(path, node, "expected a text value");
    return false;
  }
  out = node.Scalar();
  return true;
}

bool read(const YAML::Node& node, const std::string& path, problem_list& problems,
          std::int64_t& out) {
  if (!node.IsDefined())
    return false;
  std::int64_t value = 0;
  if (!node.IsScalar() || !YAML::convert<std::int64_t>::decode(node, value)) {
    problems.add(path, node, "expected an integer");
    return false;
  }
  out = value;
  return true;
}

bool read(const YAML::Node& node, const std::string& path, problem_list& problems, bool& out) {
  if (!node.IsDefined())
    return false;
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    problems.add(path, node, "expected true or false");
    return false;
  }
  out = value;
  return true;
}

bool read_duration(const YAML::Node& node, const std::string& path, problem_list& problems,
                   milliseconds& out) {
  std::string text;
  if (!read(node, path, problems, text))
    return false;
  const auto value = parse_duration(text);
  if (!value) {
    problems.add(path, node,
                 "expected a duration such as 500ms, 30s, 5m, 24h or 1h30m, got \"" + text + "\"");
    return false;
  }
  out = *value;
  return true;
}

bool read_size(const YAML::Node& node, const std::string& path, problem_list& problems,
               std::uint64_t& out) {
  std::string text;
  if (!read(node, path, problems, text))
    return false;
  const auto value = parse_size(text);
  if (!value) {
    problems.add(path, node, "expected a size such as 1MiB, 512KiB or 1048576, got \"" + text
                                 + "\"");
    return false;
  }
  out = *value;
  return true;
}

bool read(const YAML::Node& node, const std::string& path, problem_list& problems,
          std::vector<std::string>& out) {
  if (!node.IsDefined())
    return false;
  if (!node.IsSequence()) {
    problems.add(path, node, "expected a list such as [a, b]");
    return false;
  }
  std::vector<std::string> values;
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    std::string value;
    if (read(node[i], path + "[" + std::to_string(i) + "]", problems, value))
      values.push_back(value);
    else
      ok = false;
  }
  if (ok)
    out = std::move(values);
  return ok;
}

void read_secret(mapping& map, const std::string& key, bool required, problem_list& problems,
                 std::string& out) {
  const YAML::Node direct = map.optional(key);
  const YAML::Node env = map.optional(key + "_env");
  if (direct.IsDefined() && env.IsDefined()) {
    problems.add(map.path_of(key + "_env"), env,
                 "give either " + key + " or " + key + "_env, not both");
    return;
  }
  if (env.IsDefined()) {
    std::string name;
    if (!read(env, map.path_of(key + "_env"), problems, name))
      return;
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') {
      problems.add(map.path_of(key + "_env"), env,
                   "environment variable " + name + " is not set or empty");
      return;
    }
    out = value;
    return;
  }
  if (direct.IsDefined() && !direct.IsNull()) {
    if (read(direct, map.path_of(key), problems, out) && out.empty() && required)
      problems.add(map.path_of(key), direct, "must not be empty");
    return;
  }
  if (required)
    problems.add(map.path_of(key), direct.IsDefined() ? line_of(direct) : line_of(map.node()),
                 "required key is missing (or give " + key + "_env)");
}

void for_each_item(const YAML::Node& node, const std::string& path, problem_list& problems,
                   const std::function<void(const YAML::Node&, const std::string&)>& each) {
  if (!node.IsDefined() || node.IsNull())
    return;
  if (!node.IsSequence()) {
    problems.add(path, node, "expected a list");
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i)
    each(node[i], path + "[" + std::to_string(i) + "]");
}

} // namespace rkgate::config::detail
