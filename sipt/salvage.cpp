// Responses to requests the parser refused (see salvage.h).
#include "sipt/salvage.h"

#include "sipt/syntax.h"

#include <array>

namespace mgc::sipt {
namespace {

// The rows §8.2.6.2 copies into a response, with their compact forms (§7.3.3), in the order
// the response carries them.
struct Copied {
  std::string_view name, compact;
};
constexpr std::array<Copied, 5> kCopied{{{"Via", "v"},
                                         {"From", "f"},
                                         {"To", "t"},
                                         {"Call-ID", "i"},
                                         {"CSeq", ""}}};
constexpr std::size_t kVia = 0, kTo = 2;
// A response larger than this is not built (a request of 64 KiB of Via rows gets no echo).
constexpr std::size_t kMaxResponse = 8192;

std::string_view next_line(std::string_view buf, std::size_t &p) {
  const std::size_t lf = buf.find('\n', p);
  std::string_view line = buf.substr(p, lf == std::string_view::npos ? buf.npos : lf - p);
  p = lf == std::string_view::npos ? buf.size() : lf + 1;
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  return line;
}

bool has_tag(std::string_view to_value) {
  // A tag parameter after the URI (a ";tag=" inside <...> belongs to the URI), LWS allowed
  // around ';' and '=' (§7.3.1).
  const std::size_t gt = to_value.rfind('>');
  std::string squeezed;
  for (char ch : gt == std::string_view::npos ? to_value : to_value.substr(gt))
    if (ch != ' ' && ch != '\t')
      squeezed += char(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  return squeezed.find(";tag=") != std::string::npos;
}

} // namespace

std::string salvage_response(std::string_view bytes, int code, std::string_view reason,
                             std::string_view to_tag) {
  std::size_t p = 0;
  while (p < bytes.size() && (bytes[p] == '\r' || bytes[p] == '\n'))
    ++p; // §7.5
  const std::string_view start = next_line(bytes, p);
  if (start.empty() || (start.size() >= 4 && iequals(start.substr(0, 4), "SIP/")))
    return {}; // nothing, or a response (§18.1.2: nobody to answer)
  const std::string_view method = start.substr(0, start.find(' '));
  if (method == "ACK")
    return {};
  std::array<std::string, kCopied.size()> rows;
  bool ended = false;
  while (p < bytes.size()) {
    std::string_view line = next_line(bytes, p);
    if (line.empty()) {
      ended = true;
      break;
    }
    // §7.3.1: continuation lines (leading SP/HT) belong to the row before; joined with one SP.
    std::string value;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      continue; // not a header row: skipped (the parser said why the request is bad)
    const std::string_view name = trim_lws(line.substr(0, colon));
    value = std::string(trim_lws(line.substr(colon + 1)));
    while (p < bytes.size() && (bytes[p] == ' ' || bytes[p] == '\t')) {
      value += ' ';
      value += trim_lws(next_line(bytes, p));
    }
    for (std::size_t i = 0; i < kCopied.size(); ++i) {
      if (!iequals(name, kCopied[i].name) &&
          (kCopied[i].compact.empty() || !iequals(name, kCopied[i].compact)))
        continue;
      if (i != kVia && !rows[i].empty())
        break; // single-value fields: the first row
      rows[i] += std::string(kCopied[i].name) + ": " + value;
      if (i == kTo && !to_tag.empty() && !has_tag(value))
        rows[i] += ";tag=" + std::string(to_tag);
      rows[i] += "\r\n";
      break;
    }
  }
  if (!ended || rows[kVia].empty())
    return {};
  std::string r = "SIP/2.0 " + std::to_string(code) + " " + std::string(reason) + "\r\n";
  for (const std::string &row : rows)
    r += row;
  r += "Content-Length: 0\r\n\r\n";
  if (r.size() > kMaxResponse)
    return {};
  return r;
}

} // namespace mgc::sipt
