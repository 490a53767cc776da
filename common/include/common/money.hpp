#pragma once
// Money and quantities as integers: kopecks and thousandths of a portion.
// The external API speaks decimal numbers; nothing here uses floating-point
// arithmetic on money beyond the single conversion at the JSON boundary.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rkgate {

/// Money in minor units (kopecks): 150.00 RUB = 15000.
using kopecks = std::int64_t;

/// A quantity in thousandths of a portion: 1 portion = 1000, 0.5 = 500.
using milli = std::int64_t;

/// Parses a decimal text ("150", "36.5", "-1.25") with at most 2 decimals.
std::optional<kopecks> parse_kopecks(std::string_view text);

/// Converts a JSON number to kopecks; nothing when it has more than 2
/// decimals (beyond floating-point noise) or is not finite.
std::optional<kopecks> kopecks_from_number(double value);

/// Converts a JSON number of portions to thousandths; nothing when it has
/// more than 3 decimals or is not finite.
std::optional<milli> milli_from_number(double value);

/// The JSON number for an amount (15050 -> 150.5).
double to_number(kopecks value);

/// Portions for a quantity in thousandths (500 -> 0.5).
double portions(milli value);

/// Decimal text with 2 decimals ("150.50"), for logs and text output.
std::string format_kopecks(kopecks value);

} // namespace rkgate
