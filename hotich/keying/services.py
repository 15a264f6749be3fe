"""Writes of the keying workflow: drafts, saving an entry with its lookup outcomes, setting
entries aside, double keying and arbitration, and the double-keying policy.

The outcomes themselves (recording them, tracking cases, new personal IDs) are applied by
:mod:`hotich.reconciliation.services`. Views call these; nobody else writes keying state. Entry values go through
:func:`hotich.registers.services.entry_create` / ``entry_update`` (optimistic locking).
"""

from __future__ import annotations

import secrets
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hotich.accounts.models import User
from hotich.audit.actor import Actor
from hotich.audit.chain import chain_deferred
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.keying.carry import BOOK_COLUMNS, BOOK_FACTS
from hotich.keying.models import (
    DoubleKeyingPolicy,
    EntryDraft,
    EntryWork,
    KeyingDifference,
    SecondKeying,
)
from hotich.keying.values import entry_number, page_number, typed_values
from hotich.matching.engine.decide import BASIC_FIELDS, OUTCOME_LABELS
from hotich.matching.engine.features import PersonInput
from hotich.matching.services import (
    LookupResult,
    lookup_before_new_id,
    lookup_token,
    person_input,
)
from hotich.reconciliation.services import (
    LOOKUP_ROLES,
    OutcomeReport,
    lookup_ready,
    outcome_apply,
    pending_ids_issue,
    people_look_up_again,
    proposal_of,
    reconciliation_apply,
)
from hotich.registers.checks import entry_year
from hotich.registers.models import Entry, EntryStatus, RegisterBook
from hotich.registers.people import entry_people
from hotich.registers.services import entry_create, entry_status_set, entry_update_people
from hotich.registers.spec import RegisterType

NEW_DRAFT = "new"


# --- drafts -------------------------------------------------------------------------------


def draft_save(*, user: User, book: RegisterBook, key: str, data: dict[str, Any]) -> EntryDraft:
    """Save what USER has typed so far in the form KEY of BOOK; the first save is audited."""
    draft, created = EntryDraft.objects.update_or_create(
        user=user, book=book, key=key, defaults={"data": data}
    )
    if created:
        audit_record(
            user=user,
            action=AuditEvent.Action.CREATE,
            obj=draft,
            object_repr=f"bản nháp: {book} / {key}",
            commune=book.commune,
        )
    return draft


def draft_discard(*, user: User, book: RegisterBook, key: str) -> None:
    EntryDraft.objects.filter(user=user, book=book, key=key).delete()


# --- numbers ------------------------------------------------------------------------------


def entry_meta(book: RegisterBook, values: dict[str, str]) -> dict[str, Any]:
    """Return year, number, page and registration date of an entry from its values."""
    number, _year = entry_number(values.get("so", ""))
    year, reg_date = entry_year(values)
    if year is None:
        year = book.year_from
    return {
        "year": year,
        "number": number or 0,
        "page": page_number(values.get("trangSo", "")),
        "registration_date": reg_date.display() if reg_date is not None else None,
    }


# --- lookup --------------------------------------------------------------------------------


@dataclass
class PersonLookup:
    """The registry lookup of one person of the form, and what the engine proposes."""

    role: str
    label: str
    person: PersonInput
    result: LookupResult
    proposal: str
    outcome_label: str
    differing: list[str] = field(default_factory=list)

    @property
    def token(self) -> str:
        """Return the signed token of this lookup, posted back by the form for the save."""
        return lookup_token(self.person, self.result)


def form_lookups(register: RegisterType, values: dict[str, str]) -> list[PersonLookup]:
    """Return the lookups of the form's people that have enough facts typed."""
    found = []
    for named in entry_people(register, values):
        # One lookup per person a form shows; the save reuses it (``PersonLookup.token``).
        role = named.role
        if role.value not in LOOKUP_ROLES:
            continue
        person = person_input(named)
        if not lookup_ready(person):
            continue
        result = lookup_before_new_id(person)
        label = register.group_label(register.fields_for(role)[0].group)
        found.append(
            PersonLookup(
                role=role.value,
                label=label,
                person=person,
                result=result,
                proposal=proposal_of(result.decision),
                outcome_label=OUTCOME_LABELS[result.decision.outcome],
                differing=[BASIC_FIELDS[f] for f in result.decision.fields],
            )
        )
    return found


# --- saving an entry with its outcomes ---------------------------------------------------


@dataclass
class SaveReport(OutcomeReport):
    """What saving an entry from the form did: the outcomes applied, and whether the entry
    was chosen for a second keying."""

    second_keying: bool = False


def double_keying_policy(book: RegisterBook) -> DoubleKeyingPolicy | None:
    """Return the policy that applies to BOOK, or None (every entry keyed once).

    The book's own policy, else its commune's, else that of a campaign whose scope includes
    the commune: the campaign active today, else the one that started last.
    """
    # One query for the three scopes (a save asks this for every new entry).
    policies = list(
        DoubleKeyingPolicy.objects.filter(
            Q(book=book)
            | Q(commune_id=book.commune_id, book=None, campaign=None)
            | Q(campaign__communes=book.commune_id, book=None)
        )
        .select_related("campaign")
        .order_by("-campaign__start_date", "-campaign_id")
        .distinct()
    )
    own = {p.book_id: p for p in policies if p.campaign_id is None}
    if found := own.get(book.pk) or own.get(None):
        return found
    by_campaign = [p for p in policies if p.campaign_id is not None]
    today = timezone.localdate()
    active = (p for p in by_campaign if p.campaign is not None and p.campaign.is_active_on(today))
    return next(active, None) or next(iter(by_campaign), None)


def needs_second_keying(book: RegisterBook) -> bool:
    policy = double_keying_policy(book)
    if policy is None or policy.mode == DoubleKeyingPolicy.Mode.NONE:
        return False
    if policy.mode == DoubleKeyingPolicy.Mode.ALL:
        return True
    return secrets.randbelow(100) < policy.sample_percent


@transaction.atomic
def keying_save(
    *,
    book: RegisterBook,
    user: User,
    raw_values: dict[str, Any],
    marks: dict[str, str],
    choices: dict[str, str],
    entry: Entry | None = None,
    expected_version: int | None = None,
    aside_reason: str | None = None,
    creation_token: uuid.UUID | None = None,
    actor: Actor | None = None,
    shown: dict[str, str] | None = None,
) -> SaveReport:
    """Save an entry as keyed from the form, then apply the officer's lookup decisions.

    With ASIDE_REASON the entry is saved unfinished ("đang nhập") into the "hard, later"
    queue instead, and no lookup decision is applied.

    ``choices`` maps a role to the officer's choice ("match:<id>", "discrepancy:<id>",
    "not_found" or "review"). A new entry is created as keyed; an existing one is updated if
    nobody saved it since EXPECTED_VERSION (else EntryConflict, nothing written).

    A new entry records CREATION_TOKEN, its form's token, in this transaction: a second
    entry of the same form is refused by the unique index (IntegrityError, nothing written).

    SHOWN maps a role to the token of the lookup the form showed for that person: the save
    reuses it when the person's facts are unchanged, else looks the person up once.
    """
    # The save's audit events are chained together at its end: the audit log's head is
    # then locked only from there to the commit, not for the whole save (chain_deferred).
    with chain_deferred():
        return _keying_save(
            book=book,
            user=user,
            raw_values=raw_values,
            marks=marks,
            choices=choices,
            entry=entry,
            expected_version=expected_version,
            aside_reason=aside_reason,
            creation_token=creation_token,
            actor=actor,
            shown=shown,
        )


def _keying_save(
    *,
    book: RegisterBook,
    user: User,
    raw_values: dict[str, Any],
    marks: dict[str, str],
    choices: dict[str, str],
    entry: Entry | None,
    expected_version: int | None,
    aside_reason: str | None,
    creation_token: uuid.UUID | None,
    actor: Actor | None,
    shown: dict[str, str] | None,
) -> SaveReport:
    register = book.register_type_spec
    values = typed_values(register, raw_values)
    meta = entry_meta(book, values)
    if entry is None:
        entry = entry_create(
            book=book,
            user=user,
            values=values,
            marks=marks,
            status=EntryStatus.KEYED if aside_reason is None else EntryStatus.DRAFT,
            actor=actor,
            **meta,
        )
        # Sampled for a second keying before the work row is written: one insert.
        sampled = aside_reason is None and needs_second_keying(book)
        work = EntryWork.objects.create(
            entry=entry,
            first_keyer=user,
            creation_token=creation_token,
            verification=EntryWork.Verification.WAITING
            if sampled
            else EntryWork.Verification.NOT_NEEDED,
        )
        draft_discard(user=user, book=book, key=NEW_DRAFT)
    else:
        entry, people = entry_update_people(
            entry=entry,
            user=user,
            expected_version=expected_version if expected_version is not None else entry.version,
            values=values,
            marks=marks,
            page=meta["page"],
            registration_date=meta["registration_date"],
            actor=actor,
        )
        Entry.objects.filter(pk=entry.pk).update(year=meta["year"], number=meta["number"])
        work, _new = EntryWork.objects.get_or_create(entry=entry, defaults={"first_keyer": user})
        if aside_reason is None and entry_status_set(
            entry=entry, user=user, old=EntryStatus.DRAFT, new=EntryStatus.KEYED, actor=actor
        ):
            # Finished now: keyed by this officer, and sampled for a second keying now.
            work.first_keyer = user
            if work.verification == EntryWork.Verification.NOT_NEEDED and needs_second_keying(book):
                work.verification = EntryWork.Verification.WAITING
            work.save(update_fields=["first_keyer", "verification"])
        entry.refresh_from_db()
        draft_discard(user=user, book=book, key=str(entry.pk))
        if aside_reason is None:
            # People whose facts the edit changed lost their outcome; the officer's choices
            # below decide those shown on the form, the engine the others.
            chosen = {r for r, c in choices.items() if c}
            people_look_up_again(
                entry=entry,
                roles=[r for r in people.to_reconcile if r not in chosen],
                user=user,
                actor=actor,
            )
    if aside_reason is not None:
        entry_set_aside(entry=entry, user=user, hard=True, reason=aside_reason, actor=actor)
        return SaveReport(entry=entry)
    if work.hard:
        work = entry_set_aside(entry=entry, user=user, hard=False, actor=actor)
    report = SaveReport(
        entry=entry, second_keying=work.verification == EntryWork.Verification.WAITING
    )
    for role, choice in choices.items():
        if choice:
            outcome_apply(
                entry=entry,
                work=work,
                role=role,
                choice=choice,
                user=user,
                actor=actor,
                report=report,
                shown=(shown or {}).get(role, ""),
            )
    # Only the move to "reconciled" changed the entry's row since it was read or written.
    if reconciliation_apply(entry=entry, user=user, actor=actor, work=work):
        entry.refresh_from_db()
    return report


# --- setting entries aside ----------------------------------------------------------------


def entry_set_aside(
    *, entry: Entry, user: User, hard: bool, reason: str = "", actor: Actor | None = None
) -> EntryWork:
    """Put ENTRY in the "hard, later" queue (HARD) or take it back into the normal queue."""
    work, _created = EntryWork.objects.get_or_create(entry=entry)
    old = work.hard
    EntryWork.objects.filter(pk=work.pk).update(hard=hard, hard_reason=reason[:200] if hard else "")
    work.refresh_from_db()
    audit_record(
        actor=actor,
        user=user,
        action=AuditEvent.Action.UPDATE,
        obj=entry,
        changes={"để sau": [old, hard], "lý do": [None, reason]}
        if hard
        else {"để sau": [old, hard]},
    )
    return work


# --- double keying ------------------------------------------------------------------------


def _comparable(value: str) -> str:
    return " ".join(value.split())


def second_keying_submit(
    *,
    entry: Entry,
    user: User,
    raw_values: dict[str, Any],
    marks: dict[str, str],
    actor: Actor | None = None,
) -> list[KeyingDifference]:
    """Record the blind second keying of ENTRY and compare it field by field with the first.

    Return the differences (empty: the entry is verified, and personal IDs that waited are
    issued). Raise ValueError when the second keyer is the first keyer or the entry does
    not wait for a second keying.
    """
    with transaction.atomic():
        work = EntryWork.objects.select_for_update().get(entry=entry)
        if work.verification != EntryWork.Verification.WAITING:
            raise ValueError(_("Trường hợp này không chờ nhập lần hai."))
        if work.first_keyer_id == user.pk:
            raise ValueError(_("Người nhập lần hai phải khác người nhập lần một."))
        register = entry.register_type
        values = typed_values(register, raw_values)
        entry.refresh_from_db()
        names = [f.name for f in register.fields]
        first = {
            n: entry.marks.get(n) and f"#{entry.marks[n]}" or entry.values.get(n, "") for n in names
        }
        second = {n: marks.get(n) and f"#{marks[n]}" or values.get(n, "") for n in names}
        compared = [n for n in names if first[n] or second[n]]
        SecondKeying.objects.create(
            entry=entry, keyer=user, values=values, marks=marks, fields_compared=len(compared)
        )
        differences = [
            KeyingDifference(
                entry=entry,
                field=n,
                first_value=first[n][:500],
                second_value=second[n][:500],
                first_keyer_id=work.first_keyer_id,
                second_keyer=user,
            )
            for n in compared
            if _comparable(first[n]) != _comparable(second[n])
        ]
        KeyingDifference.objects.bulk_create(differences)
        audit_record(
            actor=actor,
            user=user,
            action=AuditEvent.Action.CREATE,
            obj=entry,
            changes={"nhập lần hai": [None, {"khác nhau": [d.field for d in differences]}]},
        )
        if differences:
            EntryWork.objects.filter(pk=work.pk).update(
                verification=EntryWork.Verification.ARBITRATION
            )
            return differences
        EntryWork.objects.filter(pk=work.pk).update(verification=EntryWork.Verification.DONE)
        entry_status_set(
            entry=entry, user=user, old=EntryStatus.KEYED, new=EntryStatus.VERIFIED, actor=actor
        )
    entry.refresh_from_db()
    pending_ids_issue(entry=entry, user=user, actor=actor)
    reconciliation_apply(entry=entry, user=user, actor=actor)
    return []


def difference_arbitrate(
    *, entry: Entry, user: User, decisions: dict[str, str], actor: Actor | None = None
) -> OutcomeReport:
    """Settle every difference of ENTRY with the value read on the scan; mark it verified.

    ``decisions`` maps a field to the value the book really has (``#illegible`` / ``#blank``
    for a mark). Each difference records which keying was wrong, for the error rates.
    """
    with transaction.atomic():
        work = EntryWork.objects.select_for_update().get(entry=entry)
        if work.verification != EntryWork.Verification.ARBITRATION:
            raise ValueError(_("Trường hợp này không chờ phân xử."))
        entry.refresh_from_db()
        differences = list(entry.keying_differences.filter(resolved_at__isnull=True))
        missing = [d.field for d in differences if d.field not in decisions]
        if missing:
            raise ValueError(_("Chưa chọn giá trị cho: %s") % ", ".join(missing))
        values = dict(entry.values)
        marks = dict(entry.marks)
        now = timezone.now()
        register = entry.register_type
        for difference in differences:
            chosen = _comparable(decisions[difference.field])
            if chosen.startswith("#"):
                marks[difference.field] = chosen[1:]
                values.pop(difference.field, None)
            else:
                marks.pop(difference.field, None)
                stored = typed_values(register, {difference.field: chosen})
                if stored:
                    values[difference.field] = stored[difference.field]
                else:
                    values.pop(difference.field, None)
                chosen = values.get(difference.field, "")
            first_ok = _comparable(difference.first_value) == chosen
            second_ok = _comparable(difference.second_value) == chosen
            difference.resolved_value = chosen[:500]
            difference.fault = (
                KeyingDifference.Fault.SECOND
                if first_ok
                else KeyingDifference.Fault.FIRST
                if second_ok
                else KeyingDifference.Fault.BOTH
            )
            difference.resolved_by = user
            difference.resolved_at = now
        KeyingDifference.objects.bulk_update(
            differences, ["resolved_value", "fault", "resolved_by", "resolved_at"]
        )
        entry, people = entry_update_people(
            entry=entry,
            user=user,
            expected_version=entry.version,
            values=values,
            marks=marks,
            actor=actor,
        )
        EntryWork.objects.filter(pk=work.pk).update(verification=EntryWork.Verification.DONE)
        entry_status_set(
            entry=entry, user=user, old=EntryStatus.KEYED, new=EntryStatus.VERIFIED, actor=actor
        )
        # The values read on the scan may change someone's facts: their first-keying outcome
        # no longer holds, so they are looked up again before any personal ID is issued.
        people_look_up_again(entry=entry, roles=people.to_reconcile, user=user, actor=actor)
    entry.refresh_from_db()
    report = pending_ids_issue(entry=entry, user=user, actor=actor)
    reconciliation_apply(entry=entry, user=user, actor=actor)
    return report


# --- the book's usual values ---------------------------------------------------------------

#: Longest usual value kept (a place or a signer's name and title).
USUAL_VALUE_MAX = 200


def book_usual_values_set(
    *, book: RegisterBook, user: User, values: dict[str, str], actor: Actor | None = None
) -> dict[str, str]:
    """Set the usual values of BOOK its new entries' forms carry first (docs/keying.md,
    "Carried over"): keys of :data:`~hotich.keying.carry.BOOK_COLUMNS` the register has and
    of :data:`~hotich.keying.carry.BOOK_FACTS`; an empty value removes the key. Values are
    kept as written (NFC, spaces trimmed); a registration type is stored as its code (a
    label is read as its code). Raise ValueError (Vietnamese) for a value the book could not
    hold; nothing is written then. Return the values now set."""
    register = book.register_type_spec
    names = {f.name for f in register.fields}
    allowed = [k for k in BOOK_COLUMNS if k in names] + list(BOOK_FACTS)
    kept: dict[str, str] = {}
    for key in allowed:
        value = unicodedata.normalize("NFC", (values.get(key) or "").strip())
        if not value:
            continue
        if len(value) > USUAL_VALUE_MAX:
            raise ValueError(
                _("Giá trị quá dài (tối đa %(n)s ký tự): %(value)s")
                % {"n": USUAL_VALUE_MAX, "value": value[:40] + "…"}
            )
        if key in names and (codes := register.field(key).code_list) is not None:
            typed = typed_values(register, {key: value}).get(key, "")
            if typed not in codes.codes:
                raise ValueError(
                    _("“%(value)s” không có trong danh mục %(label)s.")
                    % {"value": value, "label": register.field(key).label}
                )
            value = typed
        kept[key] = value
    old = dict(book.usual_values or {})
    RegisterBook.objects.filter(pk=book.pk).update(usual_values=kept)
    book.usual_values = kept
    audit_record(
        actor=actor,
        user=user,
        action=AuditEvent.Action.UPDATE,
        obj=book,
        commune=book.commune,
        changes={"giá trị thường dùng": [old, kept]},
    )
    return kept


# --- double-keying policy -----------------------------------------------------------------


def policy_set(
    *,
    user: User,
    mode: str,
    sample_percent: int,
    commune: Any = None,
    book: RegisterBook | None = None,
    campaign: Any = None,
    actor: Actor | None = None,
) -> DoubleKeyingPolicy:
    """Set the double-keying policy of one BOOK, one COMMUNE, or one CAMPAIGN (exactly one).

    CAMPAIGN is a ``campaigns.Campaign``: campaigns (above keying) passes its own, keying does
    not import it.

    A book's policy is kept with the book's commune. Return the policy.
    """
    if mode not in DoubleKeyingPolicy.Mode.values:
        raise ValueError(_("Chế độ nhập hai lần không hợp lệ."))
    if not 0 <= sample_percent <= 100:
        raise ValueError(_("Tỉ lệ nhập lại phải từ 0 đến 100%."))
    if book is not None:
        commune = book.commune
    if (campaign is None) == (commune is None):
        raise ValueError(_("Chọn một phạm vi: một sổ, một xã hoặc một kế hoạch."))
    policy, _created = DoubleKeyingPolicy.objects.update_or_create(
        campaign=campaign,
        commune=commune,
        book=book,
        defaults={"mode": mode, "sample_percent": sample_percent, "updated_by": user},
    )
    audit_record(
        actor=actor,
        user=user,
        action=AuditEvent.Action.UPDATE,
        obj=book or campaign or policy,
        commune=commune,
        changes={"nhập hai lần": [None, f"{mode} {sample_percent}%"]},
    )
    return policy
