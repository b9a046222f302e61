// libFuzzer target over the HTTP/1.1 request head parser (core/http_request.h, STYLE.md practice
// 11): any input is refused or parsed without reading outside it; a parsed head's views lie
// inside the input, its length covers the final empty line, and every refusal carries an HTTP
// status the server can send. Pipelined heads are parsed one after the other as the server does.
#include "core/http_request.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view in(reinterpret_cast<const char *>(data), size);
  for (int i = 0; i < 8 && !in.empty(); ++i) {
    mgc::core::HttpRequest r;
    const mgc::Status st = mgc::core::parse_http_request(in, r);
    if (st.detail() == "http.incomplete")
      return 0;
    if (!st.ok()) {
      if (st.code() < 400 || st.code() > 505)
        std::abort();
      return 0;
    }
    auto inside = [&](std::string_view v) {
      return v.data() >= in.data() && v.data() + v.size() <= in.data() + in.size();
    };
    if (!inside(r.method) || !inside(r.target) || r.head_length > in.size() ||
        r.head_length > mgc::core::kHttpMaxHead || r.head_length < 4 ||
        in.substr(r.head_length - 4, 4) != "\r\n\r\n" || r.method.empty() || r.target.empty())
      std::abort();
    in.remove_prefix(r.head_length);
  }
  return 0;
}
