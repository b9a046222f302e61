// mgc-tool commands for M3UA (RFC 4666): `decode m3ua HEX|-` prints the message as JSON;
// `encode m3ua` reads that JSON on stdin and prints hex. Parameter names come from the catalogue
// (sigtran/m3ua_catalogue.h), so the JSON follows the RFC's parameter names.
#include "core/hex.h"
#include "gateway/tool/registry.h"
#include "sigtran/m3ua_msg.h"

#include <nlohmann/json.hpp>

#ifdef MGC_TOOL_WITH_ISUP
#include "isup/codec.h"
#include "isup/json.h"
#endif

#include <cstdio>
#include <iostream>
#include <string>

namespace mgc::tool {
namespace {
using namespace mgc::sigtran::m3ua;
using nlohmann::json;

uint32_t be32(const std::vector<uint8_t> &v, std::size_t i) {
  return (uint32_t(v[i]) << 24) | (uint32_t(v[i + 1]) << 16) | (uint32_t(v[i + 2]) << 8) | v[i + 3];
}

std::string_view class_name(uint8_t c) {
#define MGC_X(n, v, s)                                                                             \
  if (c == (v))                                                                                    \
    return s;
  MGC_M3UA_CLASSES(MGC_X)
#undef MGC_X
  return "unknown";
}

json params_to_json(const std::vector<Param> &params);

json param_to_json(const Param &p) {
  json j;
  std::string_view name = tag_name(p.tag);
  j["tag"] = name.empty() ? json(p.tag) : json(std::string(name));
  const ParamInfo *pi = param_info(p.tag);
  if (p.tag == uint16_t(Tag::ProtocolData)) {
    ProtocolData pd;
    if (decode_protocol_data(p.value, pd).ok()) {
      j["opc"] = pd.opc;
      j["dpc"] = pd.dpc;
      j["si"] = pd.si;
      j["ni"] = pd.ni;
      j["mp"] = pd.mp;
      j["sls"] = pd.sls;
      j["data"] = mgc::hex_encode(pd.user_data);
#ifdef MGC_TOOL_WITH_ISUP
      // SI 5 = ISUP (Q.704 §14.2.1): show the user part too (read-only; encode uses "data").
      if (pd.si == 5) {
        mgc::isup::DecodeOptions opt{.variant = mgc::isup::Variant::Itu, .with_cic = true};
        mgc::isup::Message im;
        auto r = mgc::isup::decode(pd.user_data, opt, im);
        // Q.764 §2.9.5: a message with only unrecognised parameters is still processed.
        using mgc::isup::Action;
        if (r.action == Action::Process || r.action == Action::ProcessAndNotify ||
            r.action == Action::PassOn)
          j["isup"] = mgc::isup::to_json(im, opt);
        if (!r.status.ok())
          j["isup_status"] = std::string(r.status.detail());
      }
#endif
      return j;
    }
  }
  if (p.tag == uint16_t(Tag::InfoString)) {
    j["text"] = std::string(p.value.begin(), p.value.end());
    return j;
  }
  if (pi && pi->rule == LenRule::Nested) {
    Message inner;
    std::vector<uint8_t> wrapped = {1, 0, 0, 0, 0, 0, 0, 0};
    wrapped.insert(wrapped.end(), p.value.begin(), p.value.end());
    uint32_t n = uint32_t(wrapped.size());
    wrapped[4] = uint8_t(n >> 24), wrapped[5] = uint8_t(n >> 16), wrapped[6] = uint8_t(n >> 8),
    wrapped[7] = uint8_t(n);
    if (decode_tlv(wrapped, inner).ok()) {
      j["params"] = params_to_json(inner.params);
      return j;
    }
  }
  if (pi && pi->rule == LenRule::Exact && pi->len == 4 && p.value.size() == 4) {
    j["value"] = be32(p.value, 0);
    if (p.tag == uint16_t(Tag::ErrorCode))
      j["name"] = std::string(error_name(ErrorCode(be32(p.value, 0))));
    if (p.tag == uint16_t(Tag::TrafficModeType))
      j["name"] = std::string(traffic_mode_name(TrafficMode(be32(p.value, 0))));
    return j;
  }
  if (pi && pi->rule == LenRule::ListOf4 && p.value.size() % 4 == 0) {
    json a = json::array();
    for (std::size_t i = 0; i + 4 <= p.value.size(); i += 4)
      a.push_back(be32(p.value, i));
    j["values"] = a;
    return j;
  }
  j["hex"] = mgc::hex_encode(p.value);
  return j;
}

json params_to_json(const std::vector<Param> &params) {
  json a = json::array();
  for (const auto &p : params)
    a.push_back(param_to_json(p));
  return a;
}

bool params_from_json(const json &a, std::vector<Param> &out, std::string &err);

void put32(std::vector<uint8_t> &v, uint32_t x) {
  v.push_back(uint8_t(x >> 24));
  v.push_back(uint8_t(x >> 16));
  v.push_back(uint8_t(x >> 8));
  v.push_back(uint8_t(x));
}

bool param_from_json(const json &j, Param &p, std::string &err) {
  if (!j.is_object() || !j.contains("tag")) {
    err = "parameter needs a \"tag\"";
    return false;
  }
  const json &t = j["tag"];
  if (t.is_number_unsigned())
    p.tag = t.get<uint16_t>();
  else if (!t.is_string() || !tag_by_name(t.get<std::string>(), p.tag)) {
    err = "unknown tag " + t.dump();
    return false;
  }
  if (j.contains("opc")) {
    ProtocolData pd;
    pd.opc = j.value("opc", 0u);
    pd.dpc = j.value("dpc", 0u);
    pd.si = j.value("si", 0);
    pd.ni = j.value("ni", 0);
    pd.mp = j.value("mp", 0);
    pd.sls = j.value("sls", 0);
    auto d = mgc::hex_decode(j.value("data", std::string()));
    if (!d) {
      err = "bad hex in \"data\"";
      return false;
    }
    pd.user_data = *d;
    p.value = encode_protocol_data(pd);
  } else if (j.contains("text")) {
    std::string s = j["text"].get<std::string>();
    p.value.assign(s.begin(), s.end());
  } else if (j.contains("params")) {
    std::vector<Param> inner;
    if (!params_from_json(j["params"], inner, err))
      return false;
    Message m;
    m.params = inner;
    auto b = encode(m);
    p.value.assign(b.begin() + kHeaderLen, b.end());
  } else if (j.contains("value")) {
    put32(p.value, j["value"].get<uint32_t>());
  } else if (j.contains("values")) {
    for (const auto &v : j["values"])
      put32(p.value, v.get<uint32_t>());
  } else if (j.contains("hex")) {
    auto d = mgc::hex_decode(j["hex"].get<std::string>());
    if (!d) {
      err = "bad hex";
      return false;
    }
    p.value = *d;
  }
  return true;
}

bool params_from_json(const json &a, std::vector<Param> &out, std::string &err) {
  if (!a.is_array()) {
    err = "\"params\" must be an array";
    return false;
  }
  for (const auto &j : a) {
    Param p;
    if (!param_from_json(j, p, err))
      return false;
    out.push_back(std::move(p));
  }
  return true;
}

int decode_cmd(std::span<const std::string_view> args) {
  if (args.size() != 1)
    return kUsage;
  std::string text;
  if (args[0] == "-")
    text = read_stdin();
  else
    text = std::string(args[0]);
  auto bytes = mgc::hex_decode(text);
  if (!bytes) {
    std::fprintf(stderr, "not hex\n");
    return kUsage;
  }
  Message m;
  auto st = decode(*bytes, m);
  if (!st.ok()) {
    std::fprintf(stderr, "%.*s (M3UA error code 0x%02x %.*s)\n", int(st.detail().size()),
                 st.detail().data(), st.code(), int(error_name(ErrorCode(st.code())).size()),
                 error_name(ErrorCode(st.code())).data());
    return kMalformed;
  }
  json j;
  j["version"] = m.version;
  j["class"] = std::string(class_name(m.msg_class));
  j["type"] = std::string(msg_name(m.type()));
  j["params"] = params_to_json(m.params);
  std::cout << j.dump(2) << "\n";
  return kOk;
}

int encode_cmd(std::span<const std::string_view> args) {
  if (!args.empty())
    return kUsage;
  json j = json::parse(read_stdin(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("type") || !j["type"].is_string()) {
    std::fprintf(stderr, "expected a JSON object with \"type\" (as printed by decode m3ua)\n");
    return kUsage;
  }
  MsgType t;
  if (!msg_by_name(j["type"].get<std::string>(), t)) {
    std::fprintf(stderr, "unknown message type %s\n", j["type"].dump().c_str());
    return kUsage;
  }
  Message m(t);
  m.version = j.value("version", kVersion);
  std::string err;
  try {
    if (j.contains("params") && !params_from_json(j["params"], m.params, err)) {
      std::fprintf(stderr, "%s\n", err.c_str());
      return kUsage;
    }
  } catch (const json::exception &e) { // tool input, not network input
    std::fprintf(stderr, "bad JSON value: %s\n", e.what());
    return kUsage;
  }
  auto bytes = encode(m);
  // What we print must decode: a message the catalogue refuses is reported like a decode.
  Message check;
  auto st = decode(bytes, check);
  if (!st.ok()) {
    std::fprintf(stderr, "%.*s (M3UA error code 0x%02x)\n", int(st.detail().size()),
                 st.detail().data(), st.code());
    return kMalformed;
  }
  std::cout << mgc::hex_encode(bytes) << "\n";
  return kOk;
}

const Registrar reg_decode{Command{"decode", "m3ua", "HEX|-", decode_cmd}};
const Registrar reg_encode{Command{"encode", "m3ua", "< message.json", encode_cmd}};

} // namespace
} // namespace mgc::tool
