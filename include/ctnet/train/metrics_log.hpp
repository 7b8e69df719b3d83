#pragma once
// The per-epoch metrics log of a run: a CSV file with a header naming its
// columns, one row per epoch, flushed after every row so an interrupted run
// keeps what it measured. On resume, rows after the resumed epoch are dropped.
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <ctnet/core/error.hpp>

namespace ctnet {

class MetricsLog {
 public:
  /// Opens `path` with the given columns (the first is the epoch). With
  /// `keep_epochs` > 0, the rows of epochs 1..keep_epochs already in the file
  /// are kept (a resumed run); otherwise the file starts afresh.
  MetricsLog(std::string path, std::vector<std::string> columns, std::size_t keep_epochs = 0)
      : path_(std::move(path)), columns_(std::move(columns)) {
    std::vector<std::string> kept;
    if (keep_epochs > 0) {
      std::ifstream in(path_);
      std::string line;
      std::getline(in, line);  // header
      while (std::getline(in, line)) {
        if (line.empty()) continue;
        if (std::stoull(line.substr(0, line.find(','))) <= keep_epochs) kept.push_back(line);
      }
    }
    std::ofstream out(path_, std::ios::trunc);
    if (!out) throw Error(path_ + ": cannot write the metrics log");
    for (std::size_t i = 0; i < columns_.size(); ++i) out << (i ? "," : "") << columns_[i];
    out << "\n";
    for (const auto& l : kept) out << l << "\n";
  }

  /// Appends one row (values in column order) and flushes it.
  void write_row(const std::vector<double>& values) {
    if (values.size() != columns_.size())
      throw Error(path_ + ": a row of " + std::to_string(values.size()) + " values for " +
                  std::to_string(columns_.size()) + " columns");
    std::ofstream out(path_, std::ios::app);
    std::ostringstream row;
    row.precision(6);
    for (std::size_t i = 0; i < values.size(); ++i) row << (i ? "," : "") << values[i];
    out << row.str() << "\n";
    if (!out) throw Error(path_ + ": cannot append to the metrics log");
  }

  /// Reads a column of a metrics file back (for plots), one value per row.
  static std::vector<double> read_column(const std::string& path, const std::string& column) {
    std::ifstream in(path);
    std::string line;
    if (!std::getline(in, line)) throw Error(path + ": empty metrics log");
    std::size_t index = 0, found = static_cast<std::size_t>(-1);
    std::stringstream header(line);
    for (std::string name; std::getline(header, name, ','); ++index)
      if (name == column) found = index;
    if (found == static_cast<std::size_t>(-1)) throw Error(path + ": no column '" + column + "'");
    std::vector<double> values;
    while (std::getline(in, line)) {
      std::stringstream row(line);
      std::string cell;
      for (std::size_t i = 0; std::getline(row, cell, ','); ++i)
        if (i == found) values.push_back(std::stod(cell));
    }
    return values;
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::string> columns_;
};

}  // namespace ctnet
