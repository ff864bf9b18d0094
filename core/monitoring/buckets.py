"""Minute, hour and day buckets cut in the organisation's time zone, stored as their UTC start."""

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

LEVELS = ("minute", "hour", "day")


def floor(at: datetime, level: str, zone: ZoneInfo) -> datetime:
    """The UTC start of the local bucket that holds `at`. Every zone in use today is a whole number of
    minutes from UTC, so the answer depends only on the UTC minute, and is remembered per minute: the
    writer asks it three times per check (probes.store)."""
    return _floor(int(at.timestamp() // 60), level, zone)


@lru_cache(maxsize=1 << 16)
def _floor(minute: int, level: str, zone: ZoneInfo) -> datetime:
    local = datetime.fromtimestamp(minute * 60, zone)
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
    return _next_day(start, zone)


@lru_cache(maxsize=4096)
def _next_day(start: datetime, zone: ZoneInfo) -> datetime:
    local = start.astimezone(zone)
    return (local.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=zone).astimezone(UTC)


def split(start: datetime, end: datetime, level: str, zone: ZoneInfo) -> list[tuple[datetime, float]]:
    """(bucket start, seconds) for each bucket of `level` that [start, end) overlaps, in order."""
    at = floor(start, level, zone)
    nxt = following(at, level, zone)
    if end <= nxt:  # the usual case: a check's interval inside one bucket
        return [(at, (end - start).total_seconds())] if end > start else []
    parts = []
    while at < end:
        seconds = (min(end, nxt) - max(start, at)).total_seconds()
        if seconds > 0:
            parts.append((at, seconds))
        at, nxt = nxt, following(nxt, level, zone)
    return parts
