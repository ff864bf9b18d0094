"""Settings: safe defaults, MONEV_* and .env, and a refusal to run with a guessable cookie key."""

import os
import stat

import pytest

from core.config import load_settings
from core.errors import SettingsError


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("MONEV_"):
            monkeypatch.delenv(name)
    return tmp_path


def test_defaults_are_the_malang_demo_on_sqlite(clean_env, monkeypatch):
    monkeypatch.setenv("MONEV_DEMO", "true")
    s = load_settings()
    assert s.database_url == "sqlite:///data/monev.db"
    assert (s.org_name, s.timezone, s.language) == ("Pemerintah Kota Malang", "Asia/Jakarta", "id")


def test_outside_demo_a_missing_cookie_key_stops_the_app_and_says_how_to_fix_it(clean_env):
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = err.value.message("id")
    assert "MONEV_COOKIE_KEY belum diisi" in message and "secrets.token_urlsafe" in message


@pytest.mark.parametrize("key", ["some_key", "changeme", "pendek-sekali", "a" * 32, "abcd" * 12, "0123456789" * 4,
                                 "0123456789abcdefghij" * 2, "Kominfo-Malang-2026!" * 2 + "Komi"])
def test_a_library_default_or_short_cookie_key_is_refused(clean_env, monkeypatch, key):
    monkeypatch.setenv("MONEV_COOKIE_KEY", key)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert err.value.key == "settings.cookie_key_unsafe"


def test_a_random_key_of_the_documented_kind_is_accepted(clean_env, monkeypatch):
    import secrets

    for _ in range(50):
        monkeypatch.setenv("MONEV_COOKIE_KEY", secrets.token_urlsafe(48))
        assert load_settings().secret_cookie_key()


def test_demo_mode_makes_one_random_cookie_key_and_keeps_it(clean_env, monkeypatch):
    monkeypatch.setenv("MONEV_DEMO", "true")
    first = load_settings().secret_cookie_key()
    second = load_settings().secret_cookie_key()
    path = clean_env / "data" / "cookie_key"
    assert first == second == path.read_text()
    assert len(first) >= 32 and first != "some_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_settings_come_from_a_dot_env_file_and_the_environment_wins(clean_env, monkeypatch):
    (clean_env / ".env").write_text(
        "MONEV_ORG_NAME=Pemerintah Kota Batu\nMONEV_TIMEZONE=Asia/Makassar\nMONEV_DEMO=true\nMONEV_LANGUAGE=en\n")
    monkeypatch.setenv("MONEV_LANGUAGE", "id")
    s = load_settings()
    assert (s.org_name, s.timezone, s.language, s.demo) == ("Pemerintah Kota Batu", "Asia/Makassar", "id", True)


@pytest.mark.parametrize(("name", "value"), [("MONEV_TIMEZONE", "Asia/Malang"), ("MONEV_LANGUAGE", "jv"),
                                             ("MONEV_DEMO", "mungkin")])
def test_an_invalid_setting_names_the_variable(clean_env, monkeypatch, name, value):
    monkeypatch.setenv("MONEV_DEMO", "true")
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert name in err.value.message("id")
