"""English messages of the monthly SLA review (Pemdi indicator 19): figures, recommendations, actions."""

MESSAGES = {
    "page.review": "SLA review",
    "review.title": "Monthly SLA review",
    "review.caption": "The monthly service review (Digital Government Index indicator 19): SLA compliance of each "
                      "digital service, response and resolution compliance of reported problems and complaints, "
                      "MTTA/MTTR, downtime by cause, the main obstacles, recommendations with the figures behind "
                      "them, and follow-up actions carried into the next month while they stay open.",
    "review.scope": "Scope",
    "review.city": "The whole government",
    "review.month": "Month",
    "review.report_title": "SLA review report {month}",
    "review.source": "Monev TIK monitoring: digital service SLAs, tickets, incidents (that month's data)",
    "review.services_met": "Services meeting their SLA",
    "review.ticket_response": "Reports answered in time",
    "review.ticket_resolution": "Reports resolved in time",
    "review.complaint_response": "Complaints answered in time",
    "review.incidents": "Incidents",
    "review.mtta": "MTTA (mean time to acknowledge)",
    "review.mttr": "MTTR (mean time to recover)",
    "review.share_detail": "{met} of {decided}",
    "review.minutes": {"one": "{n} minute", "other": "{n} minutes"},
    "review.services": "SLA compliance per service",
    "review.down": "Downtime",
    "review.causes": "Downtime by cause category",
    "review.cause_unset": "not filled in",
    "review.obstacles": "Main obstacles",
    "review.obstacle": "Kind",
    "review.obstacle.cause": "Cause",
    "review.obstacle.repeat": "Repeated outage",
    "review.recommendations": "Recommendations",
    "review.recommendation": "Recommendation and its figures",
    "review.rule": "Rule",
    "review.rule.cause_share": "Dominant cause",
    "review.rule.repeat": "Repeated target",
    "review.rule.sla_missed": "SLA missed",
    "review.rule.ticket_response": "Report response",
    "review.rule.ticket_resolution": "Report resolution",
    "review.rule.complaint_response": "Complaint response",
    "review.rule.cause_unset": "Cause not filled in",
    "review.rule.mtta": "Time to acknowledge",
    "review.rec.cause_share.listrik": {"n": "total", "one": "{n} of {total} incident of {unit} was power: consider a UPS or a generator.",
                                       "other": "{n} of {total} incidents of {unit} were power: consider a UPS or a generator."},
    "review.rec.cause_share.isp_jaringan": {"n": "total", "one": "{n} of {total} incident of {unit} was the ISP/network: review "
                                            "the provider's SLA and a backup link.",
                                            "other": "{n} of {total} incidents of {unit} were the ISP/network: review "
                                            "the provider's SLA and a backup link."},
    "review.rec.cause_share.perangkat": {"n": "total", "one": "{n} of {total} incident of {unit} was hardware: schedule "
                                         "inspection or replacement.",
                                         "other": "{n} of {total} incidents of {unit} were hardware: schedule "
                                         "inspection or replacement."},
    "review.rec.cause_share.konfigurasi": {"n": "total", "one": "{n} of {total} incident of {unit} was configuration: "
                                           "apply change control and test before rollout.",
                                           "other": "{n} of {total} incidents of {unit} were configuration: "
                                           "apply change control and test before rollout."},
    "review.rec.cause_share.aplikasi": {"n": "total", "one": "{n} of {total} incident of {unit} was the application: "
                                        "review release quality and application monitoring.",
                                        "other": "{n} of {total} incidents of {unit} were the application: "
                                        "review release quality and application monitoring."},
    "review.rec.cause_share.serangan": {"n": "total", "one": "{n} of {total} incident of {unit} was an attack: "
                                        "coordinate with the CSIRT and harden security.",
                                        "other": "{n} of {total} incidents of {unit} were attacks: "
                                        "coordinate with the CSIRT and harden security."},
    "review.rec.repeat": {"one": "Target {target} ({unit}) went down {n} time this month: check its device and link.",
                          "other": "Target {target} ({unit}) went down {n} times this month: check its device and "
                                   "link."},
    "review.rec.sla_missed": {"n": "breaches", "one": "Service {service} ({unit}) was available {percent_pct} against "
                              "a target of {target_pct}, {breaches} outage in service hours: deal with its main cause.",
                              "other": "Service {service} ({unit}) was available {percent_pct} against a target of "
                              "{target_pct}, {breaches} outages in service hours: deal with their main cause."},
    "review.rec.ticket_response": {"n": "decided", "one": "Only {met} of {decided} report was answered in time ({share}, "
                                   "goal {goal_pct}): arrange duty rosters and assignment.",
                                   "other": "Only {met} of {decided} reports were answered in time ({share}, goal "
                                   "{goal_pct}): arrange duty rosters and assignment."},
    "review.rec.ticket_resolution": {"n": "decided", "one": "Only {met} of {decided} report was resolved in time "
                                     "({share}, goal {goal_pct}): review workload and escalation.",
                                     "other": "Only {met} of {decided} reports were resolved in time ({share}, goal "
                                     "{goal_pct}): review workload and escalation."},
    "review.rec.complaint_response": {"n": "decided", "one": "Only {met} of {decided} citizen complaint was answered "
                                      "in time ({share}, goal {goal_pct}): name a complaint moderator.",
                                      "other": "Only {met} of {decided} citizen complaints were answered in time "
                                      "({share}, goal {goal_pct}): name a complaint moderator."},
    "review.rec.cause_unset": {"n": "total", "one": "{n} of {total} recovered incident has no cause filled in: "
                               "complete it so the review is right.",
                               "other": "{n} of {total} recovered incidents have no cause filled in: complete them "
                               "so the review is right."},
    "review.rec.mtta": "Mean time to acknowledge: {minutes} min over {n} acknowledged (goal: at most {goal} min): "
                       "check notifications and escalation.",
    "review.no_recommendations": "No recommendation rule was triggered by this month's data.",
    "review.rules_help": "Every recommendation comes from a fixed rule over this month's data (see docs/review.md).",
    "review.no_services": "No digital service in this scope.",
    "review.no_causes": "No incident started this month.",
    "review.no_obstacles": "No notable obstacle.",
    "review.actions": "Follow-up actions",
    "review.action": "Action",
    "review.owner": "Owner",
    "review.due": "Due",
    "review.state": "State",
    "review.state.terbuka": "Open",
    "review.state.selesai": "Done",
    "review.state.batal": "Cancelled",
    "review.carried": "carried from {month}",
    "review.carried_col": "From",
    "review.no_actions": "No follow-up actions for this month yet.",
    "review.add_action": "Add a follow-up action",
    "review.action_unit": "For",
    "review.action_saved": "Action saved.",
    "review.edit_pick": "Edit an action",
    "review.state_change": "Change an action's state",
    "review.state_pick": "Action",
    "review.state_saved": "Action state saved.",
    "review.save": "Save",
    "review.action_text_short": "Write the action (at least 3 characters).",
    "review.action_control": "The text may not contain control characters.",
    "review.action_state_unknown": "Choose a state: open, done or cancelled.",
    "review.action_not_found": "Action not found.",
    "review.download": "Download {fmt}",
    "review.attach": "Attach as evidence for indicator 19",
    "review.attached": "Attached as evidence for indicator 19: {filename}.",
    "review.no_period": "No Digital Government Index evaluation period is running.",
    "review.method": "Figures are read from the same sources as the other pages: Service SLA, Reported problems, "
                     "Availability. Tickets still inside their target are counted apart, not in the share. Downtime "
                     "by cause is calendar time; per service, time inside service hours.",
}
