// Names of enum values, the value_string habit of libosmocore (include/osmocom/core/utils.h) in
// C++: one constexpr table per enum, declared next to the enum, read by the config reader (name ->
// value), the writer (`show running-config`, `write`), show commands and logs (value -> name), so
// that the words of a config file exist once.
//
//   inline constexpr auto kHuntingNames = mgc::name_table<Hunting>({
//       {Hunting::Sequential, "sequential"}, {Hunting::RoundRobin, "round-robin"}});
//   name_of(kHuntingNames, h)           -> "sequential"
//   value_of(kHuntingNames, "sequential") -> Hunting::Sequential (std::nullopt if unknown)
//
// Lookups by name are exact and case-sensitive, as the VTY matches its keywords.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace mgc {

template <typename E> struct NameRow {
  E value;
  const char *name; // NUL-terminated: printf-style writers (vty_out) take it as it is
};

template <typename E, std::size_t N> using NameTable = std::array<NameRow<E>, N>;

template <typename E, std::size_t N>
constexpr NameTable<E, N> name_table(const NameRow<E> (&rows)[N]) {
  NameTable<E, N> t{};
  for (std::size_t i = 0; i < N; ++i)
    t[i] = rows[i];
  return t;
}

// The name of `v`, or `fallback` if the table lacks it (a value read off the wire, say).
template <typename E, std::size_t N>
constexpr const char *name_of(const NameTable<E, N> &t, E v, const char *fallback = "unknown") {
  for (const auto &r : t)
    if (r.value == v)
      return r.name;
  return fallback;
}

template <typename E, std::size_t N>
constexpr std::optional<E> value_of(const NameTable<E, N> &t, std::string_view name) {
  for (const auto &r : t)
    if (std::string_view(r.name) == name)
      return r.value;
  return std::nullopt;
}

// For a static_assert beside each table: no value and no name twice.
template <typename E, std::size_t N> constexpr bool names_unique(const NameTable<E, N> &t) {
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = i + 1; j < N; ++j)
      if (t[i].value == t[j].value || std::string_view(t[i].name) == t[j].name)
        return false;
  return true;
}

} // namespace mgc
