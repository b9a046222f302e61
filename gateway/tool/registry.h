// mgc-tool's command registry. Each protocol's commands live in their own file
// (gateway/tool/<protocol>.cpp) and register themselves with a static Registrar, so adding a
// protocol touches no shared file. Exit codes (DESIGN.md): 0 ok, 1 malformed input (reason and
// the protocol's own error code on stderr), 2 bad usage.
#pragma once

#include <span>
#include <string_view>

namespace mgc::tool {

enum Exit : int { kOk = 0, kMalformed = 1, kUsage = 2 };

struct Command {
  std::string_view verb;  // "decode" or "encode"
  std::string_view proto; // "isup", "m3ua", "sip", "mgcp", "h248"
  std::string_view usage; // options after "<verb> <proto>", for the help text
  // args: what follows "<verb> <proto>" on the command line.
  int (*run)(std::span<const std::string_view> args);
};

struct Registrar {
  explicit Registrar(const Command &c);
};

// Reads all of standard input (for encoders, and decoders given "-" as FILE).
std::string read_stdin();
// Reads a whole file; returns false if it cannot be read.
bool read_file(std::string_view path, std::string &out);

} // namespace mgc::tool
