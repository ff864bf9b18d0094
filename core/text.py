"""What text a person may type into a name: no NUL or other control characters (they hide in a name, break
files and logs, and a NUL ends a string in C libraries downstream). One rule every domain applies."""

import re

from core.errors import ValidationError

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control(value: str) -> bool:
    return bool(CONTROL.search(value or ""))


def check_name(value: str, field: str) -> str:
    """The value, or ValidationError naming the field when it holds a control character."""
    if has_control(value):
        raise ValidationError("text.control_character", field=field, name=field)
    return value
