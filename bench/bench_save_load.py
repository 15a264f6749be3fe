"""Save latency of the keying form under load: many keyers on the real server, on PostgreSQL.

Run: .venv/bin/python bench/bench_save_load.py                      (50 keyers, every 2 s, 60 s)
     .venv/bin/python bench/bench_save_load.py --keyers 20 --duration 30 --reuse

What it does, all on this machine (the load generator shares its cores with the server):

1. a PostgreSQL database (``--database-url``, dropped and created again unless ``--reuse``
   finds the demo in it) gets the demo (``hotich demo``'s ``demo_load``: Thanh Hóa, books of
   every type, a synthetic registry of ``--citizens`` people);
2. N keyer accounts are created (helpers of the demo's communes, ``bench_keyer_NN``, each
   keying a birth book of its commune); a role that needs a second factor is given an
   authenticator and its code is read with the project's own helper (``totp_code_now``);
3. the production server is started as deployment documents it (``hotich serve``: waitress,
   ``--threads``, DEBUG off) on ``--port``;
4. each keyer logs in through the login page (CSRF, password, second factor if asked) and then,
   every ``--interval`` seconds, GETs the new-entry form of its book (the page Ctrl+Enter opens)
   and POSTs a complete birth entry with the form's CSRF token and ``_token``, as the page's own
   save does (``HX-Request``: the answer is ``HX-Redirect``). With ``--check`` it first posts the
   form to the check (the autosave before Ctrl+S), takes the engine's proposal and the signed
   lookup the panel shows, and the save reuses that lookup.

People are demo citizens as written, with one fact changed, or invented, so the three
outcomes occur (attach, tracking case, new personal ID). Measured, in the same run: a
reference phase of one keyer alone (``--reference-duration``), then the N keyers, with a
probe GETting ``/healthz`` every 0.5 s; the load average of the machine is printed (it is
shared). Goal: save p95 ≤ 300 ms with 50 keyers every 2 s (25 saves/s offered).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOAL_MS = 300.0
PASSWORD = "bench-keyer-2026!"  # noqa: S105 - throw-away accounts of a benchmark database
INPUT = re.compile(r'<input[^>]*\bname="([^"]+)"[^>]*>')
VALUE = re.compile(r'\bvalue="([^"]*)"')


def _input_value(html: str, name: str) -> str:
    for tag in re.finditer(r"<input[^>]*>", html):
        if f'name="{name}"' in tag.group(0):
            found = VALUE.search(tag.group(0))
            return _unescape(found.group(1)) if found else ""
    return ""


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


class Browser:
    """One keyer's connection: cookies, CSRF, keep-alive, as a browser tab would."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, method: str, path: str, data: dict[str, str] | None = None, htmx: bool = False
    ) -> tuple[int, dict[str, str], str]:
        headers = {"Host": f"127.0.0.1:{self.port}", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        if htmx:
            headers["HX-Request"] = "true"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _sep, val = cookie.partition("=")
                self.cookies[key.strip()] = val.strip()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text


@dataclass
class Keyer:
    username: str
    book: int
    volume: str
    year: int
    code: Any  # () -> the second-factor code now, or None
    browser: Browser | None = None
    number: int = 0


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)

    def time(self, name: str, seconds: float) -> None:
        with self.lock:
            self.times.setdefault(name, []).append(seconds)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1

    def outcome(self, kind: str) -> None:
        with self.lock:
            self.outcomes[kind] = self.outcomes.get(kind, 0) + 1


def login(keyer: Keyer, port: int) -> None:
    browser = Browser(port)
    _status, _h, html = browser.request("GET", "/dang-nhap/")
    csrf = _input_value(html, "csrfmiddlewaretoken")
    status, headers, html = browser.request(
        "POST",
        "/dang-nhap/",
        {"csrfmiddlewaretoken": csrf, "username": keyer.username, "password": PASSWORD, "next": ""},
    )
    if status != 302:
        raise RuntimeError(f"{keyer.username}: login answered {status}")
    if "/xac-thuc/" in headers.get("location", ""):
        _status, _h, html = browser.request("GET", "/xac-thuc/")
        csrf = _input_value(html, "csrfmiddlewaretoken")
        status, headers, _html = browser.request(
            "POST", "/xac-thuc/", {"csrfmiddlewaretoken": csrf, "token": keyer.code()}
        )
        if status != 302:
            raise RuntimeError(f"{keyer.username}: second factor answered {status}")
    keyer.browser = browser


def entry_values(
    person: dict[str, str], keyer: Keyer, n: int, rng: random.Random
) -> dict[str, str]:
    """A complete birth entry of the book: the person as written, changed, or invented."""
    kind = n % 3
    name = person["full_name"] if kind != 2 else f"{person['family_name']} Thị Tảiso{n}"
    return {
        "so": f"{keyer.number:02d}",
        "quyenSo": keyer.volume,
        "trangSo": str(1 + keyer.number // 4),
        "ngayDangKy": f"02/01/{keyer.year}",
        "loaiDangKy": "1",
        "noiDangKy": "UBND xã Bench",
        "nksHoTen": name,
        "nksGioiTinh": person["sex"],
        "nksNgaySinh": person["birth_date"],
        "nksNoiSinh": person["birthplace"],
        "nksDanToc": person["ethnicity"] if kind == 0 else rng.choice(["Tày", "Mường", "Thái"]),
        "nksQuocTich": "Việt Nam",
        "nksLoaiKhaiSinh": "1",
        "meHoTen": person["mother_name"],
        "meNgaySinh": "1980",
        "meDanToc": "Kinh",
        "chaHoTen": person["father_name"],
        "chaNgaySinh": "1978",
        "chaDanToc": "Kinh",
        "nguoiKy": "Nguyễn Văn Ký",
        "chucVuNguoiKy": "Chủ tịch",
        "nguoiThucHien": keyer.username,
    }


def cycle(
    keyer: Keyer, person: dict[str, str], n: int, tally: Tally, check: bool, rng: random.Random
) -> None:
    """GET the new-entry form, (check,) save a complete entry: one entry keyed."""
    browser = keyer.browser
    assert browser is not None
    new = f"/nhap/so/{keyer.book}/moi/"
    t0 = time.perf_counter()
    status, _h, html = browser.request("GET", new)
    tally.time("form GET", time.perf_counter() - t0)
    if status != 200:
        tally.error(f"form GET {status}")
        return
    keyer.number += 1
    data = entry_values(person, keyer, n, rng)
    data["csrfmiddlewaretoken"] = _input_value(html, "csrfmiddlewaretoken")
    data["_token"] = _input_value(html, "_token")
    data["_action"] = "save"
    data["_confirm"] = "1"
    if check:
        t0 = time.perf_counter()
        status, _h, panel = browser.request(
            "POST", f"/nhap/so/{keyer.book}/kiem-tra/", data, htmx=True
        )
        tally.time("check", time.perf_counter() - t0)
        if status != 200:
            tally.error(f"check {status}")
        else:
            engine = _input_value(panel, "_engine:subject")
            if engine:
                data["_engine:subject"] = data["_choice:subject"] = engine
                data["_lookup:subject"] = _input_value(panel, "_lookup:subject")
    t0 = time.perf_counter()
    status, headers, _html = browser.request("POST", new, data, htmx=True)
    tally.time("save", time.perf_counter() - t0)
    if status == 200 and "hx-redirect" in headers:
        tally.outcome(data.get("_engine:subject", "").split(":")[0] or "decided by the save")
    else:
        tally.error(f"save {status}")


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) process PID and its children (the server
    processes of ``--processes``) used so far."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += sum(int(v) for v in fields[11:13]) / os.sysconf("SC_CLK_TCK")
    return total


def drive(
    keyers: list[Keyer],
    people: list[dict[str, str]],
    *,
    interval: float,
    duration: float,
    check: bool,
    probe: bool,
) -> tuple[Tally, float, list[float]]:
    """Each keyer keys one entry every INTERVAL seconds for DURATION seconds."""
    tally = Tally()
    start = time.perf_counter() + 0.5
    stop = start + duration
    counter = iter(range(10**9))
    counter_lock = threading.Lock()
    loads: list[float] = []

    def run(keyer: Keyer, offset: float, seed: int) -> None:
        rng = random.Random(seed)
        due = start + offset
        while True:
            now = time.perf_counter()
            if due >= stop:
                return
            if due > now:
                time.sleep(due - now)
            with counter_lock:
                n = next(counter)
            try:
                cycle(keyer, people[n % len(people)], n, tally, check, rng)
            except (OSError, http.client.HTTPException) as exc:
                tally.error(type(exc).__name__)
            # Every INTERVAL from the keyer's start; a keyer behind starts at once (no burst).
            due = max(due + interval, time.perf_counter())

    def health() -> None:
        browser = Browser(keyers[0].browser.port if keyers[0].browser else 0)
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            browser.request("GET", "/healthz")
            tally.time("healthz", time.perf_counter() - t0)
            time.sleep(0.5)

    def sample_load() -> None:
        while time.perf_counter() < stop:
            loads.append(os.getloadavg()[0])
            time.sleep(5)

    threads = [
        threading.Thread(target=run, args=(k, interval * i / len(keyers), i), daemon=True)
        for i, k in enumerate(keyers)
    ]
    if probe:
        threads.append(threading.Thread(target=health, daemon=True))
    threads.append(threading.Thread(target=sample_load, daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + 120)
    elapsed = duration  # saves started within the phase, over its length
    return tally, elapsed, loads


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    return {
        "n": len(ordered),
        "p50": at(0.5),
        "p95": at(0.95),
        "p99": at(0.99),
        "mean": 1000 * statistics.fmean(ordered) if ordered else 0.0,
    }


def report(
    title: str, tally: Tally, elapsed: float, loads: list[float], cpu: float, client: float
) -> dict[str, float]:
    saves = sum(tally.outcomes.values())
    print(f"\n{title}: {elapsed:.0f} s, {saves} saves = {saves / elapsed:.1f} saves/s")
    cycles = len(tally.times.get("save", []))
    if cycles:
        # The server's own CPU per entry keyed (form GET, check, save): what the machine's
        # other load does not change; one process (one interpreter) serves at most
        # 1000 / this entries per second on a core of its own.
        # (The database server's own CPU is not counted.)
        print(
            f"  server CPU: {cpu:.1f} s = {1000 * cpu / cycles:.0f} ms per entry keyed "
            f"({cpu / elapsed:.2f} cores on average)"
        )
        # The load generator shares the cores: its own CPU is part of what the machine does.
        print(
            f"  load generator CPU: {client:.1f} s = {1000 * client / cycles:.0f} ms per entry "
            f"keyed ({client / elapsed:.2f} cores on average)"
        )
    for name in ("save", "check", "form GET", "healthz"):
        if name in tally.times:
            p = percentiles(tally.times[name])
            print(
                f"  {name:<9} n={p['n']:5.0f}  p50 {p['p50']:7.1f} ms  p95 {p['p95']:7.1f} ms  "
                f"p99 {p['p99']:7.1f} ms  mean {p['mean']:7.1f} ms"
            )
    print(f"  errors: {tally.errors or 'none'}")
    print(f"  outcomes: {tally.outcomes}")
    if loads:
        print(f"  load average (1 min) during the phase: {min(loads):.1f}–{max(loads):.1f}")
    return percentiles(tally.times.get("save", []))


def database_reset(url: str) -> None:
    """Drop and create the database of URL (connecting to its server's "postgres" db)."""
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(args: argparse.Namespace) -> tuple[list[Keyer], list[dict[str, str]]]:
    """The demo database, the keyer accounts and the people to key (in this process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotich.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from hotich.accounts.models import Role, User
    from hotich.accounts.second_factor import totp_code_now, totp_device_install
    from hotich.demo.load import demo_load
    from hotich.registers.models import RegisterBook
    from hotich.registry.models import Citizen

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="nhaplieu").exists():
        started = time.perf_counter()
        demo = demo_load(province_code="38", citizens=args.citizens)
        print(
            f"demo: {demo.citizens:,} citizens, {demo.books} books, {demo.entries} entries "
            f"(loaded in {time.perf_counter() - started:.0f} s)"
        )
    communes = list(
        User.objects.filter(username__in=["nhaplieu", "tuphap2"]).values_list("unit", flat=True)
    )
    books = {
        unit: list(
            RegisterBook.objects.filter(
                commune=unit, register_type="KS", already_electronic=False
            ).exclude(condition="lost")
        )
        for unit in communes
    }
    keyers = []
    for i in range(args.keyers):
        unit = communes[i % len(communes)]
        username = f"bench_keyer_{i + 1:02d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=Role.HELPER, unit_id=unit, first_name=username)
        user.set_password(PASSWORD)
        user.is_active = True
        user.save()
        device = (
            totp_device_install(user=user, key=os.urandom(20).hex())
            if user.needs_second_factor
            else None
        )
        book = books[unit][(i // len(communes)) % len(books[unit])]

        def code(device: Any = device) -> str | None:
            return totp_code_now(device) if device is not None else None

        keyers.append(
            Keyer(username, book.pk, book.volume, book.year_from, code, number=1000 * (i + 1))
        )
    people = [
        {
            "full_name": c.full_name,
            "family_name": c.family_name,
            "sex": c.sex,
            "birth_date": c.birth_date.display() if c.birth_date else "",
            "birthplace": c.birthplace,
            "ethnicity": c.ethnicity,
            "mother_name": c.mother_name,
            "father_name": c.father_name,
        }
        for c in Citizen.objects.filter(birth_date__isnull=False).order_by("?")[:5000]
    ]
    from django.db import connections

    connections.close_all()
    return keyers, people


def serve(args: argparse.Namespace, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "0",
        "WEB_THREADS": str(args.threads),
        "WEB_PROCESSES": str(args.processes),
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(  # noqa: S603 - our own command
        [str(ROOT / ".venv/bin/hotich"), "serve", "--host", "127.0.0.1", "--port", str(args.port)],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(240):
        time.sleep(0.5)
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            continue
    raise RuntimeError("the server did not answer /healthz in 120 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/hotich_bench_save_load"
    )
    parser.add_argument(
        "--data-dir", default=str(Path(tempfile.gettempdir()) / "hotich-bench-save-load")
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database if it has the demo")
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--keyers", type=int, default=50)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--reference-duration", type=float, default=20.0)
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (WEB_THREADS)")
    parser.add_argument("--processes", type=int, default=1, help="server processes (WEB_PROCESSES)")
    parser.add_argument("--check", action="store_true", help="post the check before each save")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["HOTICH_DATA_DIR"] = args.data_dir
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    if not args.reuse:
        database_reset(args.database_url)
    keyers, people = prepare(args)
    log = Path(args.data_dir) / "server.log"
    server = serve(args, log)
    try:
        for keyer in keyers:
            login(keyer, args.port)
        print(
            f"server: hotich serve (waitress, {args.processes} × {args.threads} threads), "
            "PostgreSQL; "
            f"{len(keyers)} keyers logged in; {os.cpu_count()} cores; "
            f"load average before: {os.getloadavg()[0]:.1f}"
        )
        # Warm up: the first requests load the matching model and fill caches.
        drive(keyers[:2], people, interval=0.3, duration=3, check=args.check, probe=False)
        cpu, client = cpu_seconds(server.pid), time.process_time()
        tally, elapsed, loads = drive(
            keyers[:1],
            people,
            interval=args.interval,
            duration=args.reference_duration,
            check=args.check,
            probe=True,
        )
        cpu, used = cpu_seconds(server.pid), cpu_seconds(server.pid) - cpu
        client, client_used = time.process_time(), time.process_time() - client
        alone = report("reference: 1 keyer", tally, elapsed, loads, used, client_used)
        tally, elapsed, loads = drive(
            keyers,
            people,
            interval=args.interval,
            duration=args.duration,
            check=args.check,
            probe=True,
        )
        offered = len(keyers) / args.interval
        loaded = report(
            f"{len(keyers)} keyers, one save every {args.interval:g} s "
            f"({offered:.0f} saves/s offered{', check before each save' if args.check else ''})",
            tally,
            elapsed,
            loads,
            cpu_seconds(server.pid) - cpu,
            time.process_time() - client,
        )
        verdict = "ok" if loaded["p95"] <= GOAL_MS else "ABOVE GOAL"
        print(
            f"\nsave p95 {loaded['p95']:.0f} ms vs goal {GOAL_MS:.0f} ms: {verdict}; "
            f"alone p95 {alone['p95']:.0f} ms"
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
