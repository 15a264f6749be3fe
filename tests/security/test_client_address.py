"""The address recorded is the client's: X-Forwarded-For read only from our own proxies,
from the right; a value that is not an address is stored as unknown, never a failed insert."""

import pytest
from django.test import RequestFactory

from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record, client_ip

PROXIES = ["10.0.0.5", "192.168.50.0/24"]

# (trusted proxies, REMOTE_ADDR, X-Forwarded-For, recorded address)
CASES = [
    ([], "203.0.113.7", "", "203.0.113.7"),
    ([], "10.0.0.5", "198.51.100.1", "10.0.0.5"),  # no proxy trusted: header ignored
    (PROXIES, "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # not from our proxy
    (PROXIES, "10.0.0.5", "198.51.100.1", "198.51.100.1"),
    (PROXIES, "10.0.0.5", "1.1.1.1, 198.51.100.1", "198.51.100.1"),  # leftmost is forged
    (PROXIES, "10.0.0.5", "198.51.100.1, 192.168.50.9", "198.51.100.1"),  # two proxies
    (PROXIES, "10.0.0.5", "2001:DB8::0001", "2001:db8::1"),
    (PROXIES, "10.0.0.5", "", "10.0.0.5"),
    (PROXIES, "10.0.0.5", "192.168.50.9", "10.0.0.5"),  # only proxies: the nearest
    (PROXIES, "10.0.0.5", "unknown", None),
    (PROXIES, "10.0.0.5", "198.51.100.1, <script>", None),
    ([], "", "", None),
    ([], "not-an-address", "", None),
]


@pytest.mark.parametrize(("proxies", "peer", "forwarded", "expected"), CASES)
def test_the_client_address_is_taken_behind_trusted_proxies_only(
    proxies, peer, forwarded, expected, settings
):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize("forwarded", ["unknown", "1.2.3.4.5", "x" * 300, "::g"])
def test_a_forwarded_value_that_is_no_address_is_recorded_as_unknown(forwarded, settings, db):
    settings.TRUSTED_PROXIES = PROXIES
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    request.user = type("Anon", (), {"is_authenticated": False})()
    event = audit_record(request=request, action=AuditEvent.Action.LOGIN_FAILED)
    assert AuditEvent.objects.get(pk=event.pk).ip_address is None


def test_a_request_through_the_proxy_records_the_officer_address(settings, personas, entry, login):
    settings.TRUSTED_PROXIES = PROXIES
    login(personas["justice_officer"]).get(
        f"/truong-hop/{entry.pk}/",
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 172.16.4.20",
    )
    event = AuditEvent.objects.filter(action="view", object_type="entry").latest("seq")
    assert event.ip_address == "172.16.4.20"


def test_hotich_serve_behind_a_trusted_proxy_records_the_officer_address(tmp_path):
    """Through waitress itself (which drops X-Forwarded-For unless told otherwise)."""
    import http.cookiejar
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.parse
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HOTICH_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "hotich.settings",
        "TRUSTED_PROXIES": "127.0.0.1",
        "DEBUG": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "hotich.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        url = f"http://127.0.0.1:{port}/dang-nhap/"
        for _ in range(120):
            try:
                opener.open(url, timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        token = next(c.value for c in jar if c.name == "csrftoken")
        data = urllib.parse.urlencode(
            {"username": "khong-co", "password": "sai", "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            url, data=data, headers={"X-Forwarded-For": "6.6.6.6, 172.16.4.20"}
        )
        opener.open(request, timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=30)
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from hotich.audit.models import AuditEvent; "
            "print(AuditEvent.objects.get(action='login_failed').ip_address)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.strip() == "172.16.4.20"
