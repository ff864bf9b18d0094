"""A unit's home on the demo city: every to-do count equals the items the box it points to lists."""

import pytest

from core.home import unit as home
from core.monitoring.states import PROBLEMS
from db.types import utcnow
from tests.apptest import assert_clean, open_page, shown
from tests.invariants.conftest import JAKARTA

OPERATORS = ("klojen", "setda", "dinkes")


def _home(demo_city, username: str) -> home.Home:
    with demo_city.session() as s:
        return home.unit_home(session=s, viewer=demo_city.viewer(username), zone=JAKARTA,
                              today=utcnow().astimezone(JAKARTA).date())


@pytest.mark.parametrize("username", OPERATORS)
def test_each_to_do_counts_exactly_the_items_it_points_to(demo_city, username):
    """Rule: a count that points to a list equals that list (to-do → its items), in core."""
    data = _home(demo_city, username)
    pointed = {"home.todo.needs_revised": [n.need_id for n in data.revised],
               "home.todo.past_life": [r["id"] for r in data.past_life],
               "home.todo.down": [p.target_id for p in data.problems if p.state == "DOWN"],
               "home.todo.degraded": [p.target_id for p in data.problems if p.state in PROBLEMS]}
    for todo in data.todos:
        if todo.key in pointed:
            assert todo.params["n"] == len(todo.items) == len(pointed[todo.key]), (username, todo.key)
            assert set(todo.items) == set(pointed[todo.key]), (username, todo.key)


@pytest.mark.only_store("sqlite")
@pytest.mark.parametrize("username", OPERATORS)
def test_the_home_page_lists_every_item_a_to_do_counts_actions_first(demo_env, username):
    """Rule: on the page, the revisions box lists as many needs as its to-do counts, all before the rejected
    ones, and the past-life box as many devices as its heading says."""
    data = _home(demo_env, username)
    at = open_page(username, "home")
    assert_clean(at)
    lines = [shown(m.value) for m in at.markdown]
    revised = [i for i, line in enumerate(lines) if line.startswith(":orange[Revisi]")]
    rejected = [i for i, line in enumerate(lines) if line.startswith(":red[Ditolak]")]
    assert len(revised) == len(data.revised) and len(rejected) == len(data.rejected)
    assert not revised or not rejected or max(revised) < min(rejected)
    assert any(f"Kebutuhan dikembalikan untuk direvisi ({len(data.revised)})" in line for line in lines)
    if data.past_life:
        block = next(line for line in lines if "umur ekonomis" in line and " · dibeli " in line)
        assert len(block.split("  \n")) == len(data.past_life)
