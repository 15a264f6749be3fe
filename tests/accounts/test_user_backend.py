"""The password backend reads the session's user with its unit in one query (every page needs
the unit: the geographic scope, the top bar), and otherwise answers as Django's does."""

from django.conf import settings
from django.urls import reverse

from hotich.accounts.backends import UserBackend
from tests.conftest import PASSWORD


def test_the_user_comes_with_its_unit_in_one_query(personas, django_assert_num_queries):
    helper = personas["helper"]
    with django_assert_num_queries(1):
        user = UserBackend().get_user(helper.pk)
        assert user is not None and user.unit.name == helper.unit.name


def test_an_inactive_or_missing_user_is_nobody(personas):
    helper = personas["helper"]
    helper.is_active = False
    helper.save()
    assert UserBackend().get_user(helper.pk) is None
    assert UserBackend().get_user(10**9) is None


def test_a_login_through_the_page_is_kept_by_this_backend(client, personas):
    helper = personas["helper"]
    page = client.post(
        reverse("login"), {"username": helper.username, "password": PASSWORD, "next": ""}
    )
    assert page.status_code == 302
    assert client.session["_auth_user_backend"] == "hotich.accounts.backends.UserBackend"
    assert "django.contrib.auth.backends.ModelBackend" not in settings.AUTHENTICATION_BACKENDS
    assert client.get(reverse("keying_queue")).status_code == 200
