#include <jobop/text/display_width.hpp>

#include <doctest/doctest.h>

#include <clocale>
#include <cwchar>
#include <string>

using jobop::text::code_point_width;
using jobop::text::display_width;
using jobop::text::truncate_to_width;

TEST_CASE("code_point_width follows East Asian Width and combining marks") {
  CHECK(code_point_width(U'a') == 1);
  CHECK(code_point_width(U'\u00e9') == 1);
  CHECK(code_point_width(U'\u4e2d') == 2);     // CJK ideograph
  CHECK(code_point_width(U'\uac00') == 2);     // Hangul syllable
  CHECK(code_point_width(U'\u3042') == 2);     // Hiragana
  CHECK(code_point_width(U'\uff21') == 2);     // fullwidth A
  CHECK(code_point_width(U'\uff71') == 1);     // halfwidth katakana
  CHECK(code_point_width(U'\U0001F600') == 2); // emoji
  CHECK(code_point_width(U'\U0001F680') == 2); // rocket
  CHECK(code_point_width(U'\u0301') == 0);     // combining acute
  CHECK(code_point_width(U'\u200d') == 0);     // zero width joiner
  CHECK(code_point_width(U'\u1160') == 0);     // Hangul medial vowel
  CHECK(code_point_width(U'\u00ad') == 1);     // soft hyphen, as glibc
  CHECK(code_point_width(U'\x1b') == -1);
  CHECK(code_point_width(U'\u0085') == -1); // C1 control
}

TEST_CASE("display_width counts columns, not bytes or code points") {
  CHECK(display_width("") == 0);
  CHECK(display_width("payments-cdc") == 12);
  CHECK(display_width("\u4e2d\u6587\u4f5c\u4e1a") == 8); // 中文作业
  CHECK(display_width("e\u0301") == 1);                  // e + combining acute
  CHECK(display_width("job-\U0001F680") == 6);
  CHECK(display_width("\U0001F468\u200d\U0001F469\u200d\U0001F467") == 2); // family ZWJ sequence
  CHECK(display_width("bad\xff") == 4); // an invalid byte: one column
}

TEST_CASE("display_width agrees with glibc's wcwidth in C.UTF-8 for CJK, Hangul, kana and ASCII") {
  if (std::setlocale(LC_CTYPE, "C.UTF-8") == nullptr) {
    MESSAGE("no C.UTF-8 locale here; skipped");
    return;
  }
  int compared = 0;
  for (const auto& [first, last] : {std::pair<char32_t, char32_t>{0x20, 0x7E},
                                    {0x1100, 0x115F},
                                    {0x3041, 0x3096},
                                    {0x4E00, 0x9FFF},
                                    {0xAC00, 0xD7A3},
                                    {0xFF01, 0xFF60}}) {
    for (char32_t code = first; code <= last; ++code) {
      REQUIRE_MESSAGE(code_point_width(code) == wcwidth(static_cast<wchar_t>(code)),
                      "U+" << std::hex << static_cast<unsigned>(code));
      ++compared;
    }
  }
  std::setlocale(LC_CTYPE, "C");
  CHECK(compared > 30000);
}

TEST_CASE("truncate_to_width never breaks a CJK character, an emoji or a combining sequence") {
  CHECK(truncate_to_width("short", 10) == "short");
  CHECK(truncate_to_width("abcdefgh", 5) == "abcd\u2026");
  // 中文作业 is 8 columns: 5 leaves room for two ideographs and the ellipsis.
  CHECK(truncate_to_width("\u4e2d\u6587\u4f5c\u4e1a", 5) == "\u4e2d\u6587\u2026");
  CHECK(truncate_to_width("\u4e2d\u6587\u4f5c\u4e1a", 4) == "\u4e2d\u2026");
  CHECK(display_width(truncate_to_width("\u4e2d\u6587\u4f5c\u4e1a", 4)) <= 4);
  CHECK(truncate_to_width("ab\U0001F680cd", 4) == "ab\u2026");
  CHECK(truncate_to_width("ae\u0301zzz", 4) == "ae\u0301z\u2026");
  // The accent stays with its letter: both or neither.
  CHECK(truncate_to_width("abe\u0301cd", 4) == "abe\u0301\u2026");
  CHECK(truncate_to_width("abe\u0301cd", 3) == "ab\u2026");
  CHECK(truncate_to_width("abc", 0) == "");
}
