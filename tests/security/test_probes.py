"""Cross-commune and cross-province probes of every URL that names an object.

The URL patterns come from Django's resolver, so a new URL with an object id is probed
automatically (and fails until its id arguments are described in TARGETS). Each probe asks
for an object of another commune or another province, and for a missing one: both must be
refused the same way (same status, same message), each refusal audited, and nothing of the
foreign object may appear in the answer. Every URL answers alike, too: HTTP 403 with the one
message of a missing or foreign object, or the refusal of a capability the prober lacks
(hotich.accounts.capabilities). Per-area tallies are printed after the run.
"""

import datetime
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hotich.audit.models import AuditEvent
from tests.security.conftest import TALLY

SECRET = "Hoàng Bí Mật"
SECRET_ID = "040199012345"
MISSING_INT = 999_999_999

# URL name -> its arguments: an object kind (filled per probe) or a fixed value.
BOOK, ENTRY, UNIT = {"pk": "book"}, {"pk": "entry"}, {"pk": "unit"}
TARGETS: dict[str, dict[str, object]] = {
    "book_detail": BOOK,
    "book_reconcile": BOOK,
    "book_exports": BOOK,
    "book_export_start": BOOK,
    "book_scans": BOOK,
    "book_scan_upload": BOOK,
    "book_review": BOOK,
    "book_review_action": BOOK,
    "keying_book": BOOK,
    "keying_new": BOOK,
    "keying_check": BOOK,
    "keying_policy": BOOK,
    "keying_usual": BOOK,
    "campaigns:inventory_book_edit": BOOK,
    "book_scan_split": {"pk": "book", "source": "scansource"},
    "book_scan_page": {"pk": "book", "source": "scansource", "page": 1},
    "entry_detail": ENTRY,
    "entry_extract": ENTRY,
    "entry_review": ENTRY,
    "entry_review_field": ENTRY,
    "entry_review_action": ENTRY,
    "entry_scan_upload": ENTRY,
    "keying_edit": ENTRY,
    "keying_aside": ENTRY,
    "keying_second": ENTRY,
    "keying_arbitrate": ENTRY,
    "scan_page": {"pk": "scan", "page": 1},
    "scan_file": {"pk": "scan", "part": "pdf"},
    "citizen_detail": {"personal_id": "citizen"},
    "job_download": {"pk": "job"},
    "tracking_case": {"pk": "trackingcase"},
    "tracking_notice": {"pk": "trackingcase"},
    "tracking_assign": {"pk": "trackingcase"},
    "tracking_close": {"pk": "trackingcase"},
    "import_detail": {"pk": "importrun"},
    "import_mapping": {"pk": "importrun"},
    "import_report": {"pk": "importrun"},
    "import_mapping_preview": {"pk": "importrun"},
    "mapping_edit": {"pk": "columnmapping"},
    "mapping_preview": {"pk": "columnmapping"},
    "mapping_delete": {"pk": "columnmapping"},
    "export_download": {"pk": "bookexport", "part": "excel"},
    "campaigns:dashboard": UNIT,
    "campaigns:dashboard_table": {"pk": "unit", "key": "so"},
    "campaigns:dashboard_export": {"pk": "unit", "key": "so"},
    "campaigns:dashboard_refresh": UNIT,
    "campaigns:inventory": UNIT,
    "campaigns:inventory_export": {"pk": "unit", "key": "so"},
    "campaigns:campaign_detail": {"pk": "campaign"},
    "campaigns:campaign_table": {"pk": "campaign", "key": "xa"},
    "campaigns:campaign_export": {"pk": "campaign", "key": "xa"},
    "campaigns:campaign_target": {"pk": "campaign"},
    "campaigns:campaign_shift": {"pk": "campaign"},
    "campaigns:campaign_double_keying": {"pk": "campaign"},
    "campaigns:campaign_team": {"pk": "campaign"},
    "campaigns:team_detail": {"pk": "team"},
    "campaigns:team_member": {"pk": "team"},
    "campaigns:team_books": {"pk": "team"},
    "campaigns:report_edit": {"pk": "report"},
    "campaigns:report_word": {"pk": "report"},
    "campaigns:report_appendix": {"pk": "report"},
    "campaigns:report_submit": {"pk": "report"},
    "account_edit": {"pk": "user"},
    "account_password": {"pk": "user"},
    "account_active": {"pk": "user"},
    "account_unlock": {"pk": "user"},
    "account_second_factor_reset": {"pk": "user"},
}


def _patterns(patterns=None, namespace: str = ""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, f"{p.namespace}:" if p.namespace else namespace)
        elif isinstance(p, URLPattern) and p.pattern.converters:
            yield f"{namespace}{p.name}"


URLS_WITH_IDS = sorted(set(_patterns()))

# Area probed -> the personas of commune A / province 38 who must not reach it.
AREAS = {
    "xã khác, cùng tỉnh": ("justice_officer", "helper", "team_leader"),
    "tỉnh khác": ("justice_officer", "supervisor", "district_supervisor", "inspector"),
}


def test_every_url_with_an_object_id_is_probed():
    assert sorted(set(URLS_WITH_IDS) - set(TARGETS)) == [], "add these URLs to TARGETS"
    assert sorted(set(TARGETS) - set(URLS_WITH_IDS)) == [], "these URLs no longer exist"


def _world(commune, owner) -> dict[str, object]:
    """Every kind of object, in COMMUNE, made by OWNER; returns kind -> URL argument."""
    from hotich.accounts.models import Role, User
    from hotich.campaigns.models import Team, WeeklyReport
    from hotich.campaigns.services import campaign_create, local_today
    from hotich.exchange.models import BookExport, ColumnMapping, ImportRun
    from hotich.jobs.models import Job
    from hotich.reconciliation.models import TrackingCase
    from hotich.registers.models import EntryPerson, RegisterBook, Scan
    from hotich.registers.services import entry_create
    from hotich.registry.models import Citizen
    from hotich.review.models import BookScanSource

    book = RegisterBook.objects.create(
        commune=commune, register_type="KS", year_from=2010, year_to=2010, volume="01/2010"
    )
    entry = entry_create(
        book=book, user=owner, year=2010, number=3, values={"nksHoTen": SECRET, "so": "03"}
    )
    citizen = Citizen.objects.create(
        personal_id=SECRET_ID if commune.province_code == "40" else "038199012345",
        full_name=SECRET,
        name_key="hoang bi mat",
        sex="1",
        birthplace_unit=commune,
    )
    EntryPerson.objects.filter(entry=entry).update(citizen=citizen)
    today = local_today()
    campaign = campaign_create(
        user=owner,
        unit=commune,
        name="Kế hoạch của xã khác",
        start_date=today,
        end_date=today + datetime.timedelta(days=30),
        communes=[commune],
    )
    digest = "0" * 64
    return {
        "book": book.pk,
        "entry": entry.pk,
        "unit": commune.pk,
        "citizen": citizen.personal_id,
        "scan": Scan.objects.create(
            entry=entry,
            file="x.pdf",
            original_name="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256=digest,
        ).pk,
        "scansource": BookScanSource.objects.create(
            book=book, file="q.pdf", original_name="q.pdf", size=1, sha256=digest, pages=1
        ).pk,
        "bookexport": BookExport.objects.create(
            book=book, kind="ministry", user=owner, workbook="x.xlsx"
        ).pk,
        "importrun": ImportRun.objects.create(
            file="x.xlsx",
            original_name="x.xlsx",
            sha256=digest,
            user=owner,
            book=book,
            report="r.xlsx",
        ).pk,
        "columnmapping": ColumnMapping.objects.create(
            name=SECRET,
            register_type="KS",
            signature="0" * 32,
            headers=[SECRET],
            columns={SECRET: "nksHoTen"},
            fixed={"noiDangKy": SECRET},
            commune=commune,
            created_by=owner,
        ).pk,
        "campaign": campaign.pk,
        "team": Team.objects.create(campaign=campaign, commune=commune, name="Tổ 1").pk,
        "report": WeeklyReport.objects.create(
            unit=commune, week_start=today - datetime.timedelta(days=today.weekday()), place="X"
        ).pk,
        "trackingcase": TrackingCase.objects.create(
            entry=entry, role="subject", commune=commune
        ).pk,
        "job": Job.objects.create(id=uuid.uuid4(), user=owner, label="x").pk,
        "user": User.objects.create_user(
            f"canbo_{commune.pk}", password="x", role=Role.JUSTICE_OFFICER, unit=commune
        ).pk,
    }


KINDS = {
    "book",
    "entry",
    "unit",
    "citizen",
    "scan",
    "scansource",
    "bookexport",
    "importrun",
    "columnmapping",
    "campaign",
    "team",
    "report",
    "trackingcase",
    "job",
    "user",
}
MISSING = {"citizen": "040199099999", "job": uuid.UUID(int=1)}


@pytest.fixture
def worlds(units, personas):
    from hotich.accounts.models import Role, User

    far = User.objects.create(
        username="tuphap_na", role=Role.JUSTICE_OFFICER, unit=units["other_commune"]
    )
    return {
        "xã khác, cùng tỉnh": _world(units["commune_b"], personas["outsider"]),
        "tỉnh khác": _world(units["other_commune"], far),
    }


def _url(name: str, objects: dict[str, object] | None) -> str:
    kwargs = {}
    for arg, what in TARGETS[name].items():
        if what in KINDS:
            kwargs[arg] = objects[what] if objects else MISSING.get(what, MISSING_INT)
        else:
            kwargs[arg] = what
    return reverse(name, kwargs=kwargs)


def _ask(client, url: str):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response


def _answer(response) -> tuple[int, str]:
    message = (response.context or {}).get("message", "") if response.context else ""
    return response.status_code, str(message)


#: URLs whose refusal is a form asking why (the same form for a missing citizen).
ASKS_PURPOSE = {"citizen_detail"}


def _refusals() -> set[str]:
    """The answers a probe may get: the one refusal of an object, or a capability's."""
    from hotich.accounts.capabilities import REFUSALS
    from hotich.accounts.scope import REFUSED

    return {REFUSED, *(str(message) for message in REFUSALS.values())}


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@pytest.mark.parametrize("name", URLS_WITH_IDS)
def test_objects_of_another_area_are_refused_like_missing_ones_and_audited(
    name, worlds, personas, client
):
    failures = []
    for area, probers in AREAS.items():
        for persona in probers:
            user = personas[persona]
            client.force_login(user)
            answers = []
            for objects in (worlds[area], None):
                denied = AuditEvent.objects.filter(action="denied", username=user.username)
                before = denied.count()
                response = _ask(client, _url(name, objects))
                body = _body(response)
                refused = response.status_code in (403, 404)
                leaked = SECRET in body or (objects is not None and not refused)
                audited = denied.count() > before
                if objects is not None:
                    TALLY[area, "attempts"] += 1
                    TALLY[area, "refused"] += refused
                    TALLY[area, "audited"] += refused and audited
                    TALLY[area, "leaked"] += leaked
                if not refused or leaked or not audited:
                    which = "foreign" if objects else "missing"
                    failures.append(
                        f"{persona} {which}: HTTP {response.status_code} "
                        f"leaked={leaked} audited={audited}"
                    )
                answers.append(_answer(response))
            if answers[0] != answers[1]:
                failures.append(f"{persona}: foreign {answers[0]} but missing {answers[1]}")
            asks_purpose = name in ASKS_PURPOSE and answers[0] == (403, "")
            if answers[0][0] != 403 or (answers[0][1] not in _refusals() and not asks_purpose):
                failures.append(f"{persona}: not the one refusal: {answers[0]}")
    assert failures == []


@pytest.mark.parametrize("name", ["book_scan_split", "book_scan_page"])
def test_another_book_s_pdf_under_one_s_own_book_is_refused_like_a_missing_one(
    name, client, personas, book, other_book
):
    from hotich.accounts.scope import REFUSED
    from hotich.review.models import BookScanSource

    foreign = BookScanSource.objects.create(
        book=other_book, file="q.pdf", original_name="q.pdf", size=1, sha256="0" * 64, pages=1
    )
    officer = personas["justice_officer"]
    client.force_login(officer)
    answers = []
    for source in (foreign.pk, MISSING_INT):
        kwargs = {"pk": book.pk, "source": source} | ({"page": 1} if "page" in name else {})
        denied = AuditEvent.objects.filter(action="denied", username=officer.username)
        before = denied.count()
        answers.append(_answer(_ask(client, reverse(name, kwargs=kwargs))))
        assert denied.count() == before + 1
    assert answers == [(403, REFUSED), (403, REFUSED)]
