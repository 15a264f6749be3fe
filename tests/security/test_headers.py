"""Headers, production settings, error pages, and no server error for malformed input.

The production settings are those docs/deployment.md gives; `hotich check --deploy` must
pass with them. Every URL is probed with quotes, NUL bytes, huge numbers and SQL fragments
in its query and form: the answer is a page or a clear refusal, never a 500.
"""

import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from hotich.audit.models import AuditEvent
from tests.conftest import PASSWORD

REPO = Path(__file__).resolve().parents[2]


def hotich(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # The embedded default (SQLite in HOTICH_DATA_DIR), whatever database the tests run on.
    dropped = {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "-m", "hotich.cli", *args],
        env={**clean, "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def test_the_documented_production_settings_pass_the_deploy_check(tmp_path):
    docs = (REPO / "docs" / "deployment.md").read_text()
    # The production block of the docs, as an operator would copy it.
    block = re.search(r"```sh\n# production\n(.*?)```", docs, re.S)
    assert block, "docs/deployment.md has no production settings block"
    env = dict(re.findall(r"^export (\w+)=(\S+)", block.group(1), re.M))
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "SECURE_COOKIES"} <= set(env)
    env |= {"SECRET_KEY": secrets.token_urlsafe(50), "HOTICH_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    result = hotich("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_sqlite_database_and_the_secret_key_are_owner_only(tmp_path):
    result = hotich("migrate", "-v", "0", env={"HOTICH_DATA_DIR": str(tmp_path / "var")})
    assert result.returncode == 0, result.stderr
    for name in ("hotich.sqlite3", "secret_key"):
        assert stat.S_IMODE((tmp_path / "var" / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE((tmp_path / "var").stat().st_mode) == 0o700


def test_pages_carry_csp_permissions_policy_and_framing_headers(personas, login):
    response = login(personas["justice_officer"]).get(reverse("home"))
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[\w+/=-]+'", directives["script-src"])
    assert directives["frame-ancestors"] == "'none'" and directives["base-uri"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"] + directives["style-src"]
    # htmx's script tag carries the nonce of this response; no other inline script exists.
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    page = response.content.decode()
    assert f'nonce="{nonce}"' in page
    assert not re.search(r"<script(?![^>]*\b(src|nonce)=)", page)
    assert not re.search(r"\son(change|click|submit|load)=", page)
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_production_sends_hsts_and_redirects_to_https(tmp_path):
    code = (
        "from django.test import Client\n"
        "r = Client().get('/dang-nhap/', secure=True)\n"
        "print(r['Strict-Transport-Security'])\n"
        "print(Client().get('/dang-nhap/').status_code, Client().get('/healthz').status_code)\n"
    )
    env = {
        "HOTICH_DATA_DIR": str(tmp_path),
        "SECURE_COOKIES": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
    }
    result = hotich("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    hsts, statuses = result.stdout.strip().splitlines()[-2:]
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert statuses == "301 200"  # plain HTTP is redirected, except the proxy's probe


def test_an_unknown_page_is_a_vietnamese_404(personas, login, settings):
    settings.DEBUG = False
    response = login(personas["justice_officer"]).get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_a_form_without_its_csrf_token_gets_a_vietnamese_page_and_is_audited(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["justice_officer"])
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "Không gửi được biểu mẫu" in response.content.decode()
    assert AuditEvent.objects.filter(action="denied", object_type="csrf").exists()


def test_the_server_error_page_is_vietnamese(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Lỗi máy chủ" in response.content.decode()


def test_a_malformed_value_gives_a_vietnamese_400(entry, personas, login):
    client = login(personas["justice_officer"])
    response = client.post(
        reverse("entry_review_field", args=[entry.pk]),
        {"field": "nksHoTen", "value": "An", "version": "' OR 1=1--"},
    )
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_the_lookup_with_a_name_and_sex_only_asks_for_more(personas, login):
    client = login(personas["justice_officer"])
    response = client.get(reverse("registry_lookup"), {"full_name": "Nguyễn Văn An", "sex": "1"})
    assert response.status_code == 200
    assert "hoặc tên mẹ để tra cứu" in response.content.decode()


def test_a_lookup_that_gives_no_blocking_key_finds_nobody_without_error(db):
    from hotich.matching.engine.features import PersonInput
    from hotich.matching.services import lookup

    result = lookup(PersonInput(full_name="Nguyễn Văn An", sex="1", birth_date="không rõ"))
    assert result.candidates == ()


PROBES = ["' OR 1=1--", "9" * 25, "a\x00b", "1e400", "%", ""]
HOTICH = REPO / "hotich"
# Every field name a view reads or a page's form sends.
FORM_NAMES = sorted(
    set(
        re.findall(
            r"""(?:GET|POST|source|data)(?:\.get(?:list)?\(|\[)["'](\w+)["']""",
            "\n".join(p.read_text() for p in HOTICH.rglob("*.py")),
        )
    )
    | set(re.findall(r'name="(\w+)"', "\n".join(p.read_text() for p in HOTICH.rglob("*.html"))))
    | {"age", "full_name", "birth_date", "sex", "mother_name", "father_name"}
)


def routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def filled(route: str, pk: int, number: str, text: str = "x") -> str:
    def value(match):
        converter, name = match.group(1) or "str", match.group(2)
        if converter == "int":
            return number if number else str(pk)
        if converter == "uuid":
            return "00000000-0000-0000-0000-000000000000"
        return "038208004321" if name == "personal_id" and text == "x" else text

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


@pytest.mark.parametrize("persona", ["justice_officer", "supervisor"])
def test_no_url_answers_malformed_input_with_a_server_error(persona, personas, entry, client):
    client.raise_request_exception = False
    errors = []
    for route in routes():
        if "dang-xuat" in route or route.startswith("static"):
            continue
        if "<str:" in route or "<slug:" in route:  # text in the path: quotes, NUL, SQL
            for probe in ("' OR 1=1--", "a%00b", "%27", "x" * 300):
                url = filled(route, entry.pk, "", probe)
                client.force_login(personas[persona])
                if client.get(url).status_code >= 500:
                    errors.append(f"GET {url}")
        for number in ("", "9" * 25):  # the path's numbers: a real one, then a huge one
            url = filled(route, entry.pk, number)
            client.force_login(personas[persona])
            for probe in PROBES if not number else ["1"]:
                data = dict.fromkeys(FORM_NAMES, probe)
                for method in ("get", "post") if probe in PROBES[:2] else ("get",):
                    response = getattr(client, method)(url, data)
                    if response.status_code >= 500:
                        errors.append(f"{method.upper()} {url} {probe!r}")
    assert not errors, errors


@pytest.mark.browser
def test_pages_work_under_the_csp_with_no_violation(live_server, personas, entry, book, units):
    from playwright.sync_api import sync_playwright

    from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        problems: list[str] = []
        page.on(
            "console",
            lambda m: problems.append(m.text) if m.type in ("error", "warning") else None,
        )
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )
        page.goto(f"{live_server.url}/dang-nhap/")
        page.fill("input[name=username]", personas["justice_officer"].username)
        page.fill("input[name=password]", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server.url}/")
        # The watch works: an inline handler is blocked and reported.
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<b onclick=\"1\">x</b>')")
        page.click("b >> text=x")
        page.wait_for_timeout(300)
        assert any("CSP violation" in m for m in problems), problems
        problems.clear()
        # htmx: the registry lookup fragment is fetched and swapped in as the officer types.
        page.goto(f"{live_server.url}{reverse('registry_lookup')}")
        page.fill("input[name=full_name]", "Nguyễn Thị Phượng")
        page.fill("input[name=birth_date]", "15/08/2008")
        page.locator(".lookup .outcome").wait_for()
        page.screenshot(path=str(artifacts / "security-csp-lookup.png"), full_page=True)
        for url in (
            reverse("book_list"),
            reverse("book_detail", args=[book.pk]),
            reverse("keying_edit", args=[entry.pk]),
            reverse("entry_review", args=[entry.pk]),
            reverse("keying_quality"),
            reverse("campaigns:progress_index"),
            reverse("campaigns:dashboard", args=[units["commune"].pk]),
        ):
            page.goto(f"{live_server.url}{url}")
            page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts / "security-csp-page.png"), full_page=True)
        # An auto-submitting select (no inline onchange): the language switch still works.
        with page.expect_navigation():
            page.select_option("select[name=language]", "en")
        assert page.locator("html").get_attribute("lang") == "en"
        browser.close()
    assert not [m for m in problems if "Content Security Policy" in m or "CSP" in m], problems
