"""The password backend: Django's, with the user's unit read in the same query.

Every page of a signed-in user reads the user (the session's) and then the unit, which the
geographic scope (:mod:`hotich.accounts.scope`) and the top bar need: one query instead of
two on every request.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    """Django's ModelBackend; the request's user comes with its unit."""

    def get_user(self, user_id: Any) -> Any:
        from hotich.accounts.models import User

        try:
            user = User._default_manager.select_related("unit").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
