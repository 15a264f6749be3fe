"""Fixtures of the keying tests: registry citizens for each lookup outcome, form data."""

import pytest

from hotich.lib.dates import PartialDate
from hotich.lib.text import comparison_key, normalise_name
from hotich.matching.engine.features import PersonInput, match_columns
from hotich.registry.models import Citizen

PLACE = "Xã Đông Văn, Huyện Đông Sơn, Tỉnh Thanh Hóa"

# What the book says for each outcome; the registry knows the first two people.
MATCH = {
    "nksHoTen": "Nguyễn Thị Phượng",
    "nksGioiTinh": "2",
    "nksNgaySinh": "15/08/2008",
    "nksNoiSinh": PLACE,
    "nksDanToc": "Kinh",
    "meHoTen": "Lê Thị Hoà",
    "chaHoTen": "Nguyễn Văn Hùng",
}
DISCREPANCY = {
    "nksHoTen": "Trần Văn Khải",
    "nksGioiTinh": "1",
    "nksNgaySinh": "02/03/2008",
    "nksNoiSinh": PLACE,
    "nksDanToc": "Mường",
    "meHoTen": "Phạm Thị Lan",
    "chaHoTen": "Trần Văn Đức",
}
NOT_FOUND = {
    "nksHoTen": "Hoàng Minh Quân",
    "nksGioiTinh": "1",
    "nksNgaySinh": "09/11/2008",
    "nksNoiSinh": PLACE,
    "nksDanToc": "Kinh",
    "meHoTen": "Đỗ Thị Mai",
    "chaHoTen": "Hoàng Văn Tâm",
}


def citizen_make(pid: str, values: dict, **changes) -> Citizen:
    """Create the registry citizen of a book's values (CHANGES: what the registry says instead)."""
    facts = {
        "full_name": values["nksHoTen"],
        "birth_date": values["nksNgaySinh"],
        "sex": values["nksGioiTinh"],
        "birth_place": values["nksNoiSinh"],
        "ethnicity": values["nksDanToc"],
        "father_name": values["chaHoTen"],
        "mother_name": values["meHoTen"],
        **changes,
    }
    date = PartialDate.from_iso("-".join(reversed(facts["birth_date"].split("/"))))
    names = normalise_name(facts["full_name"]).split()
    return Citizen.objects.create(
        personal_id=pid,
        full_name=facts["full_name"],
        family_name=names[0],
        middle_name=" ".join(names[1:-1]),
        given_name=names[-1],
        name_key=comparison_key(facts["full_name"]),
        family_key=comparison_key(names[0]),
        given_key=comparison_key(names[-1]),
        birth_date=date,
        birth_year=date.year,
        sex=facts["sex"],
        birthplace=facts["birth_place"],
        ethnicity=facts["ethnicity"],
        father_name=facts["father_name"],
        mother_name=facts["mother_name"],
        **match_columns(
            PersonInput(
                facts["full_name"],
                date,
                facts["sex"],
                facts["birth_place"],
                "",
                facts["ethnicity"],
                facts["father_name"],
                facts["mother_name"],
            )
        ),
    )


@pytest.fixture
def registry_people(db):
    """The registry knows the MATCH person as written and the DISCREPANCY person with
    another ethnicity; the NOT_FOUND person is unknown."""
    return {
        "match": citizen_make("038308001234", MATCH),
        "discrepancy": citizen_make("038208004321", DISCREPANCY, ethnicity="Kinh"),
    }


def form_data(values: dict, **extra) -> dict:
    """Return the POST data of the keying form for a birth entry."""
    data = {
        "so": "08",
        "quyenSo": "01/2008",
        "ngayDangKy": "20/11/2008",
        "loaiDangKy": "1",
        "nksLoaiKhaiSinh": "1",
        **values,
    }
    data.update(extra)
    return data
