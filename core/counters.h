// Named counters declared once per layer with an X-macro (Envoy's codec_stats habit):
//
//   #define MGC_ISUP_DECODE_COUNTERS(X) X(ok) X(truncated_header) ...
//   MGC_DECLARE_COUNTERS(IsupDecodeCounter, MGC_ISUP_DECODE_COUNTERS)
//
// gives `enum class IsupDecodeCounter`, a names table and `CounterSet<IsupDecodeCounter>`.
// Single-threaded by design (one event loop per process owns all state, DESIGN.md), so plain
// integers; a process that wants them in the VTY exposes them through libosmocore rate counters.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mgc {

template <typename E> struct CounterNames; // specialised by MGC_DECLARE_COUNTERS

template <typename E> class CounterSet {
public:
  static constexpr std::size_t size() { return CounterNames<E>::names.size(); }
  void inc(E e, uint64_t by = 1) { values_[static_cast<std::size_t>(e)] += by; }
  uint64_t get(E e) const { return values_[static_cast<std::size_t>(e)]; }
  uint64_t at(std::size_t i) const { return values_[i]; }
  static constexpr std::string_view name(std::size_t i) { return CounterNames<E>::names[i]; }
  static constexpr std::string_view name(E e) { return name(static_cast<std::size_t>(e)); }
  void reset() { values_.fill(0); }

  // Calls f(name, value) for every counter, in declaration order.
  template <typename F> void for_each(F &&f) const {
    for (std::size_t i = 0; i < size(); ++i)
      f(name(i), values_[i]);
  }

private:
  std::array<uint64_t, CounterNames<E>::names.size()> values_{};
};

} // namespace mgc

#define MGC_COUNTER_ENUM_(n) n,
#define MGC_COUNTER_NAME_(n) std::string_view(#n),
#define MGC_DECLARE_COUNTERS(Enum, LIST)                                                           \
  enum class Enum : uint16_t { LIST(MGC_COUNTER_ENUM_) };                                          \
  template <> struct mgc::CounterNames<Enum> {                                                     \
    static constexpr std::array names{LIST(MGC_COUNTER_NAME_)};                                    \
  };
