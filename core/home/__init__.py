"""A unit's home: what its head or operator should look at and do now (see unit.py)."""
