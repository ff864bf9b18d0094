"""Name resolution behind a resolver that never answers: a DNS reason in bounded time, nothing else waits."""

import json
import subprocess
import sys

from core.i18n import t
from tests.conftest import ROOT
from tests.peers import silent_resolver_netns


def test_dead_names_fail_as_dns_within_the_timeout_and_healthy_checks_do_not_wait_for_them():
    with silent_resolver_netns() as inside:
        run = subprocess.run([*inside, sys.executable, "-m", "tests.resolve_child"], cwd=ROOT, capture_output=True,
                             text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert {reason for reason, _ in seen["dead"]} == {"probe.dns_timeout"}, seen["dead"]
    assert max(seconds for _, seconds in seen["dead"]) < 4, "a hung lookup ends at the DNS timeout (3 s)"
    assert [reason for reason, _ in seen["good"]] == ["UP"] * 20
    assert max(seconds for _, seconds in seen["good"]) < 0.5, "healthy checks did not queue behind the lookups"
    assert seen["default_pool_s"] < 0.5, "the event loop's default pool stays free"


def test_the_dns_reasons_say_dns_in_both_languages():
    for lang in ("id", "en"):
        assert "DNS" in t("probe.dns_timeout", lang, host="svc.invalid", seconds=3)
        assert "DNS" in t("probe.dns", lang, host="svc.invalid")
