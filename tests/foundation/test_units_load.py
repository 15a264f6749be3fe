"""Loading the official administrative units (`hotich places load`, the demo's first step)."""

from hotich.lib import places as lib_places
from hotich.places.models import AdministrativeUnit
from hotich.places.services import _parent_level, units_load


def _official():
    return list(lib_places.iter_units())


def _parents_in_database():
    rows = AdministrativeUnit.objects.select_related("parent").all()
    return {
        (u.period, u.level, u.code): (
            (u.parent.period, u.parent.level, u.parent.code) if u.parent else None
        )
        for u in rows
    }


def test_every_unit_is_loaded_once_with_its_official_parent_and_successors(db):
    counts = units_load()

    official = _official()
    loaded = _parents_in_database()
    assert counts["units"] == len(official) == len(loaded)
    for u in official:
        want = (u.period, _parent_level(u), u.parent_code) if u.parent_code else None
        assert loaded[(u.period, u.level, u.code)] == want, u
    some = next(u for u in official if u.period == "pre2025" and u.level == "commune")
    db_unit = AdministrativeUnit.objects.get(period="pre2025", level="commune", code=some.code)
    assert {(s.period, s.level, s.code) for s in db_unit.successors.all()} == {
        (s.period, s.level, s.code) for s in lib_places.successors(some)
    }
    assert counts["links"] > 0


def test_running_it_again_changes_nothing_but_a_parent_that_was_wrong(db):
    first = units_load()
    before = _parents_in_database()
    commune = AdministrativeUnit.objects.filter(period="pre2025", level="commune").first()
    other = (
        AdministrativeUnit.objects.filter(period="pre2025", level="district")
        .exclude(pk=commune.parent_id)
        .first()
    )
    commune.parent = other
    commune.save(update_fields=["parent"])

    again = units_load()

    assert again == first
    assert _parents_in_database() == before
