// Helpers shared by the ISUP tests: loading vector files and reading typed fields.
#pragma once

#include "core/hex.h"
#include "isup/codec.h"

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace isup_test {

inline std::vector<std::vector<std::string>> read_tsv(const std::string &path) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, '\t'))
      cols.push_back(c);
    while (cols.size() < 7)
      cols.emplace_back();
    rows.push_back(cols);
  }
  return rows;
}

inline std::vector<uint8_t> bytes(const std::string &hex) { return *mgc::hex_decode(hex); }

inline std::string data(const std::string &rel) { return std::string(MGC_TEST_DATA) + "/isup/" + rel; }

// "k=v;k=v" -> map
inline std::map<std::string, std::string> expectations(const std::string &s) {
  std::map<std::string, std::string> m;
  std::stringstream ss(s);
  std::string kv;
  while (std::getline(ss, kv, ';'))
    if (auto eq = kv.find('='); eq != std::string::npos)
      m[kv.substr(0, eq)] = kv.substr(eq + 1);
  return m;
}

} // namespace isup_test
