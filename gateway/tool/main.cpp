// mgc-tool: one-message codec tool for lab engineers and tests (DESIGN.md "The three programs").
#include "gateway/tool/registry.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace mgc::tool {
namespace {
std::vector<Command> &commands() {
  static std::vector<Command> list;
  return list;
}
} // namespace

Registrar::Registrar(const Command &c) { commands().push_back(c); }

std::string read_stdin() {
  std::ostringstream s;
  s << std::cin.rdbuf();
  return s.str();
}

bool read_file(std::string_view path, std::string &out) {
  if (path == "-") {
    out = read_stdin();
    return true;
  }
  std::ifstream f{std::string(path), std::ios::binary};
  if (!f)
    return false;
  out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

} // namespace mgc::tool

namespace {
int usage() {
  std::fprintf(stderr, "usage: mgc-tool <decode|encode> <protocol> [options]\n");
  for (const auto &c : mgc::tool::commands())
    std::fprintf(stderr, "  mgc-tool %.*s %.*s %.*s\n", int(c.verb.size()), c.verb.data(),
                 int(c.proto.size()), c.proto.data(), int(c.usage.size()), c.usage.data());
  return mgc::tool::kUsage;
}
} // namespace

int main(int argc, char **argv) {
  if (argc < 3)
    return usage();
  std::string_view verb = argv[1], proto = argv[2];
  std::vector<std::string_view> rest(argv + 3, argv + argc);
  for (const auto &c : mgc::tool::commands())
    if (c.verb == verb && c.proto == proto)
      return c.run(rest);
  return usage();
}
