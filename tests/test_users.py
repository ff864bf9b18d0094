"""Accounts and login: bcrypt hashes, failures throttled without locking anyone out, admin-only accounts."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy import select

from core.access import SYSTEM
from core.errors import LoginFailed, LoginThrottled, PermissionDenied, ValidationError
from core.org import logins, passwords, users
from core.org.cookies import read_token, sign_token
from core.org.users import UserCreate, UserUpdate, create_user
from db.engine import session_scope
from db.models import AuditLog, User
from db.types import utcnow
from tests.conftest import PASSWORD


def login(store, username, password, now=None, client="10.0.0.7"):
    """One login attempt committed like the app does, even when it fails."""
    with store.session() as s:
        try:
            return logins.authenticate(session=s, username=username, password=password, client=client, now=now)
        finally:
            s.commit()


def test_passwords_are_stored_as_bcrypt_hashes_only(store, city):
    with store.session() as s:
        hashes = s.scalars(select(User.password_hash)).all()
    assert hashes and all(h.startswith("$2b$") and PASSWORD not in h for h in hashes)


def test_right_password_logs_in_whatever_the_case_of_the_user_name(store, city):
    user = login(store, "  OP_A ", PASSWORD)
    assert user.username == "op_a" and user.last_login_at is not None


def test_wrong_password_and_unknown_user_get_the_same_message(store, city):
    with pytest.raises(LoginFailed) as wrong:
        login(store, "op_a", "salah-sekali")
    with pytest.raises(LoginFailed) as unknown:
        login(store, "tidak_ada", "salah-sekali")
    assert wrong.value.message("id") == unknown.value.message("id") == "Nama pengguna atau kata sandi salah."


def test_five_failures_from_one_client_make_that_client_wait_but_not_the_owner_elsewhere(store, city):
    now = utcnow()
    for _ in range(5):
        with pytest.raises(LoginFailed):
            login(store, "op_a", "salah-sekali", now, client="203.0.113.9")
    with pytest.raises(LoginThrottled) as waiting:
        login(store, "op_a", PASSWORD, now + timedelta(minutes=14), client="203.0.113.9")
    assert "Coba lagi dalam 1 menit" in waiting.value.message("id")
    assert login(store, "op_a", PASSWORD, now + timedelta(minutes=1), client="10.1.2.3").username == "op_a"
    assert login(store, "op_a", PASSWORD, now + timedelta(minutes=15, seconds=1), client="203.0.113.9")


def test_an_unknown_name_is_throttled_alike_so_the_answers_tell_no_names(store, city):
    now = utcnow()
    answers = {}
    for name in ("op_a", "tidak_ada"):
        for _ in range(5):
            with pytest.raises(LoginFailed):
                login(store, name, "salah-sekali", now)
        with pytest.raises(LoginThrottled) as waiting:
            login(store, name, "salah-sekali", now)
        answers[name] = waiting.value.message("id")
    assert answers["op_a"] == answers["tidak_ada"]


def test_failures_never_end_the_owners_session(store, city):
    now = utcnow()
    for _ in range(12):
        with pytest.raises((LoginFailed, LoginThrottled)):
            login(store, "op_a", "salah-sekali", now)
    with store.session() as s:
        viewer = users.load_viewer(session=s, username="op_a", cookie_issued_at=now - timedelta(minutes=1))
    assert viewer is not None and viewer.username == "op_a"


def test_a_client_failing_on_many_names_waits_for_every_name(store, city):
    now = utcnow()
    for n in range(20):
        with pytest.raises(LoginFailed):
            login(store, f"coba{n}", "salah-sekali", now, client="198.51.100.4")
    with pytest.raises(LoginThrottled):
        login(store, "op_b", PASSWORD, now, client="198.51.100.4")
    assert login(store, "op_b", PASSWORD, now, client="10.9.9.9").username == "op_b"


def test_a_spread_out_attack_on_one_name_slows_only_the_clients_that_failed_on_it(store, city):
    now = utcnow()
    for n in range(30):
        with pytest.raises(LoginFailed):
            login(store, "op_a", "salah-sekali", now, client=f"192.0.2.{n}")
    with pytest.raises(LoginThrottled) as waiting:  # an attacking address tries again within 30 s
        login(store, "op_a", "salah-sekali", now + timedelta(seconds=10), client="192.0.2.3")
    assert "dari banyak alamat" in waiting.value.message("id") and "20 detik" in waiting.value.message("id")
    # The owner, from an address without failures, gets in at once with the right password.
    assert login(store, "op_a", PASSWORD, now + timedelta(seconds=10), client="10.5.5.5").username == "op_a"


def test_the_owner_gets_in_while_strangers_rotate_addresses_once_a_second(store, city):
    """The attack of issue 30: 40 failures from 8 addresses, then a stranger trying once a second from
    rotating addresses for 5 minutes; the owner, with the right password from their own address, tries every
    7 s and gets in every time, and each message a stranger reads is true of that stranger's address."""
    start = utcnow()
    for n in range(40):
        with pytest.raises((LoginFailed, LoginThrottled)):
            login(store, "admin", "tebak-tebak", start + timedelta(seconds=n // 8), client=f"203.0.113.{n % 8}")
    owner_in, stranger_in, messages = 0, 0, set()
    for second in range(300):
        at = start + timedelta(seconds=6 + second)
        try:
            login(store, "admin", "tebak-tebak", at, client=f"198.51.100.{second % 50}")
            stranger_in += 1
        except LoginThrottled as exc:
            messages.add(exc.key)
        except LoginFailed:
            pass
        if second % 7 == 0:
            assert login(store, "admin", PASSWORD, at, client="10.20.30.40").username == "admin"
            owner_in += 1
    assert owner_in == 43 and stranger_in == 0
    assert messages <= {"auth.throttled_name", "auth.throttled"}


def test_a_success_clears_that_clients_count(store, city):
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(store, "op_b", "salah-sekali")
    login(store, "op_b", PASSWORD)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(store, "op_b", "salah-sekali")
    assert login(store, "op_b", PASSWORD).username == "op_b"


def test_an_unknown_name_costs_as_long_as_a_wrong_password(store, city):
    """Timing tells no names: at a real bcrypt cost the two paths' medians are within 20 % of each other (an
    unknown name once cost two hashes: the throwaway one was made again on every call)."""
    import statistics
    import time

    passwords.set_rounds(11)  # a hash costs a tenth of a second, as in production: the store's time is noise
    try:
        with session_scope(store.engine) as s:
            create_user(session=s, viewer=SYSTEM, data=UserCreate(username="kuat", display_name="Kuat", role="skpd",
                                                                  unit_id=city.units["DINKES"], password=PASSWORD))

        def timed(name, n):
            started = time.perf_counter()
            with pytest.raises(LoginFailed):
                login(store, name, "salah-sekali", client=f"10.7.{n}.1")
            return time.perf_counter() - started

        timed("kuat", 0), timed("tidak_ada", 0)  # warm: the throwaway hash is made once per cost
        # Interleaved, so a busy machine slows both paths alike.
        pairs = [(timed("kuat", n + 1), timed("tidak_ada", n + 1)) for n in range(21)]
        known = statistics.median(k for k, _ in pairs)
        unknown = statistics.median(u for _, u in pairs)
    finally:
        passwords.set_rounds(4)
    assert 0.8 < unknown / known < 1.25, (known, unknown)


def test_a_deactivated_user_is_no_viewer(store, admin, city):
    with store.session() as s:
        users.update_user(session=s, viewer=admin, user_id=city.viewers["op_b"].user_id,
                          data=UserUpdate(display_name="Op B", role="skpd", unit_id=city.units["DINKES"], active=False))
        s.commit()
        assert users.load_viewer(session=s, username="op_b") is None
    with pytest.raises(LoginFailed):
        login(store, "op_b", PASSWORD)


def test_changing_ones_own_password_revokes_the_earlier_cookies(store, city):
    before = utcnow() - timedelta(seconds=1)
    with store.session() as s:
        users.change_own_password(session=s, viewer=city.viewers["op_a"], current=PASSWORD, new="kata-sandi-baru-9")
        s.commit()
        assert users.load_viewer(session=s, username="op_a", cookie_issued_at=before) is None
        assert users.load_viewer(session=s, username="op_a", cookie_issued_at=utcnow() + timedelta(seconds=1))


def test_admin_reset_lifts_the_wait_and_the_new_password_works_once_shown(store, admin, city):
    for _ in range(6):
        with pytest.raises((LoginFailed, LoginThrottled)):
            login(store, "op_a", "salah-sekali")
    with store.session() as s:
        new_password = users.reset_password(session=s, viewer=admin, user_id=city.viewers["op_a"].user_id)
        s.commit()
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "reset_password")).one()
    assert len(new_password) >= 12
    assert login(store, "op_a", new_password).username == "op_a"
    assert entry.old_values is None and entry.new_values is None  # never a hash in the log


@pytest.mark.parametrize(
    ("data", "field", "key"),
    [
        (dict(username="op_c", display_name="Op C", role="skpd", unit_id=None, password=PASSWORD), "unit_id",
         "user.skpd_needs_unit"),
        (dict(username="op_c", display_name="Op C", role="admin", password=""), "password", "password.empty"),
        (dict(username="op_c", display_name="Op C", role="admin", password="pendek"), "password", "password.too_short"),
        (dict(username="op_a", display_name="Op A2", role="admin", password=PASSWORD), "username",
         "user.username_taken"),
        (dict(username="x", display_name="X", role="admin", password=PASSWORD), "username", "user.username_invalid"),
        (dict(username="op_c", display_name="Op C", role="walikota", password=PASSWORD), "role", "user.role_unknown"),
        (dict(username="op_c", display_name="  ", role="admin", password=PASSWORD), "display_name",
         "user.name_required"),
    ],
)
def test_a_bad_account_is_refused_and_nothing_is_written(store, admin, city, data, field, key):
    with store.session() as s:
        before = len(s.scalars(select(User)).all())
        with pytest.raises(ValidationError) as err:
            users.create_user(session=s, viewer=admin, data=UserCreate(**data))
        s.rollback()
        assert len(s.scalars(select(User)).all()) == before
    assert (err.value.field, err.value.key) == (field, key)


def test_skpd_without_unit_message_is_indonesian(store, admin, city):
    with store.session() as s, pytest.raises(ValidationError) as err:
        users.create_user(session=s, viewer=admin, data=UserCreate(
            username="op_c", display_name="Op C", role="skpd", password=PASSWORD))
    assert err.value.message("id") == "Pengguna berperan Operator SKPD harus punya unit."


def test_admin_cannot_lock_themself_out(store, admin):
    with store.session() as s, pytest.raises(ValidationError) as err:
        users.update_user(session=s, viewer=admin, user_id=admin.user_id,
                          data=UserUpdate(display_name="Admin", role="pimpinan"))
    assert err.value.key == "user.cannot_demote_self"


def test_only_admin_manages_accounts(store, pimpinan, operator_a, presenter, city):
    for viewer in (pimpinan, operator_a, presenter):
        with store.session() as s:
            with pytest.raises(PermissionDenied):
                users.create_user(session=s, viewer=viewer, data=UserCreate(
                    username="op_c", display_name="Op C", role="admin", password=PASSWORD))
            with pytest.raises(PermissionDenied):
                users.reset_password(session=s, viewer=viewer, user_id=city.viewers["op_b"].user_id)


def test_a_user_changes_their_own_password_only_with_the_current_one(store, operator_a, city):
    with store.session() as s:
        with pytest.raises(ValidationError):
            users.change_own_password(session=s, viewer=operator_a, current="salah-sekali", new="baru-sekali-123")
        users.change_own_password(session=s, viewer=operator_a, current=PASSWORD, new="baru-sekali-123")
        s.commit()
    assert login(store, "op_a", "baru-sekali-123").username == "op_a"


def test_the_authenticator_credentials_hold_active_accounts_with_their_hashes(store, admin, city):
    with store.session() as s:
        users.update_user(session=s, viewer=admin, user_id=city.viewers["op_b"].user_id,
                          data=UserUpdate(display_name="Op B", role="skpd", unit_id=city.units["DINKES"], active=False))
        s.commit()
        creds = users.credentials(session=s)["usernames"]
    assert "op_b" not in creds
    assert creds["op_a"]["roles"] == ["skpd"] and creds["op_a"]["password"].startswith("$2b$")


def library_token(username: str, key: str, days: float, issued: datetime) -> str:
    """A cookie as streamlit-authenticator 0.4 writes it (CookieModel._token_encode)."""
    return jwt.encode({"username": username, "exp_date": (issued + timedelta(days=days)).timestamp()}, key,
                      algorithm="HS256")


def test_a_cookie_is_read_only_with_the_right_key_and_before_it_expires():
    key, now = "k" * 48, datetime.now(UTC)
    token = library_token("op_a", key, 1, now)
    login = read_token(token, key, 1)
    assert login.username == "op_a" and abs((login.issued_at - now).total_seconds()) < 1
    assert read_token(token, "x" * 48, 1) is None
    assert read_token(token, key, 1, now=now + timedelta(days=1, seconds=1)) is None
    assert read_token("not-a-jwt", key, 1) is None and read_token(None, key, 1) is None


def test_the_cookie_signed_at_login_is_the_librarys_format_and_reads_back():
    """The login signs the cookie itself (core.org.cookies.sign_token): the library's payload, so the
    library's own checks and ours read it alike."""
    key, now = "k" * 48, datetime.now(UTC)
    token, expires = sign_token("op_a", key, 2, now)
    assert jwt.decode(token, key, algorithms=["HS256"]) == {"username": "op_a", "exp_date": expires.timestamp()}
    assert token == library_token("op_a", key, 2, now)
    login = read_token(token, key, 2)
    assert login.username == "op_a" and abs((login.issued_at - now).total_seconds()) < 1
    assert read_token(token, key, 2, now=expires + timedelta(seconds=1)) is None


def test_logout_revokes_cookies_issued_before_it_but_not_later_ones(store, operator_a, city):
    before = utcnow() - timedelta(seconds=5)
    with store.session() as s:
        users.end_sessions(session=s, viewer=operator_a)
        s.commit()
        assert users.load_viewer(session=s, username="op_a", cookie_issued_at=before) is None
        assert users.load_viewer(session=s, username="op_a", cookie_issued_at=utcnow()) is not None
        assert users.load_viewer(session=s, username="op_a") is not None  # a session already running


def test_a_password_reset_revokes_the_old_cookies(store, admin, city):
    issued = utcnow() - timedelta(seconds=5)
    with store.session() as s:
        users.reset_password(session=s, viewer=admin, user_id=city.viewers["op_b"].user_id)
        s.commit()
        assert users.load_viewer(session=s, username="op_b", cookie_issued_at=issued) is None
