"""The web server killed with SIGKILL while officers save corrections at the same time:
every save the server answered is in the database with its audit event, no save
overwrote another (versions count the saves), and the database is intact.

A real `hotich serve` process on its own SQLite database; the saves are review corrections
(docs/exchange.md, "Review and approval") sent by several clients at once, two of them on one entry.
"""

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from tests.migrated import sqlite_data_dir

HOTICH = [sys.executable, "-m", "hotich.cli"]
PASSWORD = "mat-khau-thu-nghiem-2026"
SETUP = f"""
from hotich.accounts.models import Role, User
from hotich.places.models import AdministrativeUnit as U
from hotich.registers.models import RegisterBook as B
from hotich.registers.services import entry_create
c = U.objects.create(code='15943', name='Đông Sơn', type_name='Xã', level='commune',
                     period='current', province_code='38')
u = User(username='tuphap', role=Role.JUSTICE_OFFICER, unit=c)
u.set_password({PASSWORD!r})
u.save()
book = B.objects.create(commune=c, register_type='KS', year_from=2008, year_to=2008,
                        volume='01/2008')
pks = [entry_create(book=book, user=u, year=2008, number=n, status='keyed',
                    values={{'nksHoTen': 'Nguyễn Thị Phượng', 'noiDangKy': 'UBND'}}).pk
       for n in range(1, 4)]
print(pks)
"""
VERSION = re.compile(r'name="version" value="(\d+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Client:
    """A signed-in browser, as far as the server can tell: cookies, CSRF token, htmx header."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.get("/dang-nhap/")
        self.post("/dang-nhap/", {"username": "tuphap", "password": PASSWORD}, htmx=False)

    def _token(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(f"{self.base}{path}", timeout=10) as response:
            return response.status, response.read().decode()

    def post(self, path: str, data: dict, *, htmx: bool = True) -> tuple[int, str]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._token()}).encode()
        request = urllib.request.Request(f"{self.base}{path}", data=body)  # noqa: S310
        request.add_header("X-CSRFToken", self._token())
        if htmx:
            request.add_header("HX-Request", "true")
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def saver(base, entry, name, acknowledged, stop):
    """Save corrections of ENTRY until the server goes away; record those it acknowledged."""
    try:
        client = Client(base)
    except OSError:
        return  # killed while this saver was still logging in: it saved nothing
    version = 1
    for i in range(500):
        if stop.is_set():
            return
        value = f"UBND {name} {i}"
        try:
            status, text = client.post(
                f"/truong-hop/{entry}/ra-soat/sua/",
                {"field": "noiDangKy", "value": value, "version": version},
            )
        except OSError:
            return  # the server is gone
        found = VERSION.search(text)
        version = int(found.group(1)) if found else version
        if status == 200 and 'role="alert"' not in text:
            acknowledged.append((entry, value))


def test_saves_answered_before_the_server_was_killed_are_all_kept(tmp_path, migrated_sqlite):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"HOTICH_DATA_DIR": str(tmp_path), "PYTHONPATH": str(Path(__file__).parents[2])}
    sqlite_data_dir(tmp_path, migrated_sqlite)
    made = subprocess.run(
        [*HOTICH, "shell", "--no-imports", "-c", SETUP],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    entries = json.loads(made.stdout.strip().splitlines()[-1])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*HOTICH, "serve", "--no-migrate", "--port", str(port), "--threads", "6"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{base}/dang-nhap/", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        acknowledged: list[tuple[int, str]] = []
        stop = threading.Event()
        # Two clients on the first entry (they conflict), one on each of the others.
        plan = [(entries[0], "a"), (entries[0], "b"), (entries[1], "c"), (entries[2], "d")]
        threads = [
            threading.Thread(target=saver, args=(base, e, n, acknowledged, stop)) for e, n in plan
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while len(acknowledged) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()

    assert len(acknowledged) >= 40
    db = sqlite3.connect(tmp_path / "hotich.sqlite3")
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    for entry in entries:
        saved = [
            json.loads(changes)["noiDangKy"][1]
            for (changes,) in db.execute(
                "select changes from audit_auditevent where object_type='entry' and "
                "object_id=? and action='update' order by id",
                (str(entry),),
            )
        ]
        values, version = db.execute(
            'select "values", version from registers_entry where id=?', (entry,)
        ).fetchone()
        answered = [v for e, v in acknowledged if e == entry]
        assert set(answered) <= set(saved)  # every answered save is there, audited
        assert version == 1 + len(saved)  # one version per save: none overwrote another
        assert json.loads(values)["noiDangKy"] == (saved[-1] if saved else "UBND")
    db.close()
