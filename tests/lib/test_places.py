"""Administrative units and free-text place resolution (hotich.lib.places)."""

from __future__ import annotations

import importlib.util
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from hotich.lib.places import (
    AdminUnit,
    get_unit,
    iter_units,
    predecessors,
    province_by_code,
    resolve_place,
    successors,
)


def _bench_module():
    path = Path(__file__).resolve().parents[2] / "bench" / "bench_places.py"
    spec = importlib.util.spec_from_file_location("bench_places", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_places"] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------------------------
# Units
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "level", "count"),
    [
        ("pre2025", "province", 63),
        ("pre2025", "district", 696),
        ("pre2025", "commune", 10051),
        ("current", "province", 34),
        ("current", "commune", 3321),
        ("current", "district", 0),
    ],
)
def test_it_exposes_the_official_unit_counts(period, level, count):
    assert sum(1 for _ in iter_units(period, level=level)) == count


def test_it_keeps_codes_as_padded_strings_with_validity_dates():
    commune = get_unit("16417", "pre2025", "commune")
    assert commune == AdminUnit(
        code="16417",
        name="Đông Văn",
        level="commune",
        period="pre2025",
        parent_code=commune.parent_code,
        province_code="38",
        type_name="Xã",
        valid_from=None,
        valid_to=date(2025, 6, 30),
    )
    assert len(commune.parent_code or "") == 3
    current = get_unit("38", "current", "province")
    assert current is not None and current.valid_from == date(2025, 7, 1)


def test_it_tells_apart_an_old_and_a_new_ward_sharing_one_code():
    old = get_unit("00004", "pre2025", "commune")
    new = get_unit("4", "current", "commune")
    assert old is not None and new is not None
    assert (old.name, new.name) == ("Trúc Bạch", "Ba Đình")
    assert old in predecessors(new)


@pytest.mark.parametrize(
    ("code", "period", "expected"),
    [
        ("038", "pre2025", "Thanh Hóa"),
        ("38", "pre2025", "Thanh Hóa"),
        ("035", "pre2025", "Hà Nam"),
        ("08", "current", "Tuyên Quang"),
        ("035", "current", None),  # Hà Nam no longer exists as a province
        ("138", "pre2025", None),
        ("abc", "pre2025", None),
    ],
)
def test_it_finds_a_province_by_statistical_or_id_number_code(code, period, expected):
    unit = province_by_code(code, period=period)
    assert (unit.name if unit else None) == expected


@pytest.mark.parametrize(
    ("old_code", "level", "expected_current"),
    [
        ("35", "province", ["37"]),  # Hà Nam → Ninh Bình
        ("38", "province", ["38"]),  # unchanged
        ("16417", "commune", ["16417"]),  # Xã Đông Văn → Phường Đông Quang (same code)
        ("00016", "commune", ["00004", "00008"]),  # Phường Ngọc Hà: partial merge
    ],
)
def test_it_maps_an_old_unit_to_its_current_successors(old_code, level, expected_current):
    old = get_unit(old_code, "pre2025", level)
    assert [u.code for u in successors(old)] == expected_current


def test_it_maps_an_old_district_to_every_commune_covering_it():
    district = resolve_place("huyện Quan Hóa, tỉnh Thanh Hóa").unit
    assert district is not None and district.level == "district"
    covering = successors(district)
    assert len(covering) > 1
    assert all(u.period == "current" and u.province_code == "38" for u in covering)


def test_it_lists_the_old_provinces_a_current_province_absorbed():
    ninh_binh = get_unit("37", "current", "province")
    assert sorted(u.code for u in predecessors(ninh_binh)) == ["35", "36", "37"]


# ------------------------------------------------------------------------------------------
# Resolution
# ------------------------------------------------------------------------------------------

DONG_VAN = ("pre2025", "16417")


@pytest.mark.parametrize(
    "text",
    [
        "xã Đông Văn, huyện Đông Sơn, tỉnh Thanh Hóa",
        "X. Đông Văn - H. Đông Sơn - T. Thanh Hoá",
        "Dong Van, Dong Son, Thanh Hoa",
        "XÃ ĐÔNG VĂN, HUYỆN ĐÔNG SƠN, TỈNH THANH HÓA",
        "xa Dong Van huyen Dong Son tinh Thanh Hoa",
        "Dong Van Dong Son Thanh Hoa",
        "  xã  Đông Văn ,huyện Đông Sơn;  Thanh Hoá. ",
        "thôn 3, xã Đông Văn, Thanh Hóa",
        "xã Đông Văn huyện Đông Sơn tỉnh Thanh Hóa",
    ],
)
def test_it_resolves_an_abbreviated_commune_to_its_current_successor(text):
    result = resolve_place(text)
    assert result.status == "resolved"
    assert (result.unit.period, result.unit.code) == DONG_VAN
    assert [u.name for u in result.current] == ["Đông Quang"]
    assert result.current_province is not None and result.current_province.code == "38"


def test_it_tolerates_a_district_merged_before_2025_and_says_so():
    # Huyện Đông Sơn was merged into Thành phố Thanh Hóa in 2024; books still name it.
    result = resolve_place("xã Đông Văn, huyện Đông Sơn, tỉnh Thanh Hóa")
    assert result.status == "resolved"
    assert "huyện Đông Sơn" in result.message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("TT. Rừng Thông, Đông Sơn, Thanh Hóa", "16378"),  # a thị trấn that became a phường
        ("phường 3, quận Tân Bình, thành phố Hồ Chí Minh", "26980"),
        ("P.03, Q. Tân Bình, TP.HCM", "26980"),
        ("Phuong 3, Tan Binh, Sai Gon", "26980"),
        ("P. Bến Nghé, Q.1, TP HCM", "26740"),
        ("Phường Bến Nghé, Quận 1, Tp Hồ Chí Minh", "26740"),
        ("Xã Xà Phìn, Đồng Văn, Hà Giang", None),  # "Xà" must not be read as "xã"
        ("Thanh Hóa, Đông Sơn, Đông Văn", "16417"),  # province first
    ],
)
def test_it_resolves_the_ways_books_write_places(text, code):
    result = resolve_place(text)
    assert result.status == "resolved"
    assert result.unit.level == "commune"
    if code is not None:
        assert result.unit.code == code


def test_it_reports_a_partial_merge_as_an_ambiguous_successor():
    result = resolve_place("Phường Ngọc Hà, Quận Ba Đình, Hà Nội")
    assert result.status == "resolved"
    assert result.unit.code == "00016"
    assert [u.name for u in result.current] == ["Ba Đình", "Ngọc Hà"]
    assert result.successor_ambiguous
    assert "nhiều đơn vị mới" in result.message


@pytest.mark.parametrize(
    ("text", "at_least"),
    [("xã Tân Lập", 20), ("Tan Lap", 20), ("Phường 3", 5)],
)
def test_it_returns_candidates_for_a_name_found_in_many_provinces(text, at_least):
    result = resolve_place(text)
    assert result.status == "ambiguous"
    assert result.unit is None
    assert len(result.candidates) >= at_least
    assert result.message


def test_it_uses_the_event_date_to_choose_between_an_old_and_a_new_unit():
    text = "xã Đông Sơn, tỉnh Thanh Hóa"
    assert resolve_place(text).status == "ambiguous"
    after = resolve_place(text, when=date(2025, 9, 1))
    assert after.status == "resolved" and after.unit.period == "current"
    assert after.unit.name == "Đông Sơn"


def test_it_resolves_a_current_unit_written_without_district():
    # "Phường Đông Quang" exists only since 1 July 2025.
    result = resolve_place("phường Đông Quang, tỉnh Thanh Hóa")
    assert result.status == "resolved"
    assert result.unit.period == "current"
    assert result.current == [result.unit]
    assert not result.successor_ambiguous


def test_it_does_not_match_a_commune_of_another_old_province_merged_into_the_same_new_one():
    # Hải Dương and Hải Phòng are one city now; both had a "xã Bạch Đằng".
    result = resolve_place("xã Bạch Đằng, thị xã Kinh Môn, tỉnh Hải Dương")
    assert result.status == "resolved"
    assert result.unit.province_code == "30"


def test_it_offers_the_covering_communes_when_a_ward_was_merged_before_2025():
    # Quận 10's numbered wards were merged in 2024: "Phường 3" is not in the 2025 list.
    result = resolve_place("P.3, Q.10, TP.HCM")
    assert result.status == "ambiguous"
    assert result.candidates and all(c.period == "current" for c in result.candidates)
    assert result.current_province is not None and result.current_province.code == "79"


@pytest.mark.parametrize(
    ("text", "level", "name"),
    [
        ("Thanh Hóa", "province", "Thanh Hóa"),
        ("Thanh Hoá", "province", "Thanh Hóa"),
        ("TP Thanh Hóa", "district", "Thanh Hóa"),
        ("Sài Gòn", "province", "Hồ Chí Minh"),
        ("TP.HCM", "province", "Hồ Chí Minh"),
        ("Bà Rịa - Vũng Tàu", "province", "Bà Rịa - Vũng Tàu"),
        ("Thừa Thiên Huế", "province", "Huế"),
        ("huyện Quan Hóa, Thanh Hóa", "district", "Quan Hóa"),
        ("Q.10, TP.HCM", "district", "10"),
    ],
)
def test_it_resolves_provinces_and_districts_written_alone(text, level, name):
    result = resolve_place(text)
    assert result.status == "resolved"
    assert (result.unit.level, result.unit.name) == (level, name)


def test_it_uses_the_province_hint_when_the_text_has_none():
    # Without diacritics "Dong Van" is Đông Văn (Thanh Hóa) or one of several Đồng Văn.
    assert resolve_place("Dong Van").status == "ambiguous"
    result = resolve_place("Dong Van", province_hint="038")
    assert result.status == "resolved" and result.unit.code == "16417"


@pytest.mark.parametrize("text", ["", "   ", "Không rõ", "xã Không Có Thật, tỉnh Thanh Hóa"])
def test_it_says_not_found_in_vietnamese(text):
    result = resolve_place(text)
    assert result.status == "not_found"
    assert result.message.startswith("Không tìm thấy")


# ------------------------------------------------------------------------------------------
# Accuracy and speed on the benchmark's sample
# ------------------------------------------------------------------------------------------


def test_it_resolves_at_least_98_percent_of_a_realistic_sample_quickly():
    bench = _bench_module()
    cases = bench.make_cases(300, seed=11)
    report = bench.run(cases)
    assert report.accuracy >= 0.98, report.wrong[:10]
    assert report.seconds < 3


def test_it_resolves_a_thousand_strings_well_under_a_few_seconds():
    resolve_place("Thanh Hóa")  # index built
    texts = [f"xã Đông Văn, huyện Đông Sơn, tỉnh Thanh Hóa {i % 3 * ' '}" for i in range(1000)]
    start = time.perf_counter()
    for text in texts:
        resolve_place(text)
    assert time.perf_counter() - start < 2
