"""Domain errors that carry a message key, so every layer can say what went wrong in the user's language."""

from pydantic import ValidationError as PydanticValidationError

from core.i18n import t


class MonevError(Exception):
    """Base error: a catalogue key plus the values its message needs."""

    def __init__(self, key: str, **params):
        self.key = key
        self.params = params
        super().__init__(t(key, "id", **params))

    def message(self, lang: str, escape=None) -> str:
        """The message in the given language; `escape` is applied to each value (data) put into it, for a
        message shown as markdown."""
        return t(self.key, lang, **_escaped(self.params, escape))


class PermissionDenied(MonevError):
    """The viewer may not do this, or not to this unit."""


class NotFound(MonevError):
    """No such row, or not one the viewer may see."""


class ValidationError(MonevError):
    """Input that breaks a rule; `field` names the input that is wrong."""

    def __init__(self, key: str, field: str | None = None, **params):
        self.field = field
        super().__init__(key, **params)


class Refused(MonevError):
    """A machine caller turned away (an agent's code or credential, an API token); `status` is the HTTP answer."""

    def __init__(self, key: str, status: int = 401, **params):
        self.status = status
        super().__init__(key, **params)


class LoginFailed(MonevError):
    """Wrong user name or password."""


class LoginThrottled(MonevError):
    """Too many failed logins from this client (or of this name): try again after a wait."""


class SettingsError(MonevError):
    """The configuration is unsafe or invalid; the app must not start."""


class StoreUnavailable(MonevError):
    """The database cannot be reached or opened."""


def _escaped(params: dict, escape) -> dict:
    if escape is None:
        return params
    return {k: escape(v) if isinstance(v, str) else v for k, v in params.items()}


class Term(str):
    """A message value that is itself a catalogue key, rendered in the reader's language (a column's label)."""


class Problem:
    """One bad cell or field: where it is (row, column) and what is wrong (a catalogue key)."""

    def __init__(self, column: str, key: str, row: int | None = None, sheet: str | None = None, **params):
        self.row = row
        self.sheet = sheet
        self.column = column
        self.key = key
        self.params = params

    def message(self, lang: str, escape=None) -> str:
        params = {k: t(v, lang) if isinstance(v, Term) else v for k, v in self.params.items()}
        return t(self.key, lang, **_escaped({"column": self.column_label(lang), **params}, escape))

    def column_label(self, lang: str) -> str:
        """The column as the reader calls it (a Term is a catalogue label; anything else as the file has it)."""
        return t(self.column, lang) if isinstance(self.column, Term) else self.column

    def __repr__(self) -> str:
        return f"Problem(row={self.row}, column={self.column!r}, key={self.key!r})"


def on_row(problems: list[Problem], row: int) -> list[Problem]:
    """The problems found in one row of a file, each told which row that is."""
    for problem in problems:
        problem.row = row
    return problems


class ImportRejected(MonevError):
    """A file with at least one bad row; nothing from it was written."""

    def __init__(self, problems: list[Problem], filename: str = ""):
        self.problems = problems
        self.filename = filename
        # Without a file, the rows came from a table on the page: say so rather than name an empty file.
        super().__init__("import.rejected" if filename else "import.rejected_edits", count=len(problems),
                         filename=filename)


class NotReady(ImportRejected):
    """A step refused until what is listed is done; what was saved before it stays saved (the message
    says so, unlike a rejected file)."""

    def __init__(self, problems: list[Problem], key: str, **params):
        self.problems, self.filename = problems, ""
        MonevError.__init__(self, key, **params)


def invalid(exc: PydanticValidationError) -> ValidationError:
    """The first problem pydantic found in a model's fields, as a ValidationError naming the field."""
    first = exc.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "-"
    limits = first.get("ctx") or {}
    if first["type"] == "string_too_long":
        return ValidationError("field.too_long", field=field, name=field, limit=limits.get("max_length"))
    if first["type"] in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        return ValidationError("field.out_of_range", field=field, name=field, value=str(first.get("input"))[:80])
    return ValidationError("field.invalid", field=field, name=field, value=str(first.get("input"))[:80])


def checked(model, **fields):
    """`model(**fields)`, or ValidationError naming the first field that breaks a limit the model declares
    (its length, its range, its type): forms and imports build their create models through this."""
    try:
        return model(**fields)
    except PydanticValidationError as exc:
        raise invalid(exc) from None
