"""SNMP v2c and v3 with pysnmp 7 (asyncio): uptime and reboots, system names, interface state and traffic."""

import time
from typing import Any, Literal

from pysnmp.hlapi.v3arch import asyncio as snmp
from pysnmp.proto.rfc1905 import EndOfMibView, NoSuchInstance, NoSuchObject

from core.errors import ValidationError
from core.i18n import encode_reason
from db.monitoring import State
from probes.kinds.base import Check, Options, Outcome, ProbeFailure, ProbeKind, Stopwatch, option

SYS_DESCR, SYS_UPTIME, SYS_NAME = "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.1.5.0"
IF_COLUMNS = {
    "descr": "1.3.6.1.2.1.2.2.1.2",
    "admin": "1.3.6.1.2.1.2.2.1.7",
    "oper": "1.3.6.1.2.1.2.2.1.8",
    "in32": "1.3.6.1.2.1.2.2.1.10",
    "out32": "1.3.6.1.2.1.2.2.1.16",
    "name": "1.3.6.1.2.1.31.1.1.1.1",
    "in64": "1.3.6.1.2.1.31.1.1.1.6",
    "out64": "1.3.6.1.2.1.31.1.1.1.10",
}
WRAP = {32: 2**32, 64: 2**64}
UPTIME_WRAP = 2**32  # sysUpTime is TimeTicks (hundredths of a second), a 32-bit counter
AUTH = {"md5": snmp.usmHMACMD5AuthProtocol, "sha": snmp.usmHMACSHAAuthProtocol,
        "sha256": snmp.usmHMAC192SHA256AuthProtocol, "sha512": snmp.usmHMAC384SHA512AuthProtocol}
PRIV = {"des": snmp.usmDESPrivProtocol, "aes": snmp.usmAesCfb128Protocol, "aes256": snmp.usmAesCfb256Protocol}
MISSING = (NoSuchInstance, NoSuchObject, EndOfMibView)
IN_FLIGHT = 50  # unbounded gathers of pysnmp requests time out on two cores


class SnmpOptions(Options):
    version: Literal["2c", "3"] = option("2c", error="target.snmp_version")
    community: str = option("public", secret=True, max_length=200)  # v2c
    user: str = option("", max_length=100)  # v3
    auth_key: str = option("", secret=True, max_length=200)
    auth_protocol: Literal["md5", "sha", "sha256", "sha512"] = option("sha")
    priv_key: str = option("", secret=True, max_length=200)
    priv_protocol: Literal["des", "aes", "aes256"] = option("aes")
    context: str = option("", max_length=100)


def _rules(options: SnmpOptions) -> None:
    if options.version == "3" and not options.user:
        raise ValidationError("target.snmp_user", field="options")
    if options.version == "3" and options.priv_key and not options.auth_key:
        raise ValidationError("target.snmp_priv_without_auth", field="options")


def credentials(options: SnmpOptions):
    """CommunityData for v2c, UsmUserData (authPriv, authNoPriv or noAuthNoPriv) for v3."""
    if options.version == "3":
        auth_key, priv_key = options.auth_key or None, options.priv_key or None
        return snmp.UsmUserData(
            options.user, authKey=auth_key, privKey=priv_key,
            authProtocol=AUTH[options.auth_protocol] if auth_key else snmp.usmNoAuthProtocol,
            privProtocol=PRIV[options.priv_protocol] if priv_key else snmp.usmNoPrivProtocol,
        )
    return snmp.CommunityData(options.community, mpModel=1)


class SnmpProbe:
    def __init__(self):
        self._engine: snmp.SnmpEngine | None = None

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close_dispatcher()
            self._engine = None

    async def check(self, check: Check, previous: dict) -> Outcome:
        if self._engine is None:
            self._engine = snmp.SnmpEngine()  # one engine per worker loop, made on that loop
        watch = Stopwatch()
        opts = PROBE.parse(check.options)
        auth = credentials(opts)
        context = snmp.ContextData(contextName=opts.context)
        target = await snmp.UdpTransportTarget.create((check.host, check.port or PROBE.default_port), timeout=check.timeout_s,
                                                      retries=0)
        system = await self._get(auth, target, context, check, [SYS_DESCR, SYS_UPTIME, SYS_NAME])
        latency = watch.ms()
        if system.get(SYS_UPTIME) is None:
            raise ProbeFailure("probe.snmp_malformed", host=check.host, what="sysUpTime")
        columns = {name: await self._walk(auth, target, context, check, oid) for name, oid in IF_COLUMNS.items()}
        now = time.time()
        uptime = int(system[SYS_UPTIME])
        details: dict[str, Any] = {
            "sys_descr": _text(system.get(SYS_DESCR)), "sys_name": _text(system.get(SYS_NAME)),
            "sys_uptime": uptime, "at": now,
        }
        before = previous.get("sys_uptime")
        if isinstance(before, int) and uptime < before and before - uptime < UPTIME_WRAP // 2:
            details["rebooted"] = True  # a counter that went backwards, and not by wrapping
        interfaces, counters = _interfaces(columns, previous.get("counters", {}), previous.get("at"), now)
        details["interfaces"], details["counters"] = interfaces, counters
        down = [i["name"] for i in interfaces if i["admin"] == 1 and i["oper"] == 2]
        if down:
            return Outcome(State.DEGRADED, latency_ms=latency, details=details,
                           reason=encode_reason("probe.if_down", host=check.host, names=", ".join(down[:5]),
                                                count=len(down)))
        return Outcome(State.UP, latency_ms=latency, details=details)

    async def _get(self, auth, target, context, check: Check, oids: list[str]) -> dict[str, Any]:
        error, status, _index, binds = await snmp.get_cmd(
            self._engine, auth, target, context,
            *[snmp.ObjectType(snmp.ObjectIdentity(oid)) for oid in oids], lookupMib=False)
        _raise_for(error, status, check)
        return {str(name): (None if isinstance(value, MISSING) else value) for name, value in binds}

    async def _walk(self, auth, target, context, check: Check, column: str) -> dict[int, Any]:
        found: dict[int, Any] = {}
        async for error, status, _index, binds in snmp.bulk_walk_cmd(
            self._engine, auth, target, context, 0, 25,
            snmp.ObjectType(snmp.ObjectIdentity(column)), lexicographicMode=False, lookupMib=False,
        ):
            _raise_for(error, status, check)
            for name, value in binds:
                oid = str(name)
                if isinstance(value, MISSING) or not oid.startswith(column + "."):
                    continue
                try:
                    found[int(oid.rsplit(".", 1)[1])] = value
                except ValueError:
                    raise ProbeFailure("probe.snmp_malformed", host=check.host, what=oid) from None
        return found


def _raise_for(error, status, check: Check) -> None:
    if error:
        text = str(error)
        if "timeout" in text.lower() or "no snmp response" in text.lower():
            raise ProbeFailure("probe.snmp_timeout", host=check.host, seconds=check.timeout_s)
        raise ProbeFailure("probe.snmp_error", host=check.host, error=text)
    if status:
        raise ProbeFailure("probe.snmp_error", host=check.host, error=status.prettyPrint())


def _text(value) -> str:
    if value is None:
        return ""
    raw = bytes(value) if hasattr(value, "asOctets") else str(value).encode()
    return raw.replace(b"\x00", b"").decode("utf-8", errors="replace").strip()


def _interfaces(columns: dict[str, dict[int, Any]], old: dict, old_at: float | None, now: float):
    """Interface rows with bit/s from the counter deltas since the last check (64-bit, else 32-bit)."""
    rows, counters = [], {}
    for index in sorted(set(columns["descr"]) | set(columns["admin"])):
        bits = 64 if index in columns["in64"] else 32
        raw_in = columns[f"in{bits}"].get(index)
        raw_out = columns[f"out{bits}"].get(index)
        row = {
            "index": index,
            "name": _text(columns["name"].get(index)) or _text(columns["descr"].get(index)) or f"if{index}",
            "admin": int(columns["admin"].get(index, 0) or 0),
            "oper": int(columns["oper"].get(index, 0) or 0),
            "in_bps": None,
            "out_bps": None,
        }
        if raw_in is not None and raw_out is not None:
            now_in, now_out = int(raw_in), int(raw_out)
            counters[str(index)] = [now_in, now_out, bits]
            prev = old.get(str(index))
            if prev and prev[2] == bits and old_at and now > old_at:
                seconds = now - old_at
                row["in_bps"] = round(_delta(prev[0], now_in, bits) * 8 / seconds, 1)
                row["out_bps"] = round(_delta(prev[1], now_out, bits) * 8 / seconds, 1)
        rows.append(row)
    return rows, counters


def _delta(before: int, after: int, bits: int) -> int:
    """Counter difference; a smaller value means the counter wrapped once."""
    return after - before if after >= before else after + WRAP[bits] - before


PROBE = ProbeKind("snmp", SnmpProbe, SnmpOptions, default_port=161, concurrency=IN_FLIGHT, order=20, rules=_rules)
