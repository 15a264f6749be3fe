"""Shared fixtures: administrative units, personas for every role, books and entries."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests assert behaviour, never time: Hypothesis's default 200 ms deadline per
# example failed a date round trip while the machine was busy (a timed test by another name).
hypothesis_settings.register_profile("hotich", deadline=None)
hypothesis_settings.load_profile("hotich")

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# fixtures in that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The live server of the browser tests answers each request in its own thread, and on the
# in-memory SQLite test database every thread uses the test's one connection (Django shares
# it so the server sees the test's data). A page that loads several images at once then uses
# that connection from several threads at the same moment, which sqlite3 refuses ("bad
# parameter or other API misuse"). Requests to the live server are therefore handled one at
# a time on SQLite (the test client does not go through WSGIHandler).
if os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"):
    from django.core.handlers.wsgi import WSGIHandler

    _one_request_at_a_time = threading.Lock()
    _handle = WSGIHandler.__call__

    def _serialised(self, environ, start_response):
        with _one_request_at_a_time:
            return _handle(self, environ, start_response)

    WSGIHandler.__call__ = _serialised

# The audit log's triggers refuse DELETE (SQLite) and TRUNCATE (PostgreSQL), which is how
# Django empties the database after a transactional test. Only here, in the tests, are they
# lifted for the flush and put back after it; no command of the application can do this.
from django.db.backends.base.operations import BaseDatabaseOperations  # noqa: E402

_execute_sql_flush = BaseDatabaseOperations.execute_sql_flush


def _flush_with_audit_guard_lifted(self, sql_list):
    from hotich.audit.triggers import audit_guard_drop, audit_guard_install

    audit_guard_drop(self.connection)
    try:
        _execute_sql_flush(self, sql_list)
    finally:
        audit_guard_install(self.connection)


BaseDatabaseOperations.execute_sql_flush = _flush_with_audit_guard_lifted

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "mat-khau-thu-nghiem-2026"
#: The authenticator key of every persona whose role requires a second factor.
TOTP_KEY = b"hotich-test-totp-key".hex()


def second_factor_verify_session(client, user):
    """Mark the test client's session as past the second factor of USER (as force_login skips
    the password), giving USER the test authenticator if it has none; the second-factor pages
    themselves are tested in tests/accounts."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hotich.accounts.second_factor import totp_device_install

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = totp_device_install(user=user, key=TOTP_KEY)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def units(db):
    """Thanh Hóa (current and pre-2025), an old district with two communes, their successor,
    a second current commune, and another province."""
    from hotich.places.models import AdministrativeUnit as U

    cur, old = U.Period.CURRENT, U.Period.PRE2025
    th = U.objects.create(
        code="38",
        name="Thanh Hóa",
        type_name="Tỉnh",
        level="province",
        period=cur,
        province_code="38",
    )
    th_old = U.objects.create(
        code="38",
        name="Thanh Hóa",
        type_name="Tỉnh",
        level="province",
        period=old,
        province_code="38",
    )
    dong_son = U.objects.create(
        code="391",
        name="Đông Sơn",
        type_name="Huyện",
        level="district",
        period=old,
        parent=th_old,
        province_code="38",
    )
    dong_van = U.objects.create(
        code="15943",
        name="Đông Văn",
        type_name="Xã",
        level="commune",
        period=old,
        parent=dong_son,
        province_code="38",
    )
    dong_yen = U.objects.create(
        code="15946",
        name="Đông Yên",
        type_name="Xã",
        level="commune",
        period=old,
        parent=dong_son,
        province_code="38",
    )
    new_a = U.objects.create(
        code="15943",
        name="Đông Sơn",
        type_name="Xã",
        level="commune",
        period=cur,
        parent=th,
        province_code="38",
    )
    new_b = U.objects.create(
        code="16000",
        name="Đông Tiến",
        type_name="Xã",
        level="commune",
        period=cur,
        parent=th,
        province_code="38",
    )
    dong_van.successors.add(new_a)
    dong_yen.successors.add(new_a)
    na = U.objects.create(
        code="40",
        name="Nghệ An",
        type_name="Tỉnh",
        level="province",
        period=cur,
        province_code="40",
    )
    vinh = U.objects.create(
        code="16681",
        name="Vinh Phú",
        type_name="Phường",
        level="commune",
        period=cur,
        parent=na,
        province_code="40",
    )
    return {
        "province": th,
        "district": dong_son,
        "old_commune": dong_van,
        "commune": new_a,
        "commune_b": new_b,
        "other_province": na,
        "other_commune": vinh,
    }


@pytest.fixture
def personas(units):
    """One user per role in commune A / province 38, plus outsiders."""
    from hotich.accounts.models import Role, User

    def make(username, role, unit):
        from hotich.accounts.second_factor import totp_device_install

        user = User(username=username, role=role, unit=unit, first_name=username)
        user.set_password(PASSWORD)
        user.save()
        if user.needs_second_factor:
            totp_device_install(user=user, key=TOTP_KEY)
        return user

    return {
        "justice_officer": make("tuphap", Role.JUSTICE_OFFICER, units["commune"]),
        "police_officer": make("congan", Role.POLICE_OFFICER, units["commune"]),
        "helper": make("nhaplieu", Role.HELPER, units["commune"]),
        "team_leader": make("totruong", Role.TEAM_LEADER, units["commune"]),
        "supervisor": make("giamsat", Role.SUPERVISOR, units["province"]),
        "district_supervisor": make("giamsathuyen", Role.SUPERVISOR, units["district"]),
        "inspector": make("thanhtra", Role.INSPECTOR, units["province"]),
        "administrator": make("quantri", Role.ADMINISTRATOR, None),
        "outsider": make("tuphap_khac", Role.JUSTICE_OFFICER, units["commune_b"]),
        "outsider_supervisor": make("giamsat_na", Role.SUPERVISOR, units["other_province"]),
    }


@pytest.fixture
def book(units):
    from hotich.registers.models import RegisterBook

    return RegisterBook.objects.create(
        commune=units["commune"],
        historical_unit=units["old_commune"],
        register_type="KS",
        year_from=2008,
        year_to=2008,
        volume="01/2008",
        pages=200,
        expected_cases=80,
    )


@pytest.fixture
def other_book(units):
    from hotich.registers.models import RegisterBook

    return RegisterBook.objects.create(
        commune=units["commune_b"],
        register_type="KS",
        year_from=2008,
        year_to=2008,
        volume="01/2008",
    )


BIRTH_VALUES = {
    "so": "07",
    "quyenSo": "01/2008",
    "ngayDangKy": "27/08/2008",
    "loaiDangKy": "1",
    "noiDangKy": "UBND xã Đông Văn",
    "nksHoTen": "Nguyễn Thị Phượng",
    "nksGioiTinh": "2",
    "nksNgaySinh": "15/08/2008",
    "meHoTen": "Lê Thị Hoà",
    "chaHoTen": "Nguyễn Văn Hùng",
}


@pytest.fixture
def entry(book, personas):
    from hotich.registers.services import entry_create

    return entry_create(
        book=book,
        user=personas["justice_officer"],
        year=2008,
        number=7,
        page=4,
        registration_date="27/08/2008",
        values=BIRTH_VALUES,
        marks={"nksNoiSinh": "illegible"},
    )


@pytest.fixture
def other_entry(other_book, personas):
    from hotich.registers.services import entry_create

    return entry_create(
        book=other_book,
        user=personas["outsider"],
        year=2008,
        number=1,
        values={"nksHoTen": "Trần Văn Bình"},
    )


@pytest.fixture
def client(client):
    """pytest-django's test client, whose force_login also passes the second factor of the
    roles that require one: force_login means "logged in", as after the whole login."""
    force_login = client.force_login

    def force_login_verified(user, backend=None):
        force_login(user, backend)
        if getattr(user, "needs_second_factor", False):
            second_factor_verify_session(client, user)

    client.force_login = force_login_verified
    return client


@pytest.fixture
def login(client):
    """Return a function that logs the test client in as a user (second factor included)."""

    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real PBKDF2 costs ~0.3 s a password on these machines; tests don't test hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


#: The fixtures through which a test reaches the configured database (the closure of a test's
#: fixtures is checked, so a fixture that asks for ``db`` counts too).
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
    "process_env",
}


def touches_database(item: pytest.Item) -> bool:
    """Return whether ITEM reads or writes the database that ``DATABASE_URL`` names."""
    if item.get_closest_marker("django_db") is not None:
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL run of `make test`, keep only the tests that use the database.

    The others (pure text, dates, the engine, processes that run on SQLite files of their own)
    do the same thing on either run; running them twice only made `make test` longer.
    ``HOTICH_TEST_EVERYTHING=1`` keeps them all.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or os.environ.get("HOTICH_TEST_EVERYTHING") == "1":
        return
    kept = [item for item in items if touches_database(item)]
    dropped = [item for item in items if not touches_database(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file migrated once per test run, for tests that start real `hotich` processes.

    A migration in a child process costs about 12 s of CPU; each such test copies this file
    into its own data directory instead (``tests.migrated.sqlite_data_dir``), which is what `hotich migrate`
    would have left there.
    """
    folder = tmp_path_factory.mktemp("migrated")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"HOTICH_DATA_DIR": str(folder), "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, "-m", "hotich.cli", "migrate", "-v", "0"], env=env, check=True, timeout=600
    )
    return folder / "hotich.sqlite3"
