#pragma once
// A results table of an example program (a sweep, a curve): named columns of
// numbers, kept in memory and written whole to a CSV file after every row,
// so an interrupted program keeps every finished row.
#include <cstddef>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <ctnet/core/atomic_file.hpp>
#include <ctnet/core/error.hpp>

namespace ctnet {

class CsvTable {
 public:
  CsvTable(std::string path, std::vector<std::string> columns)
      : path_(std::move(path)), columns_(std::move(columns)) {
    write();
  }

  /// Appends a row (values in column order) and rewrites the file.
  void add_row(const std::vector<double>& values) {
    if (values.size() != columns_.size())
      fail("{}: a row of {} values for {} columns", path_, values.size(), columns_.size());
    rows_.push_back(values);
    write();
  }

  /// A column's values, one per row.
  std::vector<double> column(const std::string& name) const {
    for (std::size_t c = 0; c < columns_.size(); ++c)
      if (columns_[c] == name) {
        std::vector<double> out;
        for (const auto& r : rows_) out.push_back(r[c]);
        return out;
      }
    fail("{}: no column '{}'", path_, name);
  }
  const std::string& path() const { return path_; }

 private:
  void write() const {
    std::string text;
    for (const auto& c : columns_) text += (text.empty() ? "" : ",") + c;
    for (const auto& r : rows_) {
      text += "\n";
      for (std::size_t i = 0; i < r.size(); ++i) text += fmt::format("{}{:.6g}", i ? "," : "", r[i]);
    }
    text += "\n";
    write_text_atomic(path_, text);
  }

  std::string path_;
  std::vector<std::string> columns_;
  std::vector<std::vector<double>> rows_;
};

}  // namespace ctnet
