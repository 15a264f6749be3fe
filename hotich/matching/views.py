"""Pages of the matching engine: the registry lookup (htmx fragment)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from hotich.accounts.capabilities import Capability, require
from hotich.accounts.requests import UserRequest
from hotich.audit.services import audit_citizens_shown
from hotich.matching.engine.decide import BASIC_FIELDS, OUTCOME_LABELS
from hotich.matching.engine.features import PERSON_COLUMNS, PersonInput
from hotich.matching.services import lookup

LOOKUP_FIELDS = PERSON_COLUMNS


@require_GET
def registry_lookup(request: UserRequest) -> HttpResponse:
    """The registry's best candidates for the person typed so far, field by field.

    Called by entry forms as the officer types (htmx). Every lookup is audited with the
    personal IDs it showed.
    """
    require(request, Capability.LOOKUP_REGISTRY, object_repr="tra cứu CSDL dân cư")
    values = {f: request.GET.get(f, "").strip() for f in LOOKUP_FIELDS}
    context: dict = {"values": values, "ready": False}
    # Enough to look up: a name and a birth date (or year) or the mother's name; candidates
    # are found by those (features.BLOCKING_KEYS), sex and the father's name only weigh them.
    if values["full_name"] and any(values[f] for f in ("birth_date", "mother_name")):
        result = lookup(PersonInput(**{k: v for k, v in values.items()}))
        shown = [c.citizen.personal_id for c in result.candidates]
        audit_citizens_shown(request=request, personal_ids=shown, purpose="tra cứu CSDL dân cư")
        context.update(
            ready=True,
            result=result,
            outcome_label=OUTCOME_LABELS[result.decision.outcome],
            differing=[BASIC_FIELDS[f] for f in result.decision.fields],
            # Why, in words (decide.REASONS; the English is in the .po catalogue).
            reason=gettext(result.decision.reason) if result.decision.reason else "",
        )
    template = "matching/_lookup.html" if request.htmx else "matching/lookup.html"
    return render(request, template, context)
