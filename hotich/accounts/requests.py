"""The request type our views receive, for the type checker.

``LoginRequiredMiddleware`` lets only logged-in users reach a view (the few views marked
``login_not_required`` take a plain ``HttpRequest``), and django-htmx's middleware adds
``request.htmx`` to every request. Nothing here runs: a view annotated ``UserRequest`` gets
the same ``HttpRequest`` object as before.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from hotich.accounts.models import User


class UserRequest(HttpRequest):
    """A request of a logged-in officer, with django-htmx's details."""

    user: User
    htmx: HtmxDetails
