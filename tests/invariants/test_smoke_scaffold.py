def test_demo_city_has_every_role(demo_city):
    from tests.invariants.conftest import ROLES
    assert all(demo_city.viewer(r) is not None for r in ROLES)
