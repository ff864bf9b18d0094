"""The fiscal-year picker the needs pages share."""

import streamlit as st

from core.needs import workflow
from db.types import utcnow
from pages.common.shell import cached, t


def pick_year(container=st, key: str = "needs_year") -> int:
    """The fiscal year to show: years holding needs, plus next year (which is being planned), newest first."""
    years = sorted(set(cached(workflow.years)) | {utcnow().year + 1}, reverse=True)
    return container.selectbox(t("needs.fiscal_year"), years, key=key)
