"""Writes to the population registry."""

from collections.abc import Iterable

from django.db import transaction

from hotich.lib.names import parse_name
from hotich.lib.text import comparison_key, normalise_name
from hotich.places.models import AdministrativeUnit
from hotich.registry.models import Citizen
from hotich.registry.synth import PopulationSynth, SynthPerson


def _keys(full_name: str) -> dict[str, str]:
    parsed = parse_name(normalise_name(full_name))
    return {
        "family_name": parsed.family,
        "middle_name": parsed.middle,
        "given_name": parsed.given,
        "name_key": comparison_key(full_name),
        "family_key": comparison_key(parsed.family),
        "given_key": comparison_key(parsed.given),
    }


@transaction.atomic
def citizens_synthesise(*, count: int, province_code: str, seed: int = 2026, progress=None) -> int:
    """Create about COUNT synthetic citizens in families born in PROVINCE_CODE; return how many.

    Birthplaces are the province's pre-2025 communes (from the loaded administrative units).
    """
    communes = list(
        AdministrativeUnit.objects.filter(
            period=AdministrativeUnit.Period.PRE2025,
            level=AdministrativeUnit.Level.COMMUNE,
            province_code=province_code,
        ).select_related("parent__parent")
    )
    if not communes:
        raise ValueError(
            f"Chưa nạp đơn vị hành chính của tỉnh {province_code} (chạy: hotich places load)."
        )
    unit_ids = {c.code: c.pk for c in communes}
    places = [
        (
            c.code,
            ", ".join(
                u.full_name for u in (c, c.parent, c.parent.parent if c.parent else None) if u
            ),
        )
        for c in communes
    ]
    synth = PopulationSynth(province_code=province_code, places=places, seed=seed)
    synth.used_ids.update(
        Citizen.objects.filter(personal_id__startswith=f"0{province_code[-2:]}").values_list(
            "personal_id", flat=True
        )
    )
    created = 0
    batch: list[list[SynthPerson]] = []
    for family in synth.families(count):
        batch.append(family)
        if sum(len(f) for f in batch) >= 5000:
            created += _insert_families(batch, unit_ids)
            batch = []
            if progress:
                progress(created)
    if batch:
        created += _insert_families(batch, unit_ids)
        if progress:
            progress(created)
    return created


def _citizen(p: SynthPerson, unit_ids: dict[str, int]) -> Citizen:
    return Citizen(
        personal_id=p.personal_id,
        full_name=p.full_name,
        **_keys(p.full_name),
        birth_date=p.birth_date,
        birth_year=p.birth_date.year,
        sex=p.sex,
        birthplace=p.birthplace,
        birthplace_unit_id=unit_ids.get(p.birthplace_code),
        hometown=p.hometown,
        ethnicity=p.ethnicity,
        nationality="Việt Nam",
        father_name=p.father_name,
        mother_name=p.mother_name,
        alive=p.alive,
        death_date=p.death_date,
    )


def _insert_families(families: Iterable[list[SynthPerson]], unit_ids: dict[str, int]) -> int:
    """Insert parents, then children linked to them, then spouse links; return rows inserted."""
    families = list(families)
    parents = [_citizen(p, unit_ids) for f in families for p in f[:2]]
    Citizen.objects.bulk_create(parents, batch_size=2000)
    children = []
    links = []
    for i, family in enumerate(families):
        father, mother = parents[2 * i], parents[2 * i + 1]
        father.spouse_id, mother.spouse_id = mother.pk, father.pk
        links += [father, mother]
        for p in family[2:]:
            child = _citizen(p, unit_ids)
            child.father_id, child.mother_id = father.pk, mother.pk
            children.append(child)
    Citizen.objects.bulk_create(children, batch_size=2000)
    Citizen.objects.bulk_update(links, ["spouse"], batch_size=2000)
    return len(parents) + len(children)
