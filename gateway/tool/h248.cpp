// mgc-tool commands for H.248.1: `decode h248 FILE|-` (text, Annex B) and
// `decode h248 --binary HEX` (Annex A BER) print the message as JSON: a structural summary
// (transactions, contexts, commands, terminations, descriptor kinds) plus its pretty text form.
// `encode h248 [--compact|--pretty|--binary]` reads an H.248 text message (either form) on stdin
// and prints it in the chosen encoding (binary as hex).
#include "core/hex.h"
#include "gateway/tool/registry.h"
#include "h248/codec.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <string>

namespace mgc::tool {
namespace {
using namespace mgc::h248;
using nlohmann::json;

constexpr const char *kKinds[] = {"request", "pending", "reply", "response_ack"};
constexpr const char *kCommands[] = {"Add",        "Modify",            "Subtract", "Move",
                                     "AuditValue", "AuditCapabilities", "Notify",   "ServiceChange"};
constexpr const char *kDescriptors[] = {"Media",          "Events",     "Signals",  "DigitMap",
                                        "Audit",          "ObservedEvents", "Statistics",
                                        "Error",          "ServiceChange", "EventBuffer",
                                        "Packages",       "Mux",        "AuditItem"};

json context_json(ContextId c) {
  if (c == kNullContext)
    return "-";
  if (c == kChooseContext)
    return "$";
  if (c == kAllContexts)
    return "*";
  return c;
}

json error_json(const ErrorDescriptor &e) { return {{"code", e.code}, {"text", e.text}}; }

json to_json(const Message &m) {
  json j;
  j["version"] = m.version;
  j["mid"] = m.mid.address + (m.mid.port ? ":" + std::to_string(*m.mid.port) : "");
  if (m.error)
    j["error"] = error_json(*m.error);
  json ts = json::array();
  for (const auto &t : m.transactions) {
    json tj{{"kind", kKinds[size_t(t.kind)]}, {"id", t.id}};
    if (t.error)
      tj["error"] = error_json(*t.error);
    json as = json::array();
    for (const auto &a : t.actions) {
      json aj{{"context", context_json(a.context)}};
      if (a.error)
        aj["error"] = error_json(*a.error);
      json cs = json::array();
      for (const auto &c : a.commands) {
        json cj{{"command", kCommands[size_t(c.type)]}};
        json tids = json::array();
        for (const auto &tid : c.terminations)
          tids.push_back(tid.text);
        cj["terminations"] = tids;
        json ds = json::array();
        for (const auto &d : c.descriptors) {
          ds.push_back(kDescriptors[d.index()]);
          if (const auto *e = std::get_if<ErrorDescriptor>(&d))
            cj["error"] = error_json(*e);
        }
        cj["descriptors"] = ds;
        cs.push_back(std::move(cj));
      }
      aj["commands"] = std::move(cs);
      as.push_back(std::move(aj));
    }
    tj["actions"] = std::move(as);
    ts.push_back(std::move(tj));
  }
  j["transactions"] = std::move(ts);
  std::string text;
  if (encode_text(m, text, TextOptions{true}).ok())
    j["text"] = text;
  return j;
}

int malformed(Status st) {
  std::fprintf(stderr, "malformed: %.*s (H.248 error %d)\n", int(st.detail().size()),
               st.detail().data(), st.code());
  return kMalformed;
}

int decode(std::span<const std::string_view> args) {
  if (args.empty())
    return kUsage;
  Message m;
  Status st;
  if (args[0] == "--binary") {
    if (args.size() != 2)
      return kUsage;
    auto bytes = hex_decode(args[1]);
    if (!bytes) {
      std::fprintf(stderr, "bad hex\n");
      return kUsage;
    }
    st = decode_binary(*bytes, m);
  } else {
    std::string in;
    if (!read_file(args[0], in)) {
      std::fprintf(stderr, "cannot read %.*s\n", int(args[0].size()), args[0].data());
      return kUsage;
    }
    st = decode_text(in, m);
  }
  if (!st.ok())
    return malformed(st);
  std::cout << to_json(m).dump(2) << "\n";
  return kOk;
}

int encode(std::span<const std::string_view> args) {
  std::string_view form = args.empty() ? "--compact" : args[0];
  if (args.size() > 1 || (form != "--compact" && form != "--pretty" && form != "--binary"))
    return kUsage;
  std::string in = read_stdin();
  Message m;
  Status st = decode_text(in, m);
  if (!st.ok())
    return malformed(st);
  if (form == "--binary") {
    std::vector<uint8_t> out;
    st = encode_binary(m, out);
    if (!st.ok())
      return malformed(st);
    std::cout << hex_encode(out) << "\n";
    return kOk;
  }
  std::string out;
  st = encode_text(m, out, TextOptions{form == "--pretty"});
  if (!st.ok())
    return malformed(st);
  std::cout << out;
  if (!out.empty() && out.back() != '\n')
    std::cout << "\n";
  return kOk;
}

const Registrar decode_cmd{{"decode", "h248", "FILE|- | --binary HEX", decode}};
const Registrar encode_cmd{{"encode", "h248", "[--compact|--pretty|--binary] < text", encode}};

} // namespace
} // namespace mgc::tool
