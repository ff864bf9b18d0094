"""Tickets: problems people report — a unit's operator (laporan gangguan) or a citizen about a public service
(a complaint with a reference code) — triaged, assigned, answered and closed by Kominfo, each with its clocks
against the targets of its priority, and the complaint first-response compliance of every service."""
