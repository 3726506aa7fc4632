#pragma once

#include <cstddef>
#include <string>
#include <vector>

// What backoff-sim's tables say to a person, as data: paragraphs, verbatim
// lines and tables of cells. The core decides the words and which columns
// matter most; the CLI lays it out for the width it prints to (dropping
// columns, wrapping paragraphs), so the core knows nothing of terminals.
namespace jobop::backoff {

struct ReportColumn {
  std::string header;
  // 0: always shown. A larger number is dropped earlier when the table is
  // too wide; each droppable column has its own number.
  int priority = 0;
};

struct ReportTable {
  std::vector<ReportColumn> columns;
  // One text per column; durations and counts, right-aligned.
  std::vector<std::vector<std::string>> rows;
  // A line across the table before row `before` (the schedule's omitted rows).
  struct Break {
    std::size_t before = 0;
    std::string text;
  };
  std::vector<Break> breaks;
};

struct ReportBlock {
  enum class Kind {
    paragraph, // wrapped to the width; "" is an empty line
    verbatim,  // a line as it is (the TOML block to paste)
    table,
  };
  Kind kind = Kind::paragraph;
  std::string text;
  ReportTable table;
};

class TextReport {
public:
  void paragraph(std::string text) {
    m_blocks.push_back({ReportBlock::Kind::paragraph, std::move(text), {}});
  }
  void blank() { paragraph(""); }
  void verbatim(std::string line) {
    m_blocks.push_back({ReportBlock::Kind::verbatim, std::move(line), {}});
  }
  void table(ReportTable table) {
    m_blocks.push_back({ReportBlock::Kind::table, "", std::move(table)});
  }
  void append(const TextReport& other) {
    m_blocks.insert(m_blocks.end(), other.m_blocks.begin(), other.m_blocks.end());
  }
  const std::vector<ReportBlock>& blocks() const { return m_blocks; }

private:
  std::vector<ReportBlock> m_blocks;
};

} // namespace jobop::backoff
