"""The top bar's links are written once per language and capabilities (base.html's
``{% cache %}``): each user still sees exactly the links of their own capabilities, in their
own language, whoever's page was written before in the same process."""

import pytest
from django.conf import settings
from django.urls import reverse

from hotich.accounts.capabilities import Capability, can

#: A link of the top bar → the capability it needs (None: every signed-in user).
LINKS = {
    "keying_queue": Capability.KEY,
    "import_upload": Capability.KEY,
    "audit_search": Capability.READ_AUDIT,
    "account_list": Capability.MANAGE_ACCOUNTS,
    "book_list": None,
}
PERSONAS = ["helper", "inspector", "administrator", "police_officer", "helper"]


def _nav(client) -> str:
    page = client.get(reverse("home"))
    assert page.status_code == 200
    html = page.content.decode()
    return html[html.index("<nav") : html.index("</nav>")]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_user_sees_the_links_of_their_own_capabilities(personas, login, language):
    for name in PERSONAS:
        user = personas[name]
        client = login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        nav = _nav(client)
        for url_name, capability in LINKS.items():
            shown = f'href="{reverse(url_name)}"' in nav
            assert shown == (capability is None or can(user, capability)), (name, url_name)
        # The links' words are the page's language.
        assert ("Home" in nav) == (language == "en") and ("Trang chủ" in nav) == (language == "vi")


def test_the_user_part_of_the_top_bar_is_each_users_own(personas, login):
    for name in ("helper", "inspector"):
        page = login(personas[name]).get(reverse("home")).content.decode()
        assert f'<span data-testid="user-name">{personas[name]}</span>' in page
