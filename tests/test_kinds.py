"""Probe kinds and alert channels are declared once, in their own modules: found by looking, their options
read from their schema, their labels in the catalogue. A new kind touches its module, its test and the
catalogue, nothing else."""

import sys
import textwrap

import pytest

from core.alerts.channels import CHANNELS
from core.errors import ValidationError
from core.i18n import CATALOGUES
from core.monitoring import targets
from core.registry import discover
from probes.kinds import KINDS, PROBES
from probes.kinds.base import ProbeKind


def test_the_probe_kinds_are_found_in_their_modules_in_their_declared_order():
    assert KINDS == ("ping", "snmp", "http", "tcp")
    assert {kind.concurrency for kind in PROBES.values()} and all(k.concurrency > 0 for k in PROBES.values())


def test_a_module_dropped_into_a_kinds_package_is_a_new_kind(tmp_path, monkeypatch):
    package = tmp_path / "extra_kinds"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "dns.py").write_text(textwrap.dedent('''
        from probes.kinds.base import Options, ProbeKind, option

        class DnsOptions(Options):
            record: str = option("A")

        class DnsProbe:
            async def check(self, check, previous):
                raise NotImplementedError

        PROBE = ProbeKind("dns", DnsProbe, DnsOptions, order=50)
    '''))
    (package / "notes.py").write_text("PROBE = 'not a kind'\n")  # a module without a declaration is skipped
    monkeypatch.syspath_prepend(str(tmp_path))
    import extra_kinds

    found = discover(extra_kinds, "PROBE", ProbeKind)
    assert list(found) == ["dns"] and found["dns"].parse({"record": "MX", "old": 1}).record == "MX"
    sys.modules.pop("extra_kinds", None)


@pytest.mark.parametrize("kind", KINDS)
def test_every_option_of_every_kind_has_a_label_in_both_languages(kind):
    for name in PROBES[kind].options.model_fields:
        for lang in CATALOGUES:
            assert f"option.{kind}.{name}" in CATALOGUES[lang], (lang, kind, name)


def test_every_channel_kind_has_a_label_in_both_languages():
    assert list(CHANNELS) == ["telegram", "email", "webhook"]
    for name in CHANNELS:
        assert all(f"channel.{name}" in CATALOGUES[lang] for lang in CATALOGUES)


def test_secrets_come_from_the_schema():
    assert targets.secret_options("snmp") == {"community", "auth_key", "priv_key"}
    assert targets.secret_options("http") == set() and targets.secret_options("nope") == set()


def test_options_keep_only_what_differs_from_the_defaults():
    http = PROBES["http"]
    assert targets.clean_options(http, {"keyword": "ok", "verify_tls": True, "expected_status": "200"}) == \
        {"keyword": "ok", "expected_status": 200}


def test_an_unknown_option_is_refused_naming_it_and_the_options_there_are():
    with pytest.raises(ValidationError) as caught:
        targets.clean_options(PROBES["http"], {"keywrd": "ok"})
    assert caught.value.key == "target.option_unknown" and caught.value.params["option"] == "keywrd"
    assert "keyword" in caught.value.message("id")


def test_a_value_outside_an_options_limits_says_which_rule_it_breaks():
    with pytest.raises(ValidationError) as caught:
        targets.clean_options(PROBES["http"], {"expected_status": 700})
    assert caught.value.message("id") == "Kode status HTTP 700 tidak valid (100–599)."
    with pytest.raises(ValidationError) as caught:
        targets.clean_options(PROBES["snmp"], {"version": "3"})
    assert caught.value.key == "target.snmp_user"
