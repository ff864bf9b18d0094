"""One validated settings object, read from MONEV_* environment variables and an optional .env file."""

import os
import secrets
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import SecretStr, field_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.errors import SettingsError

# Keys that ship in tutorials and library defaults; a cookie signed with one of them can be forged.
KNOWN_DEFAULT_KEYS = {
    "some_key", "some_cookie_key", "secret", "changeme", "change-me", "password",
    "random_signature_key", "abcdef", "key", "cookie_key", "monev",
}
MIN_COOKIE_KEY_LENGTH = 32
COOKIE_KEY_FILE = "cookie_key"


class Settings(BaseSettings):
    """Everything the app, the worker and the command line read from the environment."""

    model_config = SettingsConfigDict(env_prefix="MONEV_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///data/monev.db"
    org_name: str = "Pemerintah Kota Malang"
    timezone: str = "Asia/Jakarta"
    language: Literal["id", "en"] = "id"
    demo: bool = False
    cookie_key: SecretStr | None = None
    cookie_name: str = "monev_tik_auth"
    cookie_expiry_days: float = 1.0
    data_dir: Path = Path("data")
    bcrypt_rounds: int = 12
    # The address the app and its public pages are reached at (https://monev.example.go.id; /publik lives under
    # it, as the app's own pages do): the feed's links, subscription mails' links and the incident page's link
    # in alerts. Empty: the feed links relative, the page takes no subscriptions, alerts carry no link.
    public_url: str = ""
    trusted_proxies: int = 0  # reverse proxies in front of the app, whose X-Forwarded-For names the client
    worker_in_app: bool = True  # run the probe worker inside the Streamlit process
    # /metrics: answered to loopback clients, or to a bearer of this token (stored as the operator sets it)
    metrics_token: SecretStr | None = None
    worker_name: str = ""  # defaults to host:pid
    probe_lease_s: float = 45.0  # a killed worker's targets move to the others after this
    retention_heartbeats_h: float = 48
    retention_minutes_h: float = 48
    retention_hours_d: float = 90
    retention_days_d: float = 5 * 365
    # Alerts. The SMTP password and bot tokens are secrets: environment or .env only, never in the code.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: SecretStr | None = None
    smtp_from: str = ""
    smtp_starttls: bool = True
    smtp_ca_file: str = ""  # a private CA to trust for STARTTLS; empty: the system's
    telegram_api: str = "https://api.telegram.org"  # a Bot API server of your own, or a test stand-in
    alert_reminder_h: float = 4.0  # remind every N hours while a target stays DOWN
    alert_cert_days: int = 14  # warn when a certificate expires in fewer days
    alert_max_attempts: int = 8  # a delivery failing this often is marked failed (and stays listed)
    upload_max_mb: int = 20  # an import file; checked before it is read (Streamlit's own limit follows it)
    import_max_rows: int = 100_000  # rows of one import
    # Book value of devices: straight_line (the default of Indonesian asset accounting) or declining_balance.
    depreciation: Literal["straight_line", "declining_balance"] = "straight_line"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("bcrypt_rounds")
    @classmethod
    def _rounds(cls, value: int) -> int:
        if not 4 <= value <= 16:
            raise ValueError("bcrypt_rounds must be 4..16")
        return value

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def retention(self) -> dict[str, timedelta]:
        """How long each kind of monitoring row is kept (probes.store.Retention takes these)."""
        return {"heartbeats": timedelta(hours=self.retention_heartbeats_h),
                "minutes": timedelta(hours=self.retention_minutes_h),
                "hours": timedelta(days=self.retention_hours_d), "days": timedelta(days=self.retention_days_d)}

    def secret_cookie_key(self) -> str:
        """The key that signs login cookies; never None once `load_settings` has returned."""
        assert self.cookie_key is not None
        return self.cookie_key.get_secret_value()


MIN_DISTINCT_CHARACTERS = 12  # a secrets.token_urlsafe(48) key has about 45; "a" * 32 has one


def _check_cookie_key(key: str) -> None:
    """Refuse a key that is known, short, or low in entropy (few distinct characters, a repeated pattern):
    a cookie signed with one can be forged."""
    # A key that repeats a shorter run (whole or with a part of it at the end): "0123456789abcdefghij" twice
    # has twenty distinct characters and half a key's secret.
    repeated = any(all(key[i] == key[i % n] for i in range(n, len(key))) for n in range(1, len(key) // 2 + 1))
    if (key.strip().lower() in KNOWN_DEFAULT_KEYS or len(key) < MIN_COOKIE_KEY_LENGTH
            or len(set(key)) < MIN_DISTINCT_CHARACTERS or repeated):
        raise SettingsError("settings.cookie_key_unsafe", length=MIN_COOKIE_KEY_LENGTH)


def _demo_cookie_key(data_dir: Path) -> str:
    """A random key made once per data folder and kept there, so demo logins survive restarts."""
    path = data_dir / COOKIE_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def load_settings(**overrides) -> Settings:
    """Read and check the settings; raise SettingsError with a message that says how to fix it."""
    try:
        settings = Settings(**overrides)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        name = "MONEV_" + str(first["loc"][0]).upper() if first["loc"] else "MONEV_*"
        raise SettingsError("settings.invalid", name=name, reason=first["msg"]) from None
    if settings.cookie_key is None:
        if not settings.demo:
            raise SettingsError("settings.cookie_key_missing", length=MIN_COOKIE_KEY_LENGTH)
        settings.cookie_key = SecretStr(_demo_cookie_key(settings.data_dir))
    _check_cookie_key(settings.secret_cookie_key())
    return settings
