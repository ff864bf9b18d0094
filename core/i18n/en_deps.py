"""English messages of dependencies between targets (root cause, not alert storms)."""

MESSAGES = {
    "state.UNREACHABLE": "Unreachable — parent down",
    "deps.unreachable_short": "Cut off",
    "deps.parent": "Parent (reached through)",
    "deps.parent_none": "— no parent —",
    "deps.parent_help": "The target that must be up for this one to be reachable, e.g. the kecamatan's uplink for a "
                        "kelurahan's router. While the parent is down, this target when failing is marked "
                        "*unreachable — parent down*: it opens no incident and sends no alert of its own.",
    "deps.parent_unknown": "The parent target does not exist or is outside your scope.",
    "deps.parent_self": "A target cannot be its own parent.",
    "deps.cycle": "The parent {parent!r} already depends on this target: dependencies cannot go round in a circle.",
    "deps.import_parent_unknown": "Parent target {parent!r} not found (write the name of a target in the same unit, "
                                  "or UNIT_CODE/name).",
    "deps.import_cycle": "The parent {parent!r} makes the dependencies go round in a circle (the target would be its "
                         "own parent).",
    "deps.import_help": "Column **parent** (optional): the target this one is reached through, written `name` (in "
                        "the same unit) or `UNIT_CODE/name`; an empty cell means no parent. A file without this "
                        "column leaves the stored parents as they are.",
    "deps.column": "Parent",
    "deps.affected": {"n": "n", "one": "{n} target affected", "other": "{n} targets affected"},
    "deps.affected_title": "Affected targets ({n})",
    "deps.affected_caption": "Targets unreachable because this target is down. They open no incident and send no "
                             "alert of their own while this target is down.",
    "deps.behind": "Unreachable because its parent is down: **{parent}**. This target opens no incident and sends "
                   "no alert of its own until its parent is up again.",
    "deps.behind_hidden": "Unreachable because its parent is down (the parent is outside your scope). This target "
                          "opens no incident and sends no alert of its own until its parent is up again.",
    "deps.availability_caption": "Time a target is *unreachable — parent down* still counts as down time: its users "
                                 "cannot use it, whatever the cause. Its availability and SLA fall as they would were the target itself down.",
}
