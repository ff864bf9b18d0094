"""Which pages exist and which roles may open them; app.py builds the menu from this."""

from dataclasses import dataclass

from core.access import Role, Viewer

A, P, S, PR = Role.ADMIN, Role.PIMPINAN, Role.SKPD, Role.PRESENTER


@dataclass(frozen=True)
class PageSpec:
    key: str
    script: str
    url_path: str
    title_key: str
    section_key: str
    icon: str
    roles: frozenset[Role]
    own_title_key: str = ""  # the title for an skpd viewer, who sees only their own unit(s) there

    def title_key_for(self, role: Role) -> str:
        return self.own_title_key if role is Role.SKPD and self.own_title_key else self.title_key


PAGES: list[PageSpec] = [
    PageSpec("home", "pages/home/home.py", "beranda-unit", "page.home", "section.home", ":material/home:", frozenset({A, P, S})),
    PageSpec("status", "pages/monitoring/status.py", "status", "page.status", "section.monitoring", ":material/monitor_heart:", frozenset({A, P, S, PR})),
    PageSpec("availability", "pages/monitoring/availability.py", "ketersediaan", "page.availability", "section.monitoring", ":material/insights:", frozenset({A, P, S})),
    PageSpec("target", "pages/monitoring/target.py", "target", "page.target", "section.monitoring", ":material/router:", frozenset({A, P, S})),
    PageSpec("incident", "pages/monitoring/incident.py", "insiden", "page.incident", "section.monitoring", ":material/emergency:", frozenset({A, P, S})),
    PageSpec("services", "pages/services/services.py", "layanan-digital", "page.services", "section.monitoring", ":material/public:", frozenset({A, P, S})),
    PageSpec("sla", "pages/services/sla.py", "sla-layanan", "page.sla", "section.monitoring", ":material/verified_user:", frozenset({A, P, S})),
    PageSpec("review", "pages/services/review.py", "tinjauan-sla", "page.review", "section.monitoring", ":material/rule:", frozenset({A, P, S})),
    PageSpec("tickets", "pages/tickets/tickets.py", "laporan-gangguan", "page.tickets", "section.monitoring", ":material/support_agent:", frozenset({A, P, S})),
    PageSpec("feedback", "pages/services/feedback.py", "kepuasan-layanan", "page.feedback", "section.monitoring", ":material/reviews:", frozenset({A, P, S})),
    PageSpec("overview", "pages/evaluation/overview.py", "ringkasan", "page.overview", "section.evaluation", ":material/dashboard:", frozenset({A, P, S}),
             "page.overview_unit"),
    PageSpec("assessment", "pages/evaluation/assessment.py", "evaluasi", "page.assessment", "section.evaluation", ":material/fact_check:", frozenset({A, P, S})),
    PageSpec("verification", "pages/evaluation/queue.py", "verifikasi", "page.verification", "section.evaluation", ":material/assignment_turned_in:", frozenset({A})),
    PageSpec("readiness", "pages/evaluation/readiness.py", "kesiapan-tik", "page.readiness", "section.evaluation", ":material/speed:", frozenset({A, P, S})),
    PageSpec("unit", "pages/evaluation/unit.py", "unit", "page.unit", "section.evaluation", ":material/apartment:", frozenset({A, P, S})),
    PageSpec("devices", "pages/inventory/devices.py", "perangkat", "page.devices", "section.inventory", ":material/devices:", frozenset({A, P, S})),
    PageSpec("staff", "pages/inventory/staff.py", "sdm", "page.staff", "section.inventory", ":material/badge:", frozenset({A, P, S})),
    PageSpec("applications", "pages/inventory/applications.py", "aplikasi", "page.applications", "section.inventory", ":material/apps:", frozenset({A, P, S})),
    PageSpec("duplicates", "pages/inventory/duplicates.py", "duplikat", "page.duplicates", "section.inventory", ":material/content_copy:", frozenset({A, P})),
    PageSpec("needs", "pages/needs/needs.py", "kebutuhan", "page.needs", "section.budget", ":material/shopping_cart:", frozenset({A, P, S})),
    PageSpec("need_checks", "pages/needs/checks.py", "cek-anggaran-ganda", "page.need_checks", "section.budget", ":material/difference:", frozenset({A, P, S})),
    PageSpec("budget", "pages/needs/budget.py", "skenario-anggaran", "page.budget", "section.budget", ":material/account_balance:", frozenset({A, P, S})),
    PageSpec("accounts", "pages/needs/accounts.py", "rekening-ssh", "page.accounts", "section.budget", ":material/request_quote:", frozenset({A, P, S})),
    PageSpec("admin_units", "pages/admin/units.py", "admin-unit", "page.admin_units", "section.admin", ":material/account_tree:", frozenset({A})),
    PageSpec("admin_targets", "pages/admin/targets.py", "admin-target", "page.admin_targets", "section.admin", ":material/lan:", frozenset({A, P, S})),
    PageSpec("admin_agents", "pages/admin/agents.py", "admin-agen", "page.admin_agents", "section.admin", ":material/hub:", frozenset({A})),
    PageSpec("admin_alerts", "pages/admin/alerts.py", "admin-notifikasi", "page.admin_alerts", "section.admin", ":material/notifications:", frozenset({A})),
    PageSpec("admin_evaluation", "pages/admin/evaluation.py", "admin-evaluasi", "page.admin_evaluation", "section.admin", ":material/tune:", frozenset({A})),
    PageSpec("admin_users", "pages/admin/users.py", "admin-pengguna", "page.admin_users", "section.admin", ":material/group:", frozenset({A})),
    PageSpec("account", "pages/account/account.py", "akun", "page.account", "section.account", ":material/person:", frozenset({A, P, S, PR})),
]
LANDING = {A: "overview", P: "overview", S: "home", PR: "status"}


def can_open(viewer: Viewer | None, key: str) -> bool:
    spec = next((p for p in PAGES if p.key == key), None)
    return viewer is not None and spec is not None and viewer.role in spec.roles


def menu_for(viewer: Viewer) -> list[PageSpec]:
    return [p for p in PAGES if viewer.role in p.roles]
