"""Loading the official administrative units into the database."""

from django.db import transaction

from hotich.lib import places as lib_places
from hotich.places.models import AdministrativeUnit


@transaction.atomic
def units_load() -> dict[str, int]:
    """Load every pre-2025 and current unit and the old → new mapping; safe to re-run.

    Return counts of units and successor links present after the load.
    """
    units = list(lib_places.iter_units())
    # Level by level, parents first, so that each unit is written with its parent at once
    # (a second pass of updates over every unit cost most of the load: `make demo` and the
    # tests that load the demo).
    ids: dict[tuple[str, str, str], int] = {}
    for level in ("province", "district", "commune"):
        AdministrativeUnit.objects.bulk_create(
            [
                AdministrativeUnit(
                    code=u.code,
                    name=u.name,
                    type_name=u.type_name,
                    level=u.level,
                    period=u.period,
                    province_code=u.province_code,
                    valid_from=u.valid_from,
                    valid_to=u.valid_to,
                    parent_id=_parent_id(u, ids),
                )
                for u in units
                if u.level == level
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
        ids |= {
            (period, lv, code): pk
            for pk, period, lv, code in AdministrativeUnit.objects.filter(level=level).values_list(
                "pk", "period", "level", "code"
            )
        }
    # Units already in the database (a re-run) keep theirs unless the official list changed it.
    parents = dict(AdministrativeUnit.objects.values_list("pk", "parent_id"))
    to_update = []
    for u in units:
        pk, parent_id = ids[(u.period, u.level, u.code)], _parent_id(u, ids)
        if parent_id is not None and parents.get(pk) != parent_id:
            to_update.append(AdministrativeUnit(pk=pk, parent_id=parent_id))
    AdministrativeUnit.objects.bulk_update(to_update, ["parent"], batch_size=2000)
    links = []
    Through = AdministrativeUnit.successors.through
    for u in units:
        if u.period != "pre2025" or u.level == "district":
            continue
        for successor in lib_places.successors(u):
            target = ids.get((successor.period, successor.level, successor.code))
            if target is not None:
                links.append(
                    Through(
                        from_administrativeunit_id=ids[(u.period, u.level, u.code)],
                        to_administrativeunit_id=target,
                    )
                )
    Through.objects.bulk_create(links, ignore_conflicts=True, batch_size=2000)
    return {"units": AdministrativeUnit.objects.count(), "links": Through.objects.count()}


def _parent_id(unit: lib_places.AdminUnit, ids: dict[tuple[str, str, str], int]) -> int | None:
    """Return the database id of UNIT's parent among IDS, or None (no parent, or not loaded)."""
    if not unit.parent_code:
        return None
    return ids.get((unit.period, _parent_level(unit), unit.parent_code))


def _parent_level(unit: lib_places.AdminUnit) -> str:
    if unit.level == "district":
        return "province"
    if unit.level == "commune" and unit.period == "pre2025":
        return "district"
    return "province"
