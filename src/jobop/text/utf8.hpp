#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// UTF-8 as jobop meets it: metastore bytes that need not be valid, shown on
// terminals that must never see a control sequence from them.
namespace jobop::text {

// One decoded code point: `length` bytes of the input, 0 when the bytes at
// the position are not a valid sequence.
struct Decoded {
  char32_t code = 0;
  std::size_t length = 0;
};

// Decode the code point at `text[pos]` (`pos` < size). Overlong forms,
// surrogates and values above U+10FFFF are invalid (length 0).
Decoded decode_utf8(std::string_view text, std::size_t pos);

// Append the UTF-8 encoding of `code` (a valid scalar value) to `out`.
void append_utf8(std::string& out, char32_t code);

// Return true if `text` is entirely valid UTF-8.
bool is_valid_utf8(std::string_view text);

// Return `text` safe to show on a terminal: C0 and C1 controls, DEL and
// invalid bytes become `\xNN` (C1 as the bytes of their encoding), so bytes
// from the metastore can never move the cursor or change colour.
std::string terminal_safe(std::string_view text);

} // namespace jobop::text
