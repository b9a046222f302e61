// VTY commands built at start-up from the project's tables (a timer table, a name table), shared
// by mgcd and pstn-sim: the command string and its help come from the table, so a row added
// there is a command here, none forgotten (libosmocore builds its `timer` commands the same way
// from osmo_tdef tables, src/vty/tdef_vty.c). libosmovty keeps pointers to the cmd_element and
// its strings for the life of the process, so a CommandStore is static storage of the VTY module
// that owns it and only ever grows.
#pragma once

extern "C" {
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>
}

#include "core/names.h"

#include <cstddef>
#include <deque>
#include <optional>
#include <string>

namespace mgc::vtycmd {

using Handler = int (*)(struct cmd_element *, struct vty *, int, const char *[]);

class CommandStore {
public:
  // A command that `handler` serves; `index` tells the handler which row it was built from.
  struct cmd_element *add(std::string string, std::string doc, Handler handler, std::size_t index,
                          unsigned char attr = 0) {
    Entry &e = entries_.emplace_back();
    e.string = std::move(string);
    e.doc = std::move(doc);
    e.index = index;
    e.element.string = e.string.c_str();
    e.element.doc = e.doc.c_str();
    e.element.func = handler;
    e.element.attr = attr;
    return &e.element;
  }
  // The row a command was built from (what a handler is given as `self`).
  std::optional<std::size_t> index_of(const struct cmd_element *self) const {
    for (const auto &e : entries_)
      if (&e.element == self)
        return e.index;
    return std::nullopt;
  }

private:
  struct Entry {
    std::string string, doc;
    std::size_t index = 0;
    struct cmd_element element {};
  };
  std::deque<Entry> entries_; // a deque never moves what it holds
};

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
