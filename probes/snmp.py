"""SNMP v2c and v3 with pysnmp 7 (asyncio): uptime and reboots, system names, interface state and traffic."""

import time
from typing import Any

from pysnmp.hlapi.v3arch import asyncio as snmp
from pysnmp.proto.rfc1905 import EndOfMibView, NoSuchInstance, NoSuchObject

from probes.base import DEGRADED, UP, Check, Outcome, ProbeFailure, Stopwatch, encode_reason

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


def credentials(options: dict[str, Any]):
    """CommunityData for v2c, UsmUserData (authPriv, authNoPriv or noAuthNoPriv) for v3."""
    if str(options.get("version", "2c")) == "3":
        auth_key, priv_key = options.get("auth_key") or None, options.get("priv_key") or None
        return snmp.UsmUserData(
            options.get("user", ""), authKey=auth_key, privKey=priv_key,
            authProtocol=AUTH[options.get("auth_protocol", "sha")] if auth_key else snmp.usmNoAuthProtocol,
            privProtocol=PRIV[options.get("priv_protocol", "aes")] if priv_key else snmp.usmNoPrivProtocol,
        )
    return snmp.CommunityData(options.get("community", "public"), mpModel=1)


class SnmpProbe:
    kind = "snmp"

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
        auth = credentials(check.options)
        context = snmp.ContextData(contextName=check.options.get("context", ""))
        target = await snmp.UdpTransportTarget.create((check.host, check.port or 161), timeout=check.timeout_s,
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
            return Outcome(DEGRADED, latency_ms=latency, details=details,
                           reason=encode_reason("probe.if_down", host=check.host, names=", ".join(down[:5]),
                                                count=len(down)))
        return Outcome(UP, latency_ms=latency, details=details)

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
