// VTY commands of mgcd and pstn-sim that take their words from the project's tables.
#pragma once

extern "C" {
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>
}

#include "core/names.h"

#include <cstddef>

namespace mgc::vtycmd {

// A keyword of a choice command to its value through the enum's name table. The VTY passes only
// the words of the command string; a word the table lacks means the two disagree, which is said
// rather than taken for some default.
template <typename E, std::size_t N>
int set_keyword(struct vty *vty, const NameTable<E, N> &t, const char *word, E &out) {
  const auto v = value_of(t, word);
  if (!v) {
    vty_out(vty, "%% unknown keyword '%s'%s", word, VTY_NEWLINE);
    return CMD_WARNING;
  }
  out = *v;
  return CMD_SUCCESS;
}

} // namespace mgc::vtycmd
