"""The permission table: concrete facts of the domain per role, the area check of an
object, and an audited refusal for every capability refused."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from hotich.accounts.capabilities import REFUSALS, TABLE, Capability, can, require, roles_with
from hotich.accounts.models import Role
from hotich.audit.actor import Actor
from hotich.audit.models import AuditEvent

C = Capability
ROOT = Path(__file__).resolve().parents[2]


def test_every_role_is_in_the_table_and_every_capability_has_a_refusal():
    assert set(TABLE) == set(Role)
    assert set(REFUSALS) == set(Capability)


@pytest.mark.parametrize(
    ("capability", "roles"),
    [
        # Reviewing, approving and exporting a book are the justice officer's alone.
        (C.REVIEW, {Role.JUSTICE_OFFICER}),
        (C.APPROVE, {Role.JUSTICE_OFFICER}),
        (C.EXPORT, {Role.JUSTICE_OFFICER}),
        (C.ARBITRATE, {Role.JUSTICE_OFFICER, Role.ADMINISTRATOR}),
        (C.MARK_MISSING, {Role.JUSTICE_OFFICER, Role.TEAM_LEADER}),
        (C.SET_KEYING_POLICY, {Role.JUSTICE_OFFICER, Role.TEAM_LEADER, Role.ADMINISTRATOR}),
        (C.CLOSE_CASE, {Role.JUSTICE_OFFICER, Role.POLICE_OFFICER, Role.ADMINISTRATOR}),
        (
            C.ASSIGN_CASE,
            {Role.JUSTICE_OFFICER, Role.POLICE_OFFICER, Role.TEAM_LEADER, Role.ADMINISTRATOR},
        ),
        (C.READ_AUDIT, {Role.INSPECTOR, Role.ADMINISTRATOR}),
        (C.MANAGE_ACCOUNTS, {Role.ADMINISTRATOR}),
        (C.SEE_ALL_IMPORTS, {Role.ADMINISTRATOR}),
        (
            C.PLAN,
            {Role.JUSTICE_OFFICER, Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMINISTRATOR},
        ),
    ],
)
def test_who_holds_what(capability, roles):
    assert roles_with(capability) == roles


WRITERS = {
    Role.JUSTICE_OFFICER,
    Role.POLICE_OFFICER,
    Role.HELPER,
    Role.TEAM_LEADER,
    Role.ADMINISTRATOR,
}


@pytest.mark.parametrize("capability", [C.KEY, C.UPLOAD_SCANS, C.IMPORT])
def test_the_commune_roles_and_administrators_change_data_supervisors_inspectors_never(
    capability,
):
    assert roles_with(capability) == WRITERS


def test_inspectors_read_the_audit_log_and_the_registry_but_change_and_recompute_nothing():
    held = TABLE[Role.INSPECTOR]
    assert held == {C.READ_AUDIT, C.LOOKUP_REGISTRY}
    assert C.RECOMPUTE not in held


def test_supervisors_plan_and_recompute_but_neither_key_nor_look_up_citizens():
    held = TABLE[Role.SUPERVISOR]
    assert {C.PLAN, C.WRITE_REPORT, C.RECOMPUTE} <= held
    assert not held & {C.KEY, C.LOOKUP_REGISTRY, C.READ_AUDIT, C.APPROVE}


def test_helpers_key_and_look_up_but_decide_nothing():
    held = TABLE[Role.HELPER]
    assert {C.KEY, C.UPLOAD_SCANS, C.IMPORT, C.LOOKUP_REGISTRY} <= held
    assert not held & {
        C.ARBITRATE,
        C.REVIEW,
        C.APPROVE,
        C.CLOSE_CASE,
        C.ASSIGN_CASE,
        C.MARK_MISSING,
        C.SET_KEYING_POLICY,
        C.PLAN,
    }


def test_administrators_run_the_system_but_do_not_review_a_commune_s_books():
    held = TABLE[Role.ADMINISTRATOR]
    assert {C.MANAGE_ACCOUNTS, C.READ_AUDIT, C.ARBITRATE, C.PLAN} <= held
    assert not held & {C.REVIEW, C.APPROVE, C.EXPORT, C.MARK_MISSING}


def test_an_inactive_or_anonymous_user_can_nothing(personas):
    from django.contrib.auth.models import AnonymousUser

    officer = personas["justice_officer"]
    officer.is_active = False
    assert not any(can(officer, c) for c in Capability)
    assert not any(can(AnonymousUser(), c) for c in Capability)
    assert not any(can(None, c) for c in Capability)


def test_the_user_properties_read_the_table(personas):
    assert personas["helper"].can_write
    assert not personas["inspector"].can_write
    assert personas["inspector"].can_read_audit
    assert not personas["supervisor"].can_read_audit
    assert personas["administrator"].can_manage_accounts
    assert not personas["justice_officer"].can_manage_accounts


def test_an_object_must_lie_in_the_area(personas, units, book, other_book, entry):
    officer = personas["justice_officer"]
    assert can(officer, C.KEY, book)
    assert can(officer, C.REVIEW, entry)
    assert not can(officer, C.KEY, other_book)
    assert can(personas["outsider"], C.KEY, other_book)
    assert can(personas["administrator"], C.KEY, other_book)
    # A historical district's supervisor plans its district and its old communes only.
    district = personas["district_supervisor"]
    assert can(district, C.PLAN, units["district"])
    assert can(district, C.PLAN, units["old_commune"])
    assert not can(district, C.PLAN, units["province"])
    assert not can(personas["supervisor"], C.PLAN, units["other_province"])


def test_reports_are_written_by_the_unit_s_own_people(personas, units):
    assert can(personas["team_leader"], C.WRITE_REPORT, units["commune"])
    assert can(personas["supervisor"], C.WRITE_REPORT, units["province"])
    # The province's supervisor sees the commune's report but does not write it.
    assert can(personas["supervisor"], C.PLAN, units["commune"])
    assert not can(personas["supervisor"], C.WRITE_REPORT, units["commune"])
    assert can(personas["administrator"], C.WRITE_REPORT, units["commune"])


def test_figures_above_a_commune_are_recomputed_only_by_those_who_plan(personas, units):
    assert can(personas["helper"], C.RECOMPUTE, units["commune"])
    assert not can(personas["helper"], C.RECOMPUTE, units["province"])
    assert can(personas["supervisor"], C.RECOMPUTE, units["province"])
    assert can(personas["supervisor"], C.RECOMPUTE, units["commune"])
    assert not can(personas["inspector"], C.RECOMPUTE, units["commune"])


def _lacking(personas, capability):
    return next(
        user
        for name, user in personas.items()
        if not name.startswith("outsider") and capability not in TABLE[user.role]
    )


@pytest.mark.parametrize("capability", list(Capability))
def test_every_refusal_through_require_is_audited(capability, personas):
    user = _lacking(personas, capability)
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, user=user)
    with pytest.raises(PermissionDenied) as refused:
        require(Actor.system(user), capability)
    assert str(refused.value) == str(REFUSALS[capability])
    assert denied.count() == 1


def test_a_refusal_of_an_object_out_of_the_area_is_audited_against_it(personas, other_book, rf):
    officer = personas["justice_officer"]
    request = rf.post("/so/1/")
    request.user = officer
    with pytest.raises(PermissionDenied):
        require(Actor.of(request), C.KEY, other_book)
    event = AuditEvent.objects.get(action=AuditEvent.Action.DENIED, user=officer)
    assert (event.object_type, event.object_id) == ("registerbook", str(other_book.pk))
    assert event.commune == other_book.commune
    # The refusal middleware will not record it a second time.
    assert request.audit_refusal_recorded


def test_require_lets_through_what_the_table_allows(personas, book):
    require(Actor.system(personas["justice_officer"]), C.APPROVE, book)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists()


# --- no view decides about roles itself ---------------------------------------------------

#: The views and the helpers they decide through: none may compare roles of its own.
VIEW_FILES = sorted(
    [
        *ROOT.glob("hotich/*/views.py"),
        ROOT / "hotich/accounts/areas.py",
        ROOT / "hotich/campaigns/scope.py",
        *ROOT.glob("hotich/*/selectors.py"),
        *ROOT.glob("hotich/*/templatetags/*.py"),
    ]
)
# The audit log's reader (moved from the audit app to oversight with its pages) keeps its
# scope (all events for an administrator) there, behind the READ_AUDIT check of its views.
VIEW_FILES.remove(ROOT / "hotich/oversight/selectors.py")


def _role_decisions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    found = []

    def is_role(node: ast.AST) -> bool:
        if isinstance(node, ast.Attribute) and node.attr in ("role", "is_superuser"):
            return True
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return node.value.id == "Role"
        return isinstance(node, ast.Name) and node.id == "Role"

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            if any(is_role(n) for n in [node.left, *node.comparators]):
                found.append(f"{where}:{node.lineno}")
        elif isinstance(node, ast.Attribute) and node.attr == "is_superuser":
            found.append(f"{where}:{node.lineno} is_superuser")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "frozenset":
            if any(is_role(n) for arg in node.args for n in ast.walk(arg)):
                found.append(f"{where}:{node.lineno} a role set")
        elif isinstance(node, ast.Raise) and node.exc is not None:
            call = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if getattr(call, "id", "") == "PermissionDenied":
                found.append(f"{where}:{node.lineno} raises PermissionDenied")
    return found


def test_views_take_no_role_decisions_of_their_own():
    assert len(VIEW_FILES) > 10
    found = [hit for path in VIEW_FILES for hit in _role_decisions(path)]
    assert found == [], "use hotich.accounts.capabilities.can / require"


def test_the_check_finds_a_role_decision(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text(
        "CLOSERS = frozenset({Role.HELPER})\n"
        "def v(request):\n"
        "    if request.user.role in CLOSERS or request.user.is_superuser:\n"
        "        raise PermissionDenied('x')\n",
        encoding="utf-8",
    )
    assert len(_role_decisions(sample)) == 4


def test_accounts_imports_no_app_above_it():
    allowed = {"accounts", "audit", "places", "jobs", "lib"}
    found = []
    for path in (ROOT / "hotich/accounts").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "hotich" and len(parts) > 1 and parts[1] not in allowed:
                    found.append(f"{path.relative_to(ROOT)}: {name}")
    assert found == []


def test_the_template_tag_reads_the_table(personas, book, other_book, rf):
    from django.template import Context, Template

    page = Template('{% load capabilities %}{% can "export" b as x %}{{ x }}')
    assert page.render(Context({"user": personas["justice_officer"], "b": book})) == "True"
    assert page.render(Context({"user": personas["justice_officer"], "b": other_book})) == "False"
    assert page.render(Context({"user": personas["administrator"], "b": book})) == "False"
