"""Writes of the keying workflow: drafts, saving an entry with its lookup outcomes, setting
entries aside, double keying and arbitration, and the tracking list.

Views call these; nobody else writes keying state. Entry values go through
:func:`hotich.registers.services.entry_create` / ``entry_update`` (optimistic locking).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hotich.accounts.models import User
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.campaigns.models import Campaign
from hotich.keying.models import (
    DoubleKeyingPolicy,
    EntryDraft,
    EntryWork,
    KeyingDifference,
    SecondKeying,
    TrackingCase,
)
from hotich.keying.values import entry_number, page_number, typed_values
from hotich.matching.decide import (
    BASIC_FIELDS,
    OUTCOME_LABELS,
    Candidate,
    Decision,
    differing_fields,
)
from hotich.matching.features import PersonInput, person_features
from hotich.matching.models import MatchResult
from hotich.matching.services import (
    SKIPPED_ROLES,
    LookupResult,
    NewIdSearch,
    book_reconcile,
    citizen_features,
    entry_person_input,
    issue_lock,
    lookup_before_new_id,
    match_result_record,
    new_id_search,
    person_input,
)
from hotich.registers.checks import entry_year
from hotich.registers.locks import BookBusy, book_lock
from hotich.registers.models import Entry, EntryPerson, EntryStatus, RegisterBook
from hotich.registers.people import entry_people
from hotich.registers.services import (
    PeopleSync,
    entry_create,
    entry_status_set,
    entry_update_people,
    personal_ids_had,
)
from hotich.registers.spec import RegisterType
from hotich.registry.models import Citizen, Sex
from hotich.registry.services import PersonalIdIssueError, personal_id_issue

#: People looked up as the officer types: those the entry registers, not the requester, and
#: not the parents of a birth (they are reconciled with the book in batch).
LOOKUP_ROLES = ("subject", "husband", "wife", "deceased", "parent", "child", "adoptee")
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


def next_entry_number(book: RegisterBook, year: int) -> int:
    """Return the number after the highest keyed in BOOK for YEAR (1 for an empty year)."""
    top = Entry.objects.filter(book=book, year=year).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


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


def proposal_of(decision: Decision) -> str:
    """Return the engine's proposal as a form choice: "match:<id>", "not_found", …"""
    if decision.outcome in ("match", "discrepancy") and decision.personal_id:
        return f"{decision.outcome}:{decision.personal_id}"
    return decision.outcome


def lookup_ready(person: PersonInput) -> bool:
    """A name and any of birth date, sex or a parent's name: enough to look up."""
    return bool(person.full_name) and any(
        (person.birth_date, person.sex, person.father_name, person.mother_name)
    )


def form_lookups(register: RegisterType, values: dict[str, str]) -> list[PersonLookup]:
    """Return the lookups of the form's people that have enough facts typed."""
    found = []
    for named in entry_people(register, values):
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


def _registry_value(citizen: Citizen, key: str) -> str:
    value = {
        "full_name": citizen.full_name,
        "birth_date": citizen.birth_date.display() if citizen.birth_date else "",
        "sex": Sex(citizen.sex).label if citizen.sex in Sex.values else citizen.sex,
        "birth_place": citizen.birthplace,
        "hometown": citizen.hometown,
        "ethnicity": citizen.ethnicity,
        "father_name": citizen.father_name,
        "mother_name": citizen.mother_name,
    }[key]
    return str(value or "")


def _book_value(person: PersonInput, key: str) -> str:
    value = getattr(person, key) or ""
    if key == "sex":
        return {"1": "Nam", "2": "Nữ"}.get(str(value), str(value))
    return str(value)


def side_by_side(person: PersonInput, citizen: Citizen) -> list[dict[str, str]]:
    """Return the basic fields with the book's value beside the registry's."""
    return [
        {
            "field": key,
            "label": label,
            "book": _book_value(person, key),
            "registry": _registry_value(citizen, key),
        }
        for key, label in BASIC_FIELDS.items()
    ]


# --- saving an entry with its outcomes ---------------------------------------------------


@dataclass
class SaveReport:
    entry: Entry
    outcomes: dict[str, str] = field(default_factory=dict)  # role -> outcome
    issued: dict[str, str] = field(default_factory=dict)  # role -> new personal ID
    cases: list[TrackingCase] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # Vietnamese, for the officer
    second_keying: bool = False


def double_keying_policy(book: RegisterBook) -> DoubleKeyingPolicy | None:
    """Return the policy that applies to BOOK, or None (every entry keyed once).

    The book's own policy, else its commune's, else that of a campaign whose scope includes
    the commune: the campaign active today, else the one that started last.
    """
    own = {
        p.book_id: p
        for p in DoubleKeyingPolicy.objects.filter(
            Q(book=book) | Q(commune_id=book.commune_id, book=None, campaign=None)
        )
    }
    if found := own.get(book.pk) or own.get(None):
        return found
    by_campaign = list(
        DoubleKeyingPolicy.objects.filter(campaign__communes=book.commune_id, book=None)
        .select_related("campaign")
        .order_by("-campaign__start_date", "-campaign_id")
    )
    today = timezone.localdate()
    return next((p for p in by_campaign if p.campaign.is_active_on(today)), None) or next(
        iter(by_campaign), None
    )


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
    request: Any = None,
) -> SaveReport:
    """Save an entry as keyed from the form, then apply the officer's lookup decisions.

    With ASIDE_REASON the entry is saved unfinished ("đang nhập") into the "hard, later"
    queue instead, and no lookup decision is applied.

    ``choices`` maps a role to the officer's choice ("match:<id>", "discrepancy:<id>",
    "not_found" or "review"). A new entry is created as keyed; an existing one is updated if
    nobody saved it since EXPECTED_VERSION (else EntryConflict, nothing written).

    A new entry records CREATION_TOKEN, its form's token, in this transaction: a second
    entry of the same form is refused by the unique index (IntegrityError, nothing written).
    """
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
            request=request,
            **meta,
        )
        work = EntryWork.objects.create(
            entry=entry, first_keyer=user, creation_token=creation_token
        )
        if aside_reason is None and needs_second_keying(book):
            work.verification = EntryWork.Verification.WAITING
            work.save(update_fields=["verification"])
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
            request=request,
        )
        Entry.objects.filter(pk=entry.pk).update(year=meta["year"], number=meta["number"])
        work, _new = EntryWork.objects.get_or_create(entry=entry, defaults={"first_keyer": user})
        if aside_reason is None and entry_status_set(
            entry=entry, user=user, old=EntryStatus.DRAFT, new=EntryStatus.KEYED, request=request
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
                request=request,
            )
    if aside_reason is not None:
        entry_set_aside(entry=entry, user=user, hard=True, reason=aside_reason, request=request)
        return SaveReport(entry=entry)
    if work.hard:
        work = entry_set_aside(entry=entry, user=user, hard=False, request=request)
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
                request=request,
                report=report,
            )
    reconciliation_apply(entry=entry, user=user, request=request)
    entry.refresh_from_db()
    return report


def _officer_decision(
    choice: str, result: LookupResult, record: dict[str, Any]
) -> tuple[Decision, str]:
    """Return the decision the officer chose and the path it is recorded with."""
    engine = result.decision
    if choice == proposal_of(engine):
        return engine, MatchResult.Path.INTERACTIVE
    outcome, _sep, pid = choice.partition(":")
    if outcome in ("not_found", "review"):
        return Decision(outcome, None, None, (), engine.candidates), MatchResult.Path.OFFICER  # type: ignore[arg-type]
    chosen = next((c for c in result.candidates if c.citizen.personal_id == pid), None)
    if chosen is None or outcome not in ("match", "discrepancy"):
        raise ValueError(
            _("Lựa chọn “%(choice)s” không có trong kết quả tra cứu.") % {"choice": choice}
        )
    fields = (
        differing_fields(record, citizen_features(chosen.citizen))
        if outcome == "discrepancy"
        else ()
    )
    return (
        Decision(outcome, pid, chosen.score.probability, tuple(fields), engine.candidates),  # type: ignore[arg-type]
        MatchResult.Path.OFFICER,
    )


def outcome_apply(
    *,
    entry: Entry,
    work: EntryWork,
    role: str,
    choice: str,
    user: User,
    report: SaveReport,
    request: Any = None,
) -> None:
    """Record the outcome for ROLE of ENTRY: attach, open a tracking case, or issue an ID."""
    person = EntryPerson.objects.filter(entry=entry, role=role).first()
    person_input = entry_person_input(entry, role)
    if person is None or person_input is None:
        return
    result = lookup_before_new_id(person_input)
    decision, path = _officer_decision(choice, result, person_features(person_input))
    if decision.outcome == "not_found":
        verified = work.verification in (
            EntryWork.Verification.NOT_NEEDED,
            EntryWork.Verification.DONE,
        )
        match_result_record(
            person=person,
            decision=decision,
            path=path,
            model_version=result.model_version,
            user=user,
        )
        if verified:
            _issue(entry=entry, person=person, user=user, report=report, request=request)
        elif role not in work.pending_issue:
            work.pending_issue = [*work.pending_issue, role]
            work.save(update_fields=["pending_issue"])
    else:
        match_result_record(
            person=person,
            decision=decision,
            path=path,
            model_version=result.model_version,
            user=user,
        )
        if decision.outcome == "discrepancy":
            citizen = Citizen.objects.get(personal_id=decision.personal_id)
            report.cases.append(
                tracking_case_open(
                    entry=entry,
                    person=person,
                    person_input=person_input,
                    citizen=citizen,
                    fields=decision.fields,
                    user=user,
                    request=request,
                )
            )
    report.outcomes[role] = decision.outcome
    audit_record(
        request=request,
        user=user,
        action=AuditEvent.Action.UPDATE,
        obj=entry,
        changes={
            f"đối chiếu {role}": [None, decision.outcome],
            "số định danh": [None, decision.personal_id or ""],
            "cách đối chiếu": [None, path],
        },
    )


def _issue(
    *, entry: Entry, person: EntryPerson, user: User, report: SaveReport, request: Any
) -> Citizen | None:
    """Issue a new personal ID to the person of ENTRY the registry does not know.

    The last resort: unless an officer decided so against the engine, the registry is
    searched once more, wider (:func:`new_id_search`), under a lock on the person's key
    facts (:func:`issue_lock`), so that neither a damaged record of a registered person nor
    a second save of the same person at the same moment gets a second identity. Anyone
    found sends the person to review, with those candidates, and nothing is issued.
    """
    with transaction.atomic():
        return _issue_locked(entry=entry, person=person, user=user, report=report, request=request)


def _issue_locked(
    *, entry: Entry, person: EntryPerson, user: User, report: SaveReport, request: Any
) -> Citizen | None:
    person_input = entry_person_input(entry, person.role)
    book = entry.book
    unit = book.historical_unit or book.commune
    issue_lock(person_input)
    decided = MatchResult.objects.filter(person=person).values_list("path", flat=True).first()
    if decided != MatchResult.Path.OFFICER:
        search = new_id_search(person_input)
        if not search.clear:
            _send_to_review(person=person, search=search, user=user, report=report)
            return None
    try:
        citizen = personal_id_issue(
            full_name=person_input.full_name,
            sex=person_input.sex,
            birth_date=str(person_input.birth_date or ""),
            province_code=unit.province_code,
            user=user,
            birthplace=person_input.birth_place,
            hometown=person_input.hometown,
            ethnicity=person_input.ethnicity,
            father_name=person_input.father_name,
            mother_name=person_input.mother_name,
            request=request,
        )
    except PersonalIdIssueError as exc:
        report.problems.append(
            _("Chưa cấp được số định danh cá nhân cho %(name)s: %(why)s")
            % {"name": person.full_name, "why": exc}
        )
        work = entry.work
        if person.role not in work.pending_issue:
            work.pending_issue = [*work.pending_issue, person.role]
            work.save(update_fields=["pending_issue"])
        return None
    match_result_record(
        person=person,
        decision=Decision("not_found", citizen.personal_id, None),
        path=MatchResult.Path.INTERACTIVE,
        model_version=getattr(getattr(person, "match", None), "model_version", 0),
        user=user,
    )
    report.issued[person.role] = citizen.personal_id
    return citizen


def _send_to_review(
    *, person: EntryPerson, search: NewIdSearch, user: User, report: SaveReport
) -> None:
    """Record that PERSON waits for an officer: the registry holds someone near."""
    candidates = tuple(
        Candidate(
            c.citizen.personal_id,
            c.score.probability,
            c.score.weight,
            citizen_features(c.citizen),
            explanation=c.score,
        )
        for c in search.candidates
    )
    match_result_record(
        person=person,
        decision=Decision("review", None, candidates[0].probability, (), candidates),
        path=MatchResult.Path.INTERACTIVE,
        model_version=getattr(getattr(person, "match", None), "model_version", 0),
        user=user,
    )
    report.outcomes[person.role] = "review"
    report.problems.append(
        _(
            "Chưa cấp số định danh mới cho %(name)s: trong CSDL dân cư có người gần giống "
            "(%(ids)s). Cán bộ cần xem xét trước khi cấp số mới."
        )
        % {"name": person.full_name, "ids": ", ".join(c.personal_id for c in candidates)}
    )


def pending_ids_issue(*, entry: Entry, user: User, request: Any = None) -> SaveReport:
    """Issue the personal IDs that waited for the entry's verification."""
    report = SaveReport(entry=entry)
    work = entry.work
    remaining = list(work.pending_issue)
    work.pending_issue = []
    work.save(update_fields=["pending_issue"])
    for role in remaining:
        person = EntryPerson.objects.filter(entry=entry, role=role).select_related("match").first()
        result = getattr(person, "match", None)
        if person is None or person.citizen_id or result is None:
            continue
        # Only someone still found nowhere: a correction may have made them found, or doubtful.
        if result.outcome == MatchResult.Outcome.NOT_FOUND:
            _issue(entry=entry, person=person, user=user, report=report, request=request)
    return report


# --- setting entries aside ----------------------------------------------------------------


def entry_set_aside(
    *, entry: Entry, user: User, hard: bool, reason: str = "", request: Any = None
) -> EntryWork:
    """Put ENTRY in the "hard, later" queue (HARD) or take it back into the normal queue."""
    work, _created = EntryWork.objects.get_or_create(entry=entry)
    old = work.hard
    EntryWork.objects.filter(pk=work.pk).update(hard=hard, hard_reason=reason[:200] if hard else "")
    work.refresh_from_db()
    audit_record(
        request=request,
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
    request: Any = None,
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
            request=request,
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
            entry=entry, user=user, old=EntryStatus.KEYED, new=EntryStatus.VERIFIED, request=request
        )
    entry.refresh_from_db()
    pending_ids_issue(entry=entry, user=user, request=request)
    reconciliation_apply(entry=entry, user=user, request=request)
    return []


def difference_arbitrate(
    *, entry: Entry, user: User, decisions: dict[str, str], request: Any = None
) -> SaveReport:
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
            request=request,
        )
        EntryWork.objects.filter(pk=work.pk).update(verification=EntryWork.Verification.DONE)
        entry_status_set(
            entry=entry, user=user, old=EntryStatus.KEYED, new=EntryStatus.VERIFIED, request=request
        )
        # The values read on the scan may change someone's facts: their first-keying outcome
        # no longer holds, so they are looked up again before any personal ID is issued.
        people_look_up_again(entry=entry, roles=people.to_reconcile, user=user, request=request)
    entry.refresh_from_db()
    report = pending_ids_issue(entry=entry, user=user, request=request)
    reconciliation_apply(entry=entry, user=user, request=request)
    return report


# --- tracking list ------------------------------------------------------------------------


def tracking_case_open(
    *,
    entry: Entry,
    person: EntryPerson,
    person_input: PersonInput,
    citizen: Citizen,
    fields: tuple[str, ...],
    user: User,
    request: Any = None,
) -> TrackingCase:
    """Open (or refresh, while open) the tracking case of PERSON against CITIZEN."""
    rows = [
        {
            "field": key,
            "label": BASIC_FIELDS[key],
            "book": _book_value(person_input, key),
            "registry": _registry_value(citizen, key),
        }
        for key in fields
    ]
    case, created = TrackingCase.objects.update_or_create(
        entry=entry,
        role=person.role,
        defaults={
            "person": person,
            "full_name": person.full_name,
            "commune": entry.book.commune,
            "citizen": citizen,
            "personal_id": citizen.personal_id,
            "fields": rows,
            "status": TrackingCase.Status.OPEN,
            "opened_by": user,
        },
    )
    audit_record(
        request=request,
        user=user,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        obj=case,
        commune=case.commune,
        changes={"trường khác nhau": [None, [r["field"] for r in rows]]},
    )
    return case


def tracking_case_assign(
    *, case: TrackingCase, assignee: User | None, user: User, request: Any = None
) -> bool:
    """Give an open CASE to ASSIGNEE (an officer of its commune); False if it is closed."""
    old = case.assignee_id
    moved = TrackingCase.objects.filter(pk=case.pk, status=TrackingCase.Status.OPEN).update(
        assignee=assignee
    )
    if moved:
        audit_record(
            request=request,
            user=user,
            action=AuditEvent.Action.UPDATE,
            obj=case,
            commune=case.commune,
            changes={"người xử lý": [old, assignee.pk if assignee else None]},
        )
    return bool(moved)


def tracking_case_close(
    *,
    case: TrackingCase,
    result: str,
    procedure: str,
    note: str,
    user: User,
    request: Any = None,
) -> bool:
    """Record the verification RESULT of CASE and close it; False if it was already closed."""
    if result not in TrackingCase.Result.values:
        raise ValueError(_("Chọn kết quả xác minh."))
    closed = TrackingCase.objects.filter(pk=case.pk, status=TrackingCase.Status.OPEN).update(
        status=TrackingCase.Status.CLOSED,
        result=result,
        procedure=procedure.strip(),
        note=note.strip(),
        closed_at=timezone.now(),
        closed_by=user,
    )
    if closed:
        audit_record(
            request=request,
            user=user,
            action=AuditEvent.Action.UPDATE,
            obj=case,
            commune=case.commune,
            changes={"trạng thái": ["open", "closed"], "kết quả": [None, result]},
        )
    return bool(closed)


def policy_set(
    *,
    user: User,
    mode: str,
    sample_percent: int,
    commune: Any = None,
    book: RegisterBook | None = None,
    campaign: Campaign | None = None,
    request: Any = None,
) -> DoubleKeyingPolicy:
    """Set the double-keying policy of one BOOK, one COMMUNE, or one CAMPAIGN (exactly one).

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
        request=request,
        user=user,
        action=AuditEvent.Action.UPDATE,
        obj=book or campaign or policy,
        commune=commune,
        changes={"nhập hai lần": [None, f"{mode} {sample_percent}%"]},
    )
    return policy


# --- reconciling again after a correction -------------------------------------------------


def people_look_up_again(
    *, entry: Entry, roles: Iterable[str], user: User | None, request: Any = None
) -> None:
    """Look up again the people of ENTRY in ROLES (a correction changed their compared facts,
    or named them) that have no outcome, and record the outcomes.

    A person who had a personal ID keeps it when the engine finds the same registry person
    again; otherwise the outcome is "review", for an officer to decide: nobody who had an ID
    is issued a second one. Everyone else keeps their links untouched.
    """
    people = list(
        EntryPerson.objects.filter(entry=entry, role__in=list(roles), match__isnull=True)
        .exclude(role__in=SKIPPED_ROLES)
        .order_by("id")
    )
    had = personal_ids_had(entry_ids=[entry.pk]) if people else {}
    for person in people:
        person_input = entry_person_input(entry, person.role)
        if person_input is None or not lookup_ready(person_input):
            continue
        result = lookup_before_new_id(person_input)
        decision = result.decision
        previous = had.get((entry.pk, person.role))
        if previous and decision.personal_id != previous:
            decision = Decision("review", None, None, (), decision.candidates)
        match_result_record(
            person=person,
            decision=decision,
            path=MatchResult.Path.INTERACTIVE,
            model_version=result.model_version,
            user=user,
        )
        audit_record(
            request=request,
            user=user,
            action=AuditEvent.Action.UPDATE,
            obj=entry,
            changes={
                f"đối chiếu {person.role}": [None, decision.outcome],
                "số định danh": [previous or None, decision.personal_id or ""],
                "cách đối chiếu": [None, "đối chiếu lại sau khi sửa"],
            },
        )


def people_reconcile_again(
    *, entry: Entry, people: PeopleSync, user: User | None, request: Any = None
) -> bool:
    """Look up again the people a save left without an outcome (PEOPLE, what
    :func:`~hotich.registers.services.entry_update_people` returned), then carry the
    outcomes into the workflow as the batch path does; return True if the entry is
    reconciled. Nothing happens when the save changed nobody's compared facts."""
    if not people.to_reconcile:
        return False
    people_look_up_again(entry=entry, roles=people.to_reconcile, user=user, request=request)
    return reconciliation_apply(entry=entry, user=user, request=request)


# --- reconciliation in batch (book page, imports) ------------------------------------------


def reconciliation_apply(*, entry: Entry, user: User | None, request: Any = None) -> bool:
    """Carry the engine's batch results of ENTRY into the keying workflow; return True if the
    entry is now reconciled.

    As for an entry keyed through the form: a discrepancy opens (or refreshes) its case on the
    tracking list; a person nobody in the registry is gets a new personal ID once the entry
    is verified (or needs no second keying). The entry moves to "reconciled" when every
    person looked up has an outcome an officer need not settle (no "review" left) and its
    second keying is not pending.
    """
    work = EntryWork.objects.filter(entry=entry).first()
    waiting = work is not None and work.verification in (
        EntryWork.Verification.WAITING,
        EntryWork.Verification.ARBITRATION,
    )
    settled = True
    had: dict[tuple[int, str], str] | None = None
    people = EntryPerson.objects.filter(entry=entry, role__in=LOOKUP_ROLES).select_related(
        "match", "entry__book"
    )
    for person in people:
        result = getattr(person, "match", None)
        person_input = entry_person_input(entry, person.role)
        if person_input is None:
            continue
        if result is None or result.outcome == MatchResult.Outcome.REVIEW:
            settled = False
            continue
        already_open = TrackingCase.objects.filter(
            entry=entry, role=person.role, status=TrackingCase.Status.OPEN
        ).exists()
        if (
            result.outcome == MatchResult.Outcome.DISCREPANCY
            and result.citizen_id
            and not already_open
        ):
            tracking_case_open(
                entry=entry,
                person=person,
                person_input=person_input,
                citizen=result.citizen,
                fields=tuple(result.fields),
                user=user,  # type: ignore[arg-type]
                request=request,
            )
        elif result.outcome == MatchResult.Outcome.NOT_FOUND and not result.personal_id:
            if waiting:
                continue
            if had is None:
                had = personal_ids_had(entry_ids=[entry.pk])
            if (entry.pk, person.role) in had:
                # The person had a personal ID before a correction: an officer decides
                # (the same one again, or another); never a second ID for one person.
                settled = False
                continue
            if work is None:
                work = EntryWork.objects.create(entry=entry, first_keyer=entry.created_by)
            report = SaveReport(entry=entry)
            if (
                _issue(entry=entry, person=person, user=user, report=report, request=request)
                is None
            ):  # type: ignore[arg-type]
                settled = False
    if not settled or waiting:
        return False
    for old in (EntryStatus.KEYED, EntryStatus.VERIFIED):
        if entry_status_set(
            entry=entry,
            user=user,
            old=old,
            new=EntryStatus.RECONCILED,
            request=request,  # type: ignore[arg-type]
        ):
            return True
    return False


#: How long a book's reconciliation waits for an import or another reconciliation of it (s).
RECONCILE_WAIT = 15 * 60


def book_reconcile_apply(*, book: RegisterBook, user: User | None) -> dict[str, int]:
    """Reconcile BOOK in batch, then carry the results into the keying workflow.

    Returns the counts per outcome, plus "reconciled": entries that moved to reconciled.
    """
    # One reconciliation (or import) of a book at a time: two interleaved would record results
    # for people the other has just re-derived.
    with book_lock(book_id=book.pk, wait=RECONCILE_WAIT) as held:
        if not held:
            raise BookBusy(
                _("Sổ %(book)s đang được nhập hoặc đối chiếu; hãy đối chiếu lại sau.")
                % {"book": book}
            )
        counts = book_reconcile(book=book, user=user)
        moved = 0
        for entry in book.entries.filter(status__in=[EntryStatus.KEYED, EntryStatus.VERIFIED]):
            moved += reconciliation_apply(entry=entry, user=user)
    counts["reconciled"] = moved
    return counts
