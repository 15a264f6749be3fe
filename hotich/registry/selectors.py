"""Registry citizens a user may see: those of their area, or any with a stated purpose."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from hotich.accounts.capabilities import Capability, can, refuse
from hotich.accounts.scope import REFUSED, is_national, unit_area
from hotich.registry.models import Citizen

#: A purpose shorter than this is not a purpose ("xem", "abc").
PURPOSE_MIN_LENGTH = 10


def citizens_for_user(user: Any) -> QuerySet[Citizen]:
    """Return the registry citizens of USER's area of work.

    A citizen is in the area when named in an entry the user may see (reconciled with it,
    its personal ID keyed, or matched to it) or born in the user's unit. Administrators and
    national supervisors and inspectors see all. Anyone else must state a purpose
    (:func:`get_citizen_for_user`), and that purpose is audited.
    """
    from hotich.registers.models import EntryPerson
    from hotich.registers.selectors import entries_for_user

    if not user.is_authenticated or not user.is_active or not user.role:
        return Citizen.objects.none()
    if is_national(user):
        return Citizen.objects.all()
    if user.unit is None:
        return Citizen.objects.none()
    people = EntryPerson.objects.filter(entry__in=entries_for_user(user).values("pk"))
    linked = Q(pk__in=people.filter(citizen__isnull=False).values("citizen_id"))
    keyed = Q(personal_id__in=people.exclude(personal_id="").values("personal_id"))
    matched = Q(personal_id__in=people.exclude(match__personal_id="").values("match__personal_id"))
    return Citizen.objects.filter(
        linked | keyed | matched | unit_area(user.unit, "birthplace_unit")
    ).distinct()


def may_state_purpose(user: Any) -> bool:
    """Return True if USER may open a citizen outside their area by stating why: those who
    look people up in the registry (keying, checking, inspecting)."""
    return can(user, Capability.LOOKUP_REGISTRY)


def get_citizen_for_user(request: HttpRequest, personal_id: str, *, purpose: str = "") -> Citizen:
    """Return the citizen with PERSONAL_ID if in the user's area, or with a PURPOSE stated.

    Raise PermissionDenied (audited, the same for a missing citizen and one outside the
    area) otherwise. The caller records the view with its purpose.
    """
    citizen = citizens_for_user(request.user).filter(personal_id=personal_id).first()
    if (
        citizen is None
        and len(purpose.strip()) >= PURPOSE_MIN_LENGTH
        and may_state_purpose(request.user)
    ):
        citizen = Citizen.objects.filter(personal_id=personal_id).first()
    if citizen is None:
        refuse(request, REFUSED, object_type="citizen", object_id=personal_id)
    return citizen
