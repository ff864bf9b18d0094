"""Target states as people see them: which is worse, and how each looks (colour and label).

The states themselves are `db.monitoring.State` (the column that stores them declares them); everything
that shows or ranks a state reads it from here, so the wall, the detail page and the reports agree."""

from dataclasses import dataclass

from db.monitoring import State

# Worst first: a unit takes the state of its worst target.
# UNREACHABLE (failing behind a DOWN parent) ranks below the unit's own problems: its cause is elsewhere.
SEVERITY: tuple[State, ...] = (State.DOWN, State.PENDING, State.DEGRADED, State.UNREACHABLE, State.MAINTENANCE,
                               State.UP, State.UNKNOWN)
# States that need someone's attention: the wall shows them large, a unit's home lists them to act on. Not
# UNREACHABLE: the wall shows its cause large (the parent's tile counts it), not each dependent.
PROBLEMS: tuple[State, ...] = (State.DOWN, State.PENDING, State.DEGRADED)
# A check that answered counts as available time; the rest of a check's interval is down time.
ANSWERED = frozenset({State.UP, State.DEGRADED})
CHECK_RESULTS = frozenset({*ANSWERED, State.DOWN})  # what one check can report (a worker's or an agent's)


@dataclass(frozen=True)
class Look:
    colour: str  # Streamlit's colour name, for :colour[text] in markdown
    label: str  # catalogue key
    icon: str  # a shape beside the colour, so no state is told by colour alone


COLOURS = {State.DOWN: "red", State.PENDING: "orange", State.DEGRADED: "orange", State.MAINTENANCE: "blue",
           State.UP: "green", State.UNKNOWN: "gray", State.UNREACHABLE: "violet"}
ICONS = {State.DOWN: ":material/cancel:", State.PENDING: ":material/pending:", State.DEGRADED: ":material/warning:",
         State.MAINTENANCE: ":material/build:", State.UP: ":material/check_circle:", State.UNKNOWN: ":material/help:",
         State.UNREACHABLE: ":material/link_off:"}
LOOKS: dict[State, Look] = {state: Look(COLOURS[state], f"state.{state.value}", ICONS[state]) for state in State}


def look(state: str) -> Look:
    """How a stored state looks; anything unexpected looks unknown."""
    try:
        return LOOKS[State(state)]
    except ValueError:
        return LOOKS[State.UNKNOWN]


def rank(state: str) -> int:
    """Where a stored state sorts, worst first; anything unexpected sorts as unknown."""
    try:
        return SEVERITY.index(State(state))
    except ValueError:
        return SEVERITY.index(State.UNKNOWN)


def worst(states) -> State:
    """The worst of the given states (UNKNOWN when there are none)."""
    present = set(states)
    return next((s for s in SEVERITY if s in present), State.UNKNOWN)
