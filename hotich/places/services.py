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
            )
            for u in units
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    ids = {
        (period, level, code): pk
        for pk, period, level, code in AdministrativeUnit.objects.values_list(
            "pk", "period", "level", "code"
        )
    }
    # Parents: a commune's district (pre-2025) or province (current); a district's province.
    to_update = []
    for u in units:
        if not u.parent_code:
            continue
        parent_level = _parent_level(u)
        parent_id = ids.get((u.period, parent_level, u.parent_code))
        if parent_id is not None:
            to_update.append(
                AdministrativeUnit(pk=ids[(u.period, u.level, u.code)], parent_id=parent_id)
            )
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


def _parent_level(unit: lib_places.AdminUnit) -> str:
    if unit.level == "district":
        return "province"
    if unit.level == "commune" and unit.period == "pre2025":
        return "district"
    return "province"
