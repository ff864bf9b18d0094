"""Benchmarks (`make bench`): they print figures; they are not tests and assert nothing."""
