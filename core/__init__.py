"""Domain logic, free of Streamlit: a small kernel (settings, errors, access, audit, formatting, export,
navigation, i18n, chart conventions, the PDF base) and one package per domain.

LAYERS is the declared order of the whole code base, lowest first: a module may import its own layer and
the layers below it, never one above (tests/test_layout.py holds every import to this). Each entry names
module prefixes; a module belongs to the entry whose prefix matches it longest.
"""

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("store", ("db",)),
    ("kernel", ("core.config", "core.errors", "core.access", "core.audit", "core.formatting", "core.export",
                "core.navigation", "core.i18n", "core.charts", "core.pdf", "core.registry", "core.text", "core")),
    ("probe kinds", ("probes.kinds",)),  # how to check a host: known to the target model below monitoring
    ("records", ("core.records",)),
    ("org", ("core.org",)),
    ("monitoring", ("core.monitoring",)),
    ("alerts", ("core.alerts",)),
    ("probe worker", ("probes",)),  # the worker loop and its store writer: runs checks, writes states
    ("agents", ("core.agents",)),  # probe agents in units' networks: their results go through the worker's writer
    ("inventory", ("core.inventory",)),
    ("services", ("core.services",)),  # digital services: built on monitoring; evidence for the evaluation
    ("tickets", ("core.tickets",)),  # problems people report, their clocks in service hours; complaint response
    ("evaluation", ("core.evaluation",)),
    ("review", ("core.review",)),  # the monthly SLA review: reads services, tickets, incidents; evidence for 19
    ("needs", ("core.needs",)),
    ("home", ("core.home",)),  # a unit's to-do page: reads every domain above for one unit
    ("publish", ("core.publish",)),  # what other systems read: the read API's rows, the open datasets
    ("demo", ("core.demo",)),
    ("ops", ("core.ops",)),  # backup, restore and moving a store: the whole schema, below the commands
    ("entry", ("core.startup", "core.cli", "probes.__main__", "probes.agent")),  # opening the store; the commands
    ("web", ("web",)),  # the HTTP routes beside the pages: agents' endpoints, the read API, open data
    ("pages", ("pages",)),
    ("app", ("app", "server")),
)
