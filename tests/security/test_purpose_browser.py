"""The stated-purpose page for a citizen outside the officer's area, in Chromium."""

import pytest

from hotich.audit.models import AuditEvent
from hotich.registry.models import Citizen
from tests.web.test_browser import ARTIFACTS, browser, log_in, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_an_officer_states_a_purpose_then_sees_the_citizen(page, live_server, personas, units):  # noqa: F811
    Citizen.objects.create(
        personal_id="040199054321",
        full_name="Phan Văn Xa",
        name_key="phan van xa",
        sex="1",
        birthplace_unit=units["other_commune"],
    )
    log_in(page, live_server, "tuphap")
    page.goto(f"{live_server.url}/cong-dan/040199054321/")
    assert "Phan Văn Xa" not in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "citizen-purpose.png", full_page=True)
    page.fill("textarea[name=purpose]", "Đối chiếu trường hợp số 07/2008: mẹ sinh tại Nghệ An")
    page.click("[data-testid=purpose-form] button[type=submit]")
    page.wait_for_selector("h1:has-text('Phan Văn Xa')")
    page.screenshot(path=ARTIFACTS / "citizen-after-purpose.png", full_page=True)
    event = AuditEvent.objects.get(action="view", object_id="040199054321")
    assert event.changes["purpose"][1].startswith("Đối chiếu trường hợp số 07/2008")
