// Status returned by every codec and protocol entry point (STYLE.md: no exceptions on network
// input). `detail` is a stable dotted name ("isup.truncated_header") usable as a counter key and
// in logs; `code` carries the protocol's own error code for the answer (SIP status, ISUP/Q.850
// cause, M3UA error code, MGCP response code, H.248 error code) or 0 when there is none.
#pragma once

#include <string_view>

namespace mgc {

class Status {
public:
  constexpr Status() = default;
  constexpr Status(std::string_view detail, int code) : detail_(detail), code_(code) {}

  static constexpr Status Ok() { return Status(); }

  constexpr bool ok() const { return detail_.empty(); }
  constexpr explicit operator bool() const { return ok(); }
  // Stable name; empty when ok. Points at static storage.
  constexpr std::string_view detail() const { return detail_; }
  constexpr int code() const { return code_; }

  friend constexpr bool operator==(const Status &a, const Status &b) {
    return a.detail_ == b.detail_ && a.code_ == b.code_;
  }

private:
  std::string_view detail_{};
  int code_ = 0;
};

} // namespace mgc
