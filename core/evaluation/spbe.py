"""The SPBE index (PermenPANRB 59/2020): 47 indicators in 8 aspects and 4 domains, their weights, the
index formula and the predicate. Pure arithmetic on levels; nothing here reads the store."""

import csv
from dataclasses import dataclass
from functools import cache

from db import REFERENCE

INDICATORS_FILE = REFERENCE / "spbe_indicators.csv"
LEVELS = (1, 2, 3, 4, 5)
# Lower bounds of each predicate, highest first; a value below the last bound is "kurang".
PREDICATES = ((4.2, "memuaskan"), (3.5, "sangat_baik"), (2.6, "baik"), (1.8, "cukup"))


@dataclass(frozen=True)
class Indicator:
    number: int
    name: str
    aspect: str
    aspect_name: str
    aspect_weight: float
    domain: str
    domain_name: str
    domain_weight: float
    weight: float
    scale: str  # "proses" or "layanan": which level names apply


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    weight: float
    domain: str = ""  # an aspect's domain


@dataclass(frozen=True)
class SpbeIndex:
    """Unrounded indices; an aspect, domain or the whole is None until every indicator in it has a level."""

    aspects: dict[str, float | None]
    domains: dict[str, float | None]
    overall: float | None
    answered: int


@cache
def indicators() -> tuple[Indicator, ...]:
    with INDICATORS_FILE.open(encoding="utf-8", newline="") as f:
        return tuple(
            Indicator(int(r["indicator"]), r["name"], r["aspect_code"], r["aspect_name"], float(r["aspect_weight"]),
                      r["domain_code"], r["domain_name"], float(r["domain_weight"]), float(r["indicator_weight"]),
                      r["level_scale"])
            for r in csv.DictReader(f))


@cache
def aspects() -> dict[str, Group]:
    return {i.aspect: Group(i.aspect, i.aspect_name, i.aspect_weight, i.domain) for i in indicators()}


@cache
def domains() -> dict[str, Group]:
    return {i.domain: Group(i.domain, i.domain_name, i.domain_weight) for i in indicators()}


def indicator(number: int) -> Indicator:
    return indicators()[number - 1]


def combine_domains(domain_indices: dict[str, float]) -> float:
    """SPBE index = Σ(domain index × domain weight) / 100."""
    groups = domains()
    return sum(value * groups[code].weight for code, value in domain_indices.items()) / 100


def index(levels: dict[int, int | float | None]) -> SpbeIndex:
    """Aspect index = Σ(level × indicator weight) / aspect weight; domain index = Σ(aspect index × aspect
    weight) / domain weight; the whole = Σ(domain index × domain weight) / 100."""
    answered = {n: v for n, v in levels.items() if v is not None}
    aspect_index: dict[str, float | None] = {}
    for code, group in aspects().items():
        members = [i for i in indicators() if i.aspect == code]
        complete = all(i.number in answered for i in members)
        aspect_index[code] = sum(answered[i.number] * i.weight for i in members) / group.weight if complete else None
    domain_index: dict[str, float | None] = {}
    for code, group in domains().items():
        parts = [(a, aspect_index[a.code]) for a in aspects().values() if a.domain == code]
        complete = all(v is not None for _, v in parts)
        domain_index[code] = sum(v * a.weight for a, v in parts) / group.weight if complete else None
    overall = (combine_domains(domain_index) if all(v is not None for v in domain_index.values()) else None)
    return SpbeIndex(aspect_index, domain_index, overall, len(answered))


def predicate(value: float | None) -> str | None:
    """The predicate key for an index: memuaskan, sangat_baik, baik, cukup or kurang."""
    if value is None:
        return None
    value = round(value, 9)  # 1.3 × 42 / 13 is 4.199999999999999 in floats; the index is exactly 4.2
    for bound, key in PREDICATES:
        if value >= bound:
            return key
    return "kurang"
