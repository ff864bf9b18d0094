"""The shapes the routes accept, validated at the edge before anything reads them (Pydantic, strict: a
number is not a string, `true` is not an id); a body that does not fit is a 400 that says where.

The JSON parser is pydantic-core's, which refuses a document nested deeper than it can take instead of
overflowing the interpreter's stack."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.agents.agents import MAX_BACKLOG, MAX_BATCH

ID_MAX = 2**31 - 1  # an INTEGER column: any id beyond it is no row of ours


class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class Enrol(Body):
    code: str = Field(max_length=64)
    version: str = Field(default="", max_length=40)


class Push(Body):
    """An agent's batch: each result is checked in core, one by one (a bad one is refused, the rest stored)."""

    results: list[dict[str, Any]] = Field(max_length=MAX_BATCH)
    backlog: int = Field(default=0, ge=0, le=MAX_BACKLOG)


class Feedback(Body):
    """The public feedback form as its fields arrive (text, so lax on type): what our form cannot send (a
    service that is no id, a rating that is no number) is refused here; a rating left unchosen or a comment too
    long is the visitor's to correct, and core says so on the page."""

    model_config = ConfigDict(strict=False, extra="ignore")
    service: int = Field(ge=1, le=ID_MAX)
    rating: int | None = Field(default=None, ge=-ID_MAX, le=ID_MAX)
    comment: str = Field(default="", max_length=4000)


class Subscribe(Body):
    """The public subscription form: a service id (what our form sends) and an address core checks."""

    model_config = ConfigDict(strict=False, extra="ignore")
    service: int = Field(ge=1, le=ID_MAX)
    email: str = Field(default="", max_length=1000)


class Code(Body):
    """A confirm or unsubscribe button's post: the signed code its link carried."""

    kode: str = Field(max_length=200)


class BadBody(Exception):
    """A body that cannot be read or does not fit its shape (400), or is too large (413); says where."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def parse_json(model: type[Body], raw: bytes) -> Body:
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        raise BadBody(where(exc)) from None


def parse_form(model: type[Body], fields: dict[str, str]) -> Body:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise BadBody(where(exc)) from None


def where(exc: ValidationError) -> str:
    """The first few problems as `path: message`, e.g. "results.3: Input should be a valid dictionary"."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()[:5])
