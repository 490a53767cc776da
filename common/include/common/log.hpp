#pragma once
// Process-wide logging setup over spdlog: level and text or JSON lines to stderr.

#include <string>

namespace rkgate {

/// Configures the default spdlog logger. `level` is one of trace, debug, info,
/// warn, error, critical, off; `json` writes one JSON object a line.
/// Returns false (and changes nothing) for an unknown level.
bool init_logging(const std::string& level, bool json);

} // namespace rkgate
