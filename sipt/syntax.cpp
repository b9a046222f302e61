// RFC 3261 §25.1 quoted-string and §19.1.2 escaping helpers.
#include "sipt/syntax.h"

namespace mgc::sipt {

std::string unquote(std::string_view q) {
  if (q.size() >= 2 && q.front() == '"' && q.back() == '"')
    q = q.substr(1, q.size() - 2);
  std::string out;
  out.reserve(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) {
    if (q[i] == '\\' && i + 1 < q.size())
      ++i;
    out.push_back(q[i]);
  }
  return out;
}

std::string quote(std::string_view t) {
  std::string out;
  out.reserve(t.size() + 2);
  out.push_back('"');
  for (char c : t) {
    if (c == '"' || c == '\\')
      out.push_back('\\');
    out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  }
  out.push_back('"');
  return out;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = lower(c);
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out.push_back(char(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

} // namespace mgc::sipt
