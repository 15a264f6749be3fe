"""The synthetic population written into the registry (demo and test databases)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from hotich.demo.population import synth_people
from hotich.lib.idnumbers import normalise_province_code
from hotich.places.models import AdministrativeUnit
from hotich.registry import loading
from hotich.registry.extracts import rows_extract
from hotich.registry.models import Citizen


def citizens_synthesise(
    *,
    count: int,
    province_code: str,
    seed: int = 2026,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> int:
    """Add about COUNT synthetic citizens in families born in PROVINCE_CODE; return how many.

    Birthplaces are the province's pre-2025 communes, linked to the loaded administrative
    units (run ``hotich places load`` first); personal IDs never reuse one in the registry.
    Goes through the bulk loader, so every citizen has its blocking keys.
    """
    code = normalise_province_code(province_code)
    if not AdministrativeUnit.objects.filter(
        period=AdministrativeUnit.Period.PRE2025, province_code=code[-2:]
    ).exists():
        raise ValueError(
            _("Chưa nạp đơn vị hành chính của tỉnh %(code)s (chạy: hotich places load).")
            % {"code": code}
        )
    used = Citizen.objects.filter(personal_id__startswith=code).values_list(
        "personal_id", flat=True
    )
    people = synth_people(
        count=count, province_code=code, seed=seed, used_ids=used.iterator(), with_codes=True
    )
    report = loading.extract_load(
        rows_extract(people, estimated_rows=count),
        workers=workers,
        progress=(lambda done, _total: progress(done)) if progress else None,
    )
    return report.inserted
