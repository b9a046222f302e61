// mgc-tool decode isup / encode isup.
#include "core/hex.h"
#include "gateway/tool/registry.h"
#include "isup/codec.h"
#include "isup/json.h"

#include <cstdio>
#include <iostream>
#include <string>

namespace mgc::tool {
namespace {

// Parses the shared options; returns false on a usage error. Leaves positional args in `rest`.
bool options(std::span<const std::string_view> args, isup::DecodeOptions &opt,
             std::vector<std::string_view> &rest) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--variant" && i + 1 < args.size()) {
      const std::string_view v = args[++i];
      if (v == "itu")
        opt.variant = isup::Variant::Itu;
      else if (v == "ansi")
        opt.variant = isup::Variant::Ansi;
      else
        return false;
    } else if (a == "--no-cic") {
      opt.with_cic = false;
    } else if (a == "--transit") {
      opt.node = isup::Node::Transit;
    } else if (a.starts_with("--")) {
      return false;
    } else {
      rest.push_back(a);
    }
  }
  return true;
}

int decode_isup(std::span<const std::string_view> args) {
  isup::DecodeOptions opt;
  std::vector<std::string_view> rest;
  if (!options(args, opt, rest) || rest.size() > 1)
    return kUsage;
  std::string text = rest.empty() ? read_stdin() : std::string(rest[0]);
  auto bytes = hex_decode(text);
  if (!bytes) {
    std::fprintf(stderr, "not a hex string\n");
    return kUsage;
  }
  isup::Message msg;
  const isup::DecodeResult r = isup::decode(*bytes, opt, msg);
  if (r.reason != isup::DecodeReason::truncated_header) {
    nlohmann::json j = isup::to_json(msg, opt);
    if (!r.status.ok()) {
      j["decode"] = {{"reason", std::string(r.status.detail())},
                     {"action", std::string(isup::action_name(r.action))},
                     {"cause", r.cause},
                     {"diagnostic", hex_encode(r.diagnostic.span())}};
    }
    std::cout << j.dump(2) << "\n";
  }
  if (!r.status.ok()) {
    std::fprintf(stderr, "%.*s: Q.764 action %.*s, cause %u\n", int(r.status.detail().size()),
                 r.status.detail().data(), int(isup::action_name(r.action).size()),
                 isup::action_name(r.action).data(), r.cause);
    // A message the receiver may use as it stands (unknown parameters with instructions to pass
    // them on or drop them silently) is not malformed.
    if (r.action != isup::Action::Process && r.action != isup::Action::PassOn)
      return kMalformed;
  }
  return kOk;
}

int encode_isup(std::span<const std::string_view> args) {
  isup::DecodeOptions opt;
  std::vector<std::string_view> rest;
  if (!options(args, opt, rest) || rest.size() > 1)
    return kUsage;
  std::string text;
  if (rest.empty() || rest[0] == "-")
    text = read_stdin();
  else if (!read_file(rest[0], text)) {
    std::fprintf(stderr, "cannot read %.*s\n", int(rest[0].size()), rest[0].data());
    return kUsage;
  }
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    std::fprintf(stderr, "input is not JSON\n");
    return kMalformed;
  }
  isup::Message msg;
  if (Status s = isup::from_json(j, opt, msg); !s.ok()) {
    std::fprintf(stderr, "%.*s\n", int(s.detail().size()), s.detail().data());
    return kMalformed;
  }
  std::vector<uint8_t> out;
  if (Status s = isup::encode(msg, opt, out); !s.ok()) {
    std::fprintf(stderr, "%.*s\n", int(s.detail().size()), s.detail().data());
    return kMalformed;
  }
  std::cout << hex_encode(out) << "\n";
  return kOk;
}

const Registrar decode_reg{{"decode", "isup", "[--variant itu|ansi] [--no-cic] [--transit] HEX",
                            decode_isup}};
const Registrar encode_reg{{"encode", "isup", "[--variant itu|ansi] [--no-cic] [FILE.json|-]",
                            encode_isup}};

} // namespace
} // namespace mgc::tool
