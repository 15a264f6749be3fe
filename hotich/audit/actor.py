"""Who does a thing, and from where: what services take instead of a web request.

A view makes one with :meth:`Actor.of` from its request; the worker and the command line
with :meth:`Actor.system`. Services read only these fields, so they run the same from a
page, a background job or a test, and the audit log records the same facts for each.
"""

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Actor:
    """The officer (or nobody, for the system) acting, the client's address and the page."""

    user: Any = None
    address: str | None = None
    path: str = ""
    # The request a view's actor came from, kept only so that a refusal recorded by a
    # service is not recorded a second time by the refusal middleware; never read for data.
    request: HttpRequest | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, request: HttpRequest) -> "Actor":
        """Return the actor of a web request: its logged-in user, client address and path."""
        from hotich.audit.services import client_ip

        user = getattr(request, "user", None)
        return cls(
            user=user if user is not None and user.is_authenticated else None,
            address=client_ip(request),
            path=request.get_full_path()[:300],
            request=request,
        )

    @classmethod
    def system(cls, user: Any = None) -> "Actor":
        """Return the actor of a background job or a command: USER if it acts for one."""
        return cls(user=user)

    @property
    def is_system(self) -> bool:
        return self.request is None and not self.address
