"""What deploy/ ships, read as the machines that use it read it: the settings template names every setting
and holds no secret (and the app refuses to start from it until the cookie key is filled in), the systemd
units run the app and the worker as the dedicated user with the settings file and restart by themselves,
and Caddy (Debian's package) accepts the Caddyfile and proxies everything to the app on loopback.
tests/test_drill_production.py runs all of it for real."""

import configparser
import json
import secrets
import shlex
import shutil
import subprocess

import pytest

from core.config import Settings, load_settings
from core.errors import SettingsError
from tests.conftest import skip_or_fail
from tests.test_drill_production import DEPLOY, template_env

SECRETS = {"MONEV_COOKIE_KEY", "MONEV_METRICS_TOKEN", "MONEV_SMTP_PASSWORD"}


def unit(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(DEPLOY / name)
    return parser["Service"]


def test_the_settings_template_names_every_setting_and_holds_no_secret():
    found = template_env()
    assert set(found) == {f"MONEV_{name.upper()}" for name in Settings.model_fields}
    assert {k for k in SECRETS if found[k]} == set()  # every secret left for the operator to fill in
    assert found["MONEV_DEMO"] == "false" and found["MONEV_WORKER_IN_APP"] == "false"


def test_the_app_refuses_to_start_from_the_template_until_the_cookie_key_is_filled_in(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no stray .env
    for key, value in template_env().items():
        if value:
            monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "MONEV_COOKIE_KEY" in caught.value.message("id")
    monkeypatch.setenv("MONEV_COOKIE_KEY", secrets.token_urlsafe(48))
    settings = load_settings()
    assert (settings.demo, settings.trusted_proxies, settings.worker_in_app) == (False, 1, False)


@pytest.mark.parametrize(("name", "command"), [("monev-app.service", "streamlit run server.py"),
                                               ("monev-probes.service", "python -m probes")])
def test_the_services_run_as_the_dedicated_user_with_the_settings_file_and_restart(name, command):
    service = unit(name)
    assert service["User"] == "monev" and service["EnvironmentFile"] == "/etc/monev-tik/monev.env"
    assert service["Restart"] in ("on-failure", "always")
    words = shlex.split(service["ExecStart"])
    assert " ".join(w.rsplit("/", 1)[-1] for w in words[:len(command.split())]) == command
    if name == "monev-app.service":  # only Caddy reaches the app; migrations run before it serves
        assert words[words.index("--server.address") + 1] == "127.0.0.1"
        assert service["ExecStartPre"].endswith("-m core.cli prepare")


def test_caddy_accepts_the_caddyfile_and_proxies_every_route_to_the_app_with_tls(tmp_path):
    if shutil.which("caddy") is None:
        skip_or_fail("caddy is not installed (apt-get install caddy)")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "MONEV_SITE": "monev.malangkota.go.id",
           "MONEV_TLS": "diskominfo@malangkota.go.id", "MONEV_UPSTREAM": "127.0.0.1:8501"}
    done = subprocess.run(["caddy", "adapt", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    config = json.loads(done.stdout)
    [server] = config["apps"]["http"]["servers"].values()
    [route] = server["routes"]
    assert route["match"] == [{"host": ["monev.malangkota.go.id"]}]
    handlers = json.dumps(route)
    assert '"upstreams": [{"dial": "127.0.0.1:8501"}]' in handlers  # every path: no route left out
    assert '"max_size": 26214400' in handlers  # an import of 20 MB gets through
    assert config["apps"]["tls"]["automation"]["policies"][0]["issuers"][0]["email"] == "diskominfo@malangkota.go.id"
