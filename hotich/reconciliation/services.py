"""Writes after the matching engine decides: recording outcomes, the officer's choice, new
personal IDs, the tracking list (Danh sách theo dõi riêng) and reconciling a book or an entry.

Keying, review, exchange and the worker call these; this app imports none of them. The
keying workflow's state of an entry (``entry.work``: whether its second keying is pending,
which personal IDs wait for it) is reached through the entry's reverse relation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, get_args

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotich.accounts.models import User
from hotich.audit.actor import Actor
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.matching.engine.batch import Backend
from hotich.matching.engine.decide import (
    BASIC_FIELDS,
    Candidate,
    Decision,
    Outcome,
    differing_fields,
)
from hotich.matching.engine.features import PersonInput, person_features
from hotich.matching.services import (
    SKIPPED_ROLES,
    LookupResult,
    NewIdSearch,
    active_model,
    citizen_features,
    entry_person_input,
    issue_lock,
    lookup_before_new_id,
    lookup_from_token,
    new_id_search,
    reconcile_people,
)
from hotich.reconciliation.models import MatchResult, TrackingCase
from hotich.registers.locks import BookBusy, book_lock
from hotich.registers.models import Entry, EntryPerson, EntryStatus, RegisterBook
from hotich.registers.services import PeopleSync, entry_status_set, personal_ids_had
from hotich.registry.models import Citizen, Sex
from hotich.registry.services import PersonalIdIssueError, personal_id_issue

#: People looked up as the officer types: those the entry registers, not the requester, and
#: not the parents of a birth (they are reconciled with the book in batch).
LOOKUP_ROLES = ("subject", "husband", "wife", "deceased", "parent", "child", "adoptee")


def _work_model() -> Any:
    """Return the keying workflow's model of an entry's work (``EntryWork``).

    Reached through the entry's reverse relation: reconciliation sits below keying and does
    not import it, yet the second keying an entry waits for, and the personal IDs that wait
    with it, are kept there.
    """
    return Entry._meta.get_field("work").related_model


# --- recording an outcome -----------------------------------------------------------------


def _candidates_json(decision: Decision, limit: int = 5) -> list[dict[str, Any]]:
    return [
        {
            "personal_id": c.personal_id,
            "probability": round(c.probability, 6),
            "weight": round(c.weight, 3),
        }
        for c in decision.candidates[:limit]
    ]


@transaction.atomic
def match_result_record(
    *,
    person: Any,
    decision: Decision,
    path: str,
    model_version: int,
    user: Any = None,
    known: Iterable[Citizen] = (),
) -> MatchResult:
    """Store the outcome for an entry's person; link the citizen when one was identified.

    KNOWN are citizens the caller read already (a lookup's candidates): the one identified is
    taken from them instead of being read again.
    """
    citizen = next((c for c in known if c.personal_id == decision.personal_id), None)
    if citizen is None and decision.personal_id:
        citizen = Citizen.objects.filter(personal_id=decision.personal_id).first()
    result, _ = MatchResult.objects.update_or_create(
        person=person,
        defaults={
            "outcome": decision.outcome,
            "personal_id": decision.personal_id or "",
            "citizen": citizen,
            "score": decision.score,
            "fields": list(decision.fields),
            "candidates": _candidates_json(decision),
            "model_version": model_version,
            "path": path,
            "decided_by": user,
        },
    )
    if person.citizen_id != (citizen.pk if citizen else None):
        person.citizen = citizen
        person.save(update_fields=["citizen"])
    return result


# --- the engine's proposal and the officer's choice ---------------------------------------


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


@dataclass
class OutcomeReport:
    """What applying the outcomes of an entry's people did, for the officer."""

    entry: Entry
    outcomes: dict[str, str] = field(default_factory=dict)  # role -> outcome
    issued: dict[str, str] = field(default_factory=dict)  # role -> new personal ID
    cases: list[TrackingCase] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # Vietnamese, for the officer


def _outcome(text: str) -> Outcome | None:
    """Return TEXT as an engine outcome, or None when it names none."""
    return next((o for o in get_args(Outcome) if o == text), None)


def _officer_decision(
    choice: str, result: LookupResult, record: dict[str, Any]
) -> tuple[Decision, str]:
    """Return the decision the officer chose and the path it is recorded with."""
    engine = result.decision
    if choice == proposal_of(engine):
        return engine, MatchResult.Path.INTERACTIVE
    text, _sep, pid = choice.partition(":")
    outcome = _outcome(text)
    if outcome in ("not_found", "review"):
        return Decision(outcome, None, None, (), engine.candidates), MatchResult.Path.OFFICER
    chosen = next((c for c in result.candidates if c.citizen.personal_id == pid), None)
    if chosen is None or outcome not in ("match", "discrepancy"):
        raise ValueError(
            _("Lựa chọn “%(choice)s” không có trong kết quả tra cứu.") % {"choice": choice}
        )
    fields = (
        differing_fields(record, citizen_features(chosen.citizen), keying_noise=True)
        if outcome == "discrepancy"
        else ()
    )
    return (
        Decision(outcome, pid, chosen.score.probability, tuple(fields), engine.candidates),
        MatchResult.Path.OFFICER,
    )


def _outcome_audit(
    *,
    entry: Entry,
    role: str,
    decision: Any,
    how: str,
    previous: str | None,
    user: User | None,
    actor: Actor | None,
) -> None:
    """Record on ENTRY's log the outcome of ROLE's lookup, its personal ID and how it came."""
    audit_record(
        actor=actor,
        user=user,
        action=AuditEvent.Action.UPDATE,
        obj=entry,
        changes={
            f"đối chiếu {role}": [None, decision.outcome],
            "số định danh": [previous, decision.personal_id or ""],
            "cách đối chiếu": [None, how],
        },
    )


def outcome_apply(
    *,
    entry: Entry,
    work: Any,
    role: str,
    choice: str,
    user: User,
    report: OutcomeReport,
    actor: Actor | None = None,
    shown: str = "",
) -> None:
    """Record the outcome for ROLE of ENTRY: attach, open a tracking case, or issue an ID.

    CHOICE is the officer's (a form choice, see :func:`proposal_of`); WORK is the entry's
    keying work (``entry.work``): a new personal ID waits there while the entry waits for
    its second keying. SHOWN is the token of the lookup the form showed
    (:func:`~hotich.matching.services.lookup_token`): it stands for the lookup while the
    person's facts are those it was computed on; otherwise the person is looked up once.
    """
    person = EntryPerson.objects.filter(entry=entry, role=role).first()
    person_input = entry_person_input(entry, role)
    if person is None or person_input is None:
        return
    result = lookup_from_token(shown, person_input) or lookup_before_new_id(person_input)
    decision, path = _officer_decision(choice, result, person_features(person_input))
    if decision.outcome == "not_found":
        verified = work.verification in (
            work.Verification.NOT_NEEDED,
            work.Verification.DONE,
        )
        match_result_record(
            person=person,
            decision=decision,
            path=path,
            model_version=result.model_version,
            user=user,
        )
        if verified:
            _issue(entry=entry, person=person, user=user, report=report, actor=actor)
        elif role not in work.pending_issue:
            work.pending_issue = [*work.pending_issue, role]
            work.save(update_fields=["pending_issue"])
    else:
        known = [c.citizen for c in result.candidates]
        match_result_record(
            person=person,
            decision=decision,
            path=path,
            model_version=result.model_version,
            user=user,
            known=known,
        )
        if decision.outcome == "discrepancy":
            citizen = next(
                (c for c in known if c.personal_id == decision.personal_id), None
            ) or Citizen.objects.get(personal_id=decision.personal_id)
            report.cases.append(
                tracking_case_open(
                    entry=entry,
                    person=person,
                    person_input=person_input,
                    citizen=citizen,
                    fields=decision.fields,
                    user=user,
                    actor=actor,
                )
            )
    report.outcomes[role] = decision.outcome
    _outcome_audit(
        entry=entry, role=role, decision=decision, how=path, previous=None, user=user, actor=actor
    )


# --- a new personal ID --------------------------------------------------------------------


def _issue(
    *,
    entry: Entry,
    person: EntryPerson,
    user: User | None,
    report: OutcomeReport,
    actor: Actor | None,
) -> Citizen | None:
    """Issue a new personal ID to the person of ENTRY the registry does not know.

    The last resort: unless an officer decided so against the engine, the registry is
    searched once more, wider (:func:`new_id_search`), under a lock on the person's key
    facts (:func:`issue_lock`), so that neither a damaged record of a registered person nor
    a second save of the same person at the same moment gets a second identity. Anyone
    found sends the person to review, with those candidates, and nothing is issued.
    """
    with transaction.atomic():
        return _issue_locked(entry=entry, person=person, user=user, report=report, actor=actor)


def _issue_locked(
    *,
    entry: Entry,
    person: EntryPerson,
    user: User | None,
    report: OutcomeReport,
    actor: Actor | None,
) -> Citizen | None:
    person_input = entry_person_input(entry, person.role)
    # Only a person the entry has is looked up, so only such a person is issued an ID.
    assert person_input is not None
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
            actor=actor,
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
    *, person: EntryPerson, search: NewIdSearch, user: User | None, report: OutcomeReport
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


def pending_ids_issue(*, entry: Entry, user: User, actor: Actor | None = None) -> OutcomeReport:
    """Issue the personal IDs that waited for the entry's verification."""
    report = OutcomeReport(entry=entry)
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
            _issue(entry=entry, person=person, user=user, report=report, actor=actor)
    return report


# --- tracking list ------------------------------------------------------------------------


def tracking_case_open(
    *,
    entry: Entry,
    person: EntryPerson,
    person_input: PersonInput,
    citizen: Citizen,
    fields: tuple[str, ...],
    user: User | None,
    actor: Actor | None = None,
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
        actor=actor,
        user=user,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        obj=case,
        commune=case.commune,
        changes={"trường khác nhau": [None, [r["field"] for r in rows]]},
    )
    return case


def tracking_case_assign(
    *, case: TrackingCase, assignee: User | None, user: User, actor: Actor | None = None
) -> bool:
    """Give an open CASE to ASSIGNEE (an officer of its commune); False if it is closed."""
    old = case.assignee_id
    moved = TrackingCase.objects.filter(pk=case.pk, status=TrackingCase.Status.OPEN).update(
        assignee=assignee
    )
    if moved:
        audit_record(
            actor=actor,
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
    actor: Actor | None = None,
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
            actor=actor,
            user=user,
            action=AuditEvent.Action.UPDATE,
            obj=case,
            commune=case.commune,
            changes={"trạng thái": ["open", "closed"], "kết quả": [None, result]},
        )
    return bool(closed)


# --- reconciling again after a correction -------------------------------------------------


def people_look_up_again(
    *, entry: Entry, roles: Iterable[str], user: User | None, actor: Actor | None = None
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
        _outcome_audit(
            entry=entry,
            role=person.role,
            decision=decision,
            how="đối chiếu lại sau khi sửa",
            previous=previous or None,
            user=user,
            actor=actor,
        )


def people_reconcile_again(
    *, entry: Entry, people: PeopleSync, user: User | None, actor: Actor | None = None
) -> bool:
    """Look up again the people a save left without an outcome (PEOPLE, what
    :func:`~hotich.registers.services.entry_update_people` returned), then carry the
    outcomes into the workflow as the batch path does; return True if the entry is
    reconciled. Nothing happens when the save changed nobody's compared facts."""
    if not people.to_reconcile:
        return False
    people_look_up_again(entry=entry, roles=people.to_reconcile, user=user, actor=actor)
    return reconciliation_apply(entry=entry, user=user, actor=actor)


# --- reconciliation in batch (book page, imports) -----------------------------------------


def reconciliation_apply(
    *, entry: Entry, user: User | None, actor: Actor | None = None, work: Any = None
) -> bool:
    """Carry the engine's batch results of ENTRY into the keying workflow; return True if the
    entry is now reconciled.

    As for an entry keyed through the form: a discrepancy opens (or refreshes) its case on the
    tracking list; a person nobody in the registry is gets a new personal ID once the entry
    is verified (or needs no second keying). The entry moves to "reconciled" when every
    person looked up has an outcome an officer need not settle (no "review" left) and its
    second keying is not pending.

    WORK is the entry's keying work as the caller holds it (a save that just wrote it);
    without it, it is read.
    """
    if work is None:
        work = _work_model().objects.filter(entry=entry).first()
    waiting = work is not None and work.verification in (
        work.Verification.WAITING,
        work.Verification.ARBITRATION,
    )
    settled = True
    had: dict[tuple[int, str], str] | None = None
    people = EntryPerson.objects.filter(entry=entry, role__in=LOOKUP_ROLES).select_related("match")
    for person in people:
        person.entry = entry  # the caller's, with its book: not read again
        result = getattr(person, "match", None)
        person_input = entry_person_input(entry, person.role)
        if person_input is None:
            continue
        if result is None or result.outcome == MatchResult.Outcome.REVIEW:
            settled = False
            continue
        if (
            result.outcome == MatchResult.Outcome.DISCREPANCY
            and result.citizen_id
            and not TrackingCase.objects.filter(
                entry=entry, role=person.role, status=TrackingCase.Status.OPEN
            ).exists()
        ):
            tracking_case_open(
                entry=entry,
                person=person,
                person_input=person_input,
                citizen=result.citizen,
                fields=tuple(result.fields),
                user=user,
                actor=actor,
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
                work = _work_model().objects.create(entry=entry, first_keyer=entry.created_by)
            report = OutcomeReport(entry=entry)
            if _issue(entry=entry, person=person, user=user, report=report, actor=actor) is None:
                settled = False
    if not settled or waiting:
        return False
    for old in (EntryStatus.KEYED, EntryStatus.VERIFIED):
        if entry_status_set(
            entry=entry,
            user=user,
            old=old,
            new=EntryStatus.RECONCILED,
            actor=actor,
        ):
            return True
    return False


def book_reconcile(*, book: Any, user: Any = None, backend: Backend = "duckdb") -> dict[str, int]:
    """Reconcile every person of every entry of ``book`` in batch; return counts per outcome.

    Results an officer decided (path "officer") are kept.
    """
    model = active_model()
    people = []
    by_uid = {}
    persons = (
        EntryPerson.objects.filter(entry__book=book)
        .exclude(role__in=SKIPPED_ROLES)
        .exclude(match__path=MatchResult.Path.OFFICER)
        .select_related("entry__book")
    )
    for person in persons:
        person_input = entry_person_input(person.entry, person.role)
        if person_input is None:
            continue
        uid = str(person.pk)
        people.append((uid, person_input))
        by_uid[uid] = person
    decisions = reconcile_people(people, backend=backend, model=model)
    counts = dict.fromkeys(MatchResult.Outcome.values, 0)
    for uid, decision in decisions.items():
        match_result_record(
            person=by_uid[uid],
            decision=decision,
            path=MatchResult.Path.BATCH,
            model_version=model.version,
            user=user,
        )
        counts[decision.outcome] += 1
    audit_record(
        user=user,
        action=AuditEvent.Action.UPDATE,
        obj=book,
        changes={"đối chiếu CSDL dân cư": [None, counts]},
    )
    return counts


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
