#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Echoing input back in a diagnostic: enough of it to recognise, never so
// much that a 10 MB job id becomes a 10 MB error line.
namespace jobop::core {

// The most bytes of an input value a message repeats.
inline constexpr std::size_t k_echo_limit = 80;

// Return `value` when it has at most `limit` bytes, else its first bytes (cut
// at a UTF-8 character boundary) followed by "…(N bytes)" with its full size.
std::string echoed(std::string_view value, std::size_t limit = k_echo_limit);

} // namespace jobop::core
