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
#include <variant>

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

// A machine behind a std::variant of its events, one process() for them all. An event no row of
// the current state takes reaches Def::no_transition; an event whose rows' guards all reject is
// not a transition either, but MSM says nothing then (PLATFORM.md): both are reported the same
// way, through Def::report_unexpected(port, state name, event name).
template <class Def> struct VariantHost {
  boost::msm::back::state_machine<Def> m;
  template <class Port> explicit VariantHost(Port &port) {
    m.port = &port;
    m.start();
  }
  template <class Event> void process(const Event &e) {
    std::visit(
        [this](const auto &ev) {
          if (m.process_event(ev) == boost::msm::back::HANDLED_GUARD_REJECT)
            Def::report_unexpected(*m.port, state(), ev.name);
        },
        e);
  }
  const char *state() const { return state_name(m); }
};

} // namespace mgc::cc::msm_util
