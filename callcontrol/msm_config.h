// Boost.MSM settings and helpers shared by every state machine unit (the ISUP and SIP half-calls) (PLATFORM.md: MSM units build as C++17;
// tables of more than 20 rows need the non-preprocessed MPL headers and larger limits).
#pragma once

#define BOOST_ALLOW_DEPRECATED_HEADERS
#define BOOST_BIND_GLOBAL_PLACEHOLDERS
#define BOOST_MPL_CFG_NO_PREPROCESSED_HEADERS
#define BOOST_MPL_LIMIT_VECTOR_SIZE 50
#define BOOST_MPL_LIMIT_MAP_SIZE 50

#include <boost/mpl/for_each.hpp>
#include <boost/mpl/vector.hpp>
#include <boost/msm/back/metafunctions.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/euml/operator.hpp>
#include <boost/msm/front/state_machine_def.hpp>
#include <cstddef>
#include <utility>
#include <variant>
#include <vector>

namespace mgc::cc::msm_util {

// Fills names[id] with each state's `name`, by MSM state id.
template <class Stt> struct FillStateNames {
  const char **names;
  template <class State> void operator()(boost::msm::wrap<State> const &) const {
    names[boost::msm::back::get_state_id<Stt, State>::value] = State::name;
  }
};

template <class Fsm> const char *state_name(const Fsm &fsm) {
  using Stt = typename Fsm::stt;
  using States = typename boost::msm::back::generate_state_set<Stt>::type;
  static const char *names[boost::mpl::size<States>::value] = {};
  static const bool filled = [] {
    boost::mpl::for_each<States, boost::msm::wrap<boost::mpl::placeholders::_1>>(
        FillStateNames<Stt>{names});
    return true;
  }();
  (void)filled;
  return names[fsm.current_state()[0]];
}

// Fills ids[msm id] with each state's `id` (a value of the machine's State enum).
template <class Stt, class Id> struct FillStateIds {
  Id *ids;
  template <class State> void operator()(boost::msm::wrap<State> const &) const {
    ids[boost::msm::back::get_state_id<Stt, State>::value] = State::id;
  }
};

// The current state as a value of the machine's own State enum (every state declares `id`): what
// owners compare, where names are only for logs.
template <class Id, class Fsm> Id state_id(const Fsm &fsm) {
  using Stt = typename Fsm::stt;
  using States = typename boost::msm::back::generate_state_set<Stt>::type;
  static Id ids[boost::mpl::size<States>::value] = {};
  static const bool filled = [] {
    boost::mpl::for_each<States, boost::msm::wrap<boost::mpl::placeholders::_1>>(
        FillStateIds<Stt, Id>{ids});
    return true;
  }();
  (void)filled;
  return ids[fsm.current_state()[0]];
}

// A machine behind a std::variant of its events, one process() for them all. An event no row of
// the current state takes reaches Def::no_transition; an event whose rows' guards all reject is
// not a transition either, but MSM says nothing then (PLATFORM.md): both are reported the same
// way, through Def::report_unexpected(port, state name, event name).
//
// The front ends declare `no_message_queue`: MSM's own queue is a std::deque built with every
// machine (about 600 bytes per machine, two machines per call, whether or not an event ever
// waits), which made it the largest single item of a held call. An event raised while the
// machine is in a transition (an action whose port reports back synchronously) waits here
// instead, in a vector that allocates only when one does, and is processed once the transition
// is over, in order: the run-to-completion MSM's queue gave.
template <class Def, class Event> struct VariantHost {
  boost::msm::back::state_machine<Def> m;
  template <class Port> explicit VariantHost(Port &port) {
    m.port = &port;
    m.start();
  }
  void process(const Event &e) {
    if (busy_) {
      pending_.push_back(e);
      return;
    }
    busy_ = true;
    struct Done {
      VariantHost &h;
      ~Done() { h.busy_ = false; }
    } done{*this};
    dispatch(e);
    // dispatch may add to pending_: an index, not iterators
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      Event next = std::move(pending_[i]);
      dispatch(next);
    }
    if (!pending_.empty())
      std::vector<Event>().swap(pending_);
  }
  const char *state() const { return state_name(m); }
  template <class Id> Id state_as() const { return state_id<Id>(m); }

private:
  void dispatch(const Event &e) {
    std::visit(
        [this](const auto &ev) {
          if (m.process_event(ev) == boost::msm::back::HANDLED_GUARD_REJECT)
            Def::report_unexpected(*m.port, state(), ev.name);
        },
        e);
  }
  bool busy_ = false;
  std::vector<Event> pending_;
};

} // namespace mgc::cc::msm_util
