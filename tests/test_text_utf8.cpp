#include <jobop/text/utf8.hpp>

#include <doctest/doctest.h>

#include <string>

using jobop::text::append_utf8;
using jobop::text::decode_utf8;
using jobop::text::is_valid_utf8;
using jobop::text::terminal_safe;

TEST_CASE("decode_utf8 reads one code point of every length") {
  const std::string text = "a\u00e9\u4e2d\U0001F600";
  auto d = decode_utf8(text, 0);
  CHECK(d.code == U'a');
  CHECK(d.length == 1);
  d = decode_utf8(text, 1);
  CHECK(d.code == U'\u00e9');
  CHECK(d.length == 2);
  d = decode_utf8(text, 3);
  CHECK(d.code == U'\u4e2d');
  CHECK(d.length == 3);
  d = decode_utf8(text, 6);
  CHECK(d.code == U'\U0001F600');
  CHECK(d.length == 4);
}

TEST_CASE("decode_utf8 refuses overlong forms, surrogates, truncated and stray bytes") {
  CHECK(decode_utf8("\xC0\xAF", 0).length == 0);         // overlong '/'
  CHECK(decode_utf8("\xE0\x80\xAF", 0).length == 0);     // overlong
  CHECK(decode_utf8("\xED\xA0\x80", 0).length == 0);     // U+D800
  CHECK(decode_utf8("\xF4\x90\x80\x80", 0).length == 0); // above U+10FFFF
  CHECK(decode_utf8("\xE4\xB8", 0).length == 0);         // cut short
  CHECK(decode_utf8("\x80", 0).length == 0);             // continuation alone
  CHECK(decode_utf8("\xFF", 0).length == 0);
}

TEST_CASE("append_utf8 and decode_utf8 round-trip every scalar value") {
  for (char32_t code = 0; code <= 0x10FFFF; code += (code < 0x3000 ? 1 : 97)) {
    if (code >= 0xD800 && code <= 0xDFFF) {
      continue;
    }
    std::string text;
    append_utf8(text, code);
    const auto d = decode_utf8(text, 0);
    REQUIRE(d.length == text.size());
    REQUIRE(d.code == code);
  }
}

TEST_CASE("is_valid_utf8 checks a whole string") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("job-\u4e2d\u6587"));
  CHECK_FALSE(is_valid_utf8("bad \xff"));
}

TEST_CASE("terminal_safe escapes controls, C1 controls and invalid bytes, and keeps the rest") {
  CHECK(terminal_safe("plain \u4e2d\U0001F600") == "plain \u4e2d\U0001F600");
  CHECK(terminal_safe("a\x1b[31mb") == "a\\x1B[31mb");
  CHECK(terminal_safe("\x7f") == "\\x7F");
  CHECK(terminal_safe("\xc2\x9b") == "\\xC2\\x9B"); // U+009B, a terminal's CSI
  CHECK(terminal_safe("x\xff\xfey") == "x\\xFF\\xFEy");
  CHECK(terminal_safe("tab\there") == "tab\\x09here");
}
