"""Helpers for evaluation tests: periods and complete assessments written through core, as users would."""

from core.access import SYSTEM
from core.evaluation import assessment, frameworks, lifecycle
from core.evaluation.periods import get_period
from db.engine import session_scope
from tests.monitoring import JAKARTA


def new_period(store, admin, year: int = 2026, framework: str | None = None) -> int:
    """A period of `year` on the framework in force that year (spbe-2020 to 2025, pemdi-2026 from 2026)."""
    with session_scope(store.engine) as s:
        return lifecycle.create_period(session=s, viewer=admin, year=year, framework=framework).id


def framework_of(store, period_id: int) -> frameworks.Framework:
    with session_scope(store.engine) as s:
        return frameworks.of_period(s, get_period(s, period_id))


def answers(level: int | dict[int, int] = 3, note: str = "SK Kepala Dinas", framework=None,
            unit: bool = True) -> list[assessment.AnswerInput]:
    """Every indicator the assessment scores at one level (or at the levels given per indicator, 3
    elsewhere): a unit's leaves out the outside agencies' indicators, the city's gives them a source."""
    framework = framework or frameworks.reference(frameworks.SPBE)
    levels = level if isinstance(level, dict) else {}
    default = 3 if isinstance(level, dict) else level
    return [assessment.AnswerInput(i.number, levels.get(i.number, default), f"{note} {i.number}",
                                   source=f"Hasil {i.external}" if i.external else "")
            for i in framework.indicators() if not (unit and i.external)]


def assess(store, viewer, period_id: int, unit_id: int | None, level=3, submit: bool = True,
           verify_as=None) -> int | None:
    """Fill an assessment as `viewer`; submit it, and verify it as `verify_as` (an admin) when given."""
    with session_scope(store.engine) as s:
        framework = frameworks.of_period(s, get_period(s, period_id))
        assessment.save_answers(session=s, viewer=viewer, period_id=period_id, unit_id=unit_id,
                                answers=answers(level, framework=framework, unit=unit_id is not None))
        if submit:
            assessment.submit(session=s, viewer=viewer, period_id=period_id, unit_id=unit_id)
        view = assessment.assessment_view(session=s, viewer=viewer, period_id=period_id, unit_id=unit_id)
        assessment_id = view.assessment.id if view.assessment else None
        if verify_as is not None:
            assessment.verify(session=s, viewer=verify_as, assessment_id=assessment_id)
    return assessment_id


def evaluated_city(store, city, admin, this_year: int = 2026, framework: str | None = "spbe-2020") -> tuple[int, int]:
    """Last year closed and this year open, every unit and the city government assessed (levels rising by
    unit code order), last year all verified, this year verified for every other unit. Both periods on
    `framework` (None: each on the one in force that year)."""
    last = new_period(store, admin, this_year - 1, framework)
    current = new_period(store, admin, this_year, framework)
    for period_id, rise in ((last, 0), (current, 1)):
        assess(store, admin, period_id, None, level=3, verify_as=admin)
        for n, (_code, unit_id) in enumerate(sorted(city.units.items())):
            level = min(5, 1 + (n + rise) % 5)
            assess(store, admin, period_id, unit_id, level=level,
                   verify_as=admin if period_id == last or n % 2 == 0 else None)
    with session_scope(store.engine) as s:
        lifecycle.close_period(session=s, viewer=SYSTEM, period_id=last, zone=JAKARTA)
    return last, current
