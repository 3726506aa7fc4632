#pragma once

#include <cstddef>

// The generated code point tables behind display_width (scripts/gen-width-table).
namespace jobop::text::detail {

// An inclusive range of code points; each table is sorted and disjoint.
struct CodeRange {
  char32_t first;
  char32_t last;
};

// East Asian Width W or F: two columns (CJK, fullwidth forms, emoji).
extern const CodeRange k_wide_ranges[];
extern const std::size_t k_wide_ranges_size;
// Combining marks, format characters, Hangul medial vowels: no column.
extern const CodeRange k_zero_width_ranges[];
extern const std::size_t k_zero_width_ranges_size;

} // namespace jobop::text::detail
