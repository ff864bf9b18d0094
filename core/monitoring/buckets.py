"""Minute, hour and day buckets cut in the organisation's time zone, stored as their UTC start."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

LEVELS = ("minute", "hour", "day")


def floor(at: datetime, level: str, zone: ZoneInfo) -> datetime:
    """The UTC start of the local bucket that holds `at`."""
    local = at.astimezone(zone)
    if level == "minute":
        local = local.replace(second=0, microsecond=0)
    elif level == "hour":
        local = local.replace(minute=0, second=0, microsecond=0)
    elif level == "day":
        local = local.replace(hour=0, minute=0, second=0, microsecond=0)
    else:
        raise ValueError(level)
    return local.astimezone(UTC)


def ceil(at: datetime, level: str, zone: ZoneInfo) -> datetime:
    start = floor(at, level, zone)
    return start if start == at else following(start, level, zone)


def following(start: datetime, level: str, zone: ZoneInfo) -> datetime:
    """The start of the next bucket (a local day is not always 24 hours, so step in local time)."""
    if level == "minute":
        return start + timedelta(minutes=1)
    if level == "hour":
        return start + timedelta(hours=1)
    local = start.astimezone(zone)
    return (local.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=zone).astimezone(UTC)


def split(start: datetime, end: datetime, level: str, zone: ZoneInfo):
    """(bucket start, seconds) for each bucket of `level` that [start, end) overlaps, in order."""
    at = floor(start, level, zone)
    while at < end:
        nxt = following(at, level, zone)
        seconds = (min(end, nxt) - max(start, at)).total_seconds()
        if seconds > 0:
            yield at, seconds
        at = nxt
