// mgc-tool commands for MGCP (RFC 3435): `decode mgcp FILE|-` reads one datagram (piggy-backed
// messages allowed, §3.5.5) and prints each message as JSON; `encode mgcp` reads that JSON
// (one object, or an array for a piggy-backed datagram) on stdin and prints the MGCP text.
// Parameter and verb names come from the catalogue (mgcp/catalogue.h).
#include "gateway/tool/registry.h"
#include "mgcp/codec.h"
#include "mgcp/sdp.h"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

namespace mgc::tool {
namespace {
using namespace mgc::mgcp;
using nlohmann::json;

json to_json(const Message &m) {
  json j;
  if (m.is_command()) {
    j["kind"] = "command";
    j["verb"] = m.verb == Verb::Experimental ? m.verb_text : std::string(verb_code(m.verb));
    j["verb_name"] = std::string(verb_name(m.verb));
    j["transaction_id"] = m.transaction_id;
    j["endpoint"] = m.endpoint;
    j["version"] = m.version;
  } else {
    j["kind"] = "response";
    j["code"] = m.code;
    j["meaning"] = std::string(return_code_meaning(m.code));
    j["transaction_id"] = m.transaction_id;
    if (!m.package.empty())
      j["package"] = m.package;
    j["comment"] = m.comment;
  }
  json params = json::array();
  for (const auto &p : m.params) {
    json pj;
    pj["name"] = p.param == Param::Extension ? p.name : std::string(param_code(p.param));
    pj["param"] = p.param == Param::Extension ? "Extension" : std::string(param_info(p.param).name);
    pj["value"] = p.value;
    params.push_back(std::move(pj));
  }
  j["params"] = std::move(params);
  json sdps = json::array();
  for (const auto &s : m.sdp) {
    json sj;
    sj["text"] = s;
    Sdp sdp;
    if (parse_sdp(s, sdp).ok() && sdp.audio()) {
      sj["audio_address"] = sdp.audio_address();
      sj["audio_port"] = sdp.audio()->port;
      sj["payload_types"] = sdp.audio()->payload_types;
    }
    sdps.push_back(std::move(sj));
  }
  j["sdp"] = std::move(sdps);
  return j;
}

bool from_json(const json &j, Message &m, std::string &why) {
  if (!j.is_object()) {
    why = "expected a JSON object";
    return false;
  }
  std::string kind = j.value("kind", "");
  m.transaction_id = j.value("transaction_id", 0u);
  if (kind == "command") {
    m.kind = Message::Kind::Command;
    std::string verb = j.value("verb", "");
    auto v = verb_from_code(verb);
    if (!v && !(verb.size() == 4 && (verb[0] == 'X' || verb[0] == 'x'))) {
      why = "unknown verb '" + verb + "'";
      return false;
    }
    m.verb = v ? *v : Verb::Experimental;
    m.verb_text = verb;
    m.endpoint = j.value("endpoint", "");
    m.version = j.value("version", "MGCP 1.0");
  } else if (kind == "response") {
    m.kind = Message::Kind::Response;
    m.code = j.value("code", -1);
    m.package = j.value("package", "");
    m.comment = j.value("comment", std::string(return_code_meaning(m.code)));
  } else {
    why = "\"kind\" must be \"command\" or \"response\"";
    return false;
  }
  for (const auto &pj : j.value("params", json::array())) {
    std::string name = pj.value("name", "");
    std::string value = pj.value("value", "");
    if (auto p = param_from_code(name); p && !param_info(*p).session_description)
      m.params.push_back(ParamLine{*p, name, value, {}});
    else
      m.add_extension(name, value);
  }
  for (const auto &sj : j.value("sdp", json::array()))
    m.sdp.push_back(sj.is_string() ? sj.get<std::string>() : sj.value("text", ""));
  return true;
}

int decode_cmd(std::span<const std::string_view> args) {
  if (args.size() != 1) {
    std::fprintf(stderr, "usage: mgc-tool decode mgcp FILE|-\n");
    return kUsage;
  }
  std::string text;
  if (!read_file(args[0], text)) {
    std::fprintf(stderr, "cannot read %.*s\n", int(args[0].size()), args[0].data());
    return kUsage;
  }
  auto parts = decode_datagram(text);
  json out = json::array();
  int rc = kOk;
  for (const auto &p : parts) {
    if (!p.status.ok()) {
      std::fprintf(stderr, "%.*s (MGCP %d %.*s)\n", int(p.status.detail().size()),
                   p.status.detail().data(), p.status.code(),
                   int(return_code_meaning(p.status.code()).size()),
                   return_code_meaning(p.status.code()).data());
      rc = kMalformed;
      continue;
    }
    out.push_back(to_json(p.message));
  }
  if (rc == kOk)
    std::cout << (out.size() == 1 ? out[0] : out).dump(2) << "\n";
  return rc;
}

int encode_cmd(std::span<const std::string_view> args) {
  if (!args.empty()) {
    std::fprintf(stderr, "usage: mgc-tool encode mgcp < message.json\n");
    return kUsage;
  }
  json in = json::parse(read_stdin(), nullptr, false);
  if (in.is_discarded()) {
    std::fprintf(stderr, "input is not JSON\n");
    return kUsage;
  }
  std::vector<Message> msgs;
  for (const auto &j : in.is_array() ? in : json::array({in})) {
    Message m;
    std::string why;
    if (!from_json(j, m, why)) {
      std::fprintf(stderr, "%s\n", why.c_str());
      return kMalformed;
    }
    msgs.push_back(std::move(m));
  }
  std::string text = encode_datagram(msgs);
  // The encoder must produce what the decoder accepts: check it, report in MGCP terms.
  for (const auto &p : decode_datagram(text))
    if (!p.status.ok()) {
      std::fprintf(stderr, "%.*s (MGCP %d)\n", int(p.status.detail().size()),
                   p.status.detail().data(), p.status.code());
      return kMalformed;
    }
  std::cout << text;
  return kOk;
}

const Registrar decode_reg({"decode", "mgcp", "FILE|-   (one datagram; JSON out)", decode_cmd});
const Registrar encode_reg({"encode", "mgcp", "< JSON   (MGCP text out)", encode_cmd});

} // namespace
} // namespace mgc::tool
