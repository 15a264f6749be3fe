"""hotich registry load: CSV, Parquet and Excel extracts, bad rows, re-runs, links, keys."""

import csv
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from hotich.lib.dates import PartialDate
from hotich.matching.engine.features import PersonInput, match_columns
from hotich.registry.extracts import ExtractError, open_extract
from hotich.registry.loading import extract_load
from hotich.registry.models import Citizen
from hotich.registry.services import citizens_load

GIVEN = ["An", "Bình", "Cúc", "Dũng", "Hà"]
HEADER = ["personal_id", "full_name", "birth_date", "sex", "birth_place", "mother_name"]


def write_csv(path, rows, header=HEADER):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# (birth_date as written, sex as written, stored birth_date, stored sex)
DATE_AND_SEX_CASES = [
    ("1985-08-15", "Nam", "1985-08-15", "1"),
    ("1985-08", "Nữ", "1985-08", "2"),
    ("1985", "1", "1985", "1"),
    ("15/08/1985", "2", "1985-08-15", "2"),
    ("08/1985", "", "1985-08", "3"),
    ("", "NỮ", None, "2"),
]


@pytest.mark.parametrize(("written", "sex", "stored", "stored_sex"), DATE_AND_SEX_CASES)
def test_it_reads_every_contract_date_and_sex_form(db, tmp_path, written, sex, stored, stored_sex):
    digit = "1" if stored_sex == "2" else "0"
    pid = f"038{digit}85000123"
    path = write_csv(tmp_path / "r.csv", [[pid, "Lê Văn Tám", written, sex, "", ""]])

    report = citizens_load(path=path, workers=0)

    assert (report.loaded, report.rejected) == (1, 0)
    citizen = Citizen.objects.get(personal_id=pid)
    assert (citizen.birth_date.isoformat() if citizen.birth_date else None) == stored
    assert citizen.sex == stored_sex
    assert citizen.birth_year == (1985 if stored else None)


def test_it_repairs_mojibake_and_sets_names_keys_and_blocking_keys(db, units, tmp_path):
    units["old_commune"].code = "16417"  # its real code, which the place resolver returns
    units["old_commune"].save(update_fields=["code"])
    path = write_csv(
        tmp_path / "r.csv",
        [
            [
                "038185000001",
                "NguyÔn ThÞ H¶i",  # TCVN3 read as Latin-1
                "02/03/1985",
                "Nữ",
                "Xã Đông Văn, Huyện Đông Sơn, Tỉnh Thanh Hóa",
                "Lê Thị Cúc",
            ]
        ],
    )

    citizens_load(path=path, workers=0)

    c = Citizen.objects.get(personal_id="038185000001")
    assert (c.full_name, c.family_name, c.middle_name, c.given_name) == (
        "Nguyễn Thị Hải",
        "Nguyễn",
        "Thị",
        "Hải",
    )
    assert (c.name_key, c.family_key, c.given_key) == ("nguyen thi hai", "nguyen", "hai")
    assert c.birthplace_unit == units["old_commune"]
    expected = match_columns(
        PersonInput(
            full_name="Nguyễn Thị Hải",
            birth_date=PartialDate(1985, 3, 2),
            sex="2",
            birth_place=c.birthplace,
            mother_name="Lê Thị Cúc",
        )
    )
    assert {k: getattr(c, k) for k in expected} == expected
    assert all(expected.values())


def test_bad_rows_are_reported_by_row_and_column_and_good_rows_are_loaded(db, tmp_path):
    path = write_csv(
        tmp_path / "r.csv",
        [
            ["038085000001", "Lê Văn Một", "1985", "Nam", "", ""],
            ["03808500000", "Lê Văn Hai", "1985", "Nam", "", ""],  # 11 digits
            ["038085000003", "Lê Văn Ba", "31/02/1985", "Nam", "", ""],  # no such day
            ["038085000004", "", "1985", "Nam", "", ""],  # no name
            ["038085000005", "Lê Văn Năm", "1985", "Nữ", "", ""],  # ID says male: warning
            ["038085000006", "Lê Văn Sáu", "1985", "Nam", "", ""],
        ],
    )

    report = citizens_load(path=path, workers=0)

    assert (report.rows, report.loaded, report.rejected, report.warnings) == (6, 3, 3, 1)
    assert set(Citizen.objects.values_list("personal_id", flat=True)) == {
        "038085000001",
        "038085000005",
        "038085000006",
    }
    problems = "\n".join(report.problems)
    assert "Dòng 3, cột personal_id: Số định danh cá nhân phải có 12 chữ số" in problems
    assert "Dòng 4, cột birth_date: " in problems
    assert "Dòng 5, cột full_name: thiếu họ và tên — dòng không được nạp." in problems
    assert "Dòng 6, cột personal_id: " in problems and "(vẫn nạp dòng này)" in problems


def test_running_the_same_file_again_updates_rows_and_never_duplicates(db, tmp_path):
    rows = [
        ["038085000001", "Lê Văn Một", "1985", "Nam", "", ""],
        ["038185000002", "Lê Thị Hai", "1985", "Nữ", "", ""],
    ]
    citizens_load(path=write_csv(tmp_path / "a.csv", rows), workers=0)
    first_pk = Citizen.objects.get(personal_id="038085000001").pk

    rows[0][1] = "Lê Văn Mốt"
    report = citizens_load(path=write_csv(tmp_path / "b.csv", rows), workers=0)

    assert (report.inserted, report.updated) == (0, 2)
    assert Citizen.objects.count() == 2
    updated = Citizen.objects.get(personal_id="038085000001")
    assert (updated.pk, updated.full_name) == (first_pk, "Lê Văn Mốt")
    assert (
        updated.bk1 == match_columns(PersonInput(full_name="Lê Văn Mốt", birth_date="1985"))["bk1"]
    )


def test_a_personal_id_twice_in_one_file_keeps_the_last_row(db, tmp_path):
    path = write_csv(
        tmp_path / "r.csv",
        [
            ["038085000001", "Lê Văn Một", "1985", "Nam", "", ""],
            ["038085000001", "Lê Văn Mốt", "1985", "Nam", "", ""],
        ],
    )
    citizens_load(path=path, workers=0)
    assert list(Citizen.objects.values_list("full_name", flat=True)) == ["Lê Văn Mốt"]


def test_parent_and_spouse_ids_are_linked_after_every_row_is_in(db, tmp_path):
    header = [*HEADER, "father_id", "mother_id", "spouse_id", "death_date"]
    path = write_csv(
        tmp_path / "r.csv",
        [
            # The child comes before its parents; the mother names an unknown spouse.
            [
                "038210000003",
                "Trần Văn Con",
                "2010",
                "Nam",
                "",
                "",
                "038080000001",
                "038182000002",
                "",
                "",
            ],
            [
                "038080000001",
                "Trần Văn Cha",
                "1980",
                "Nam",
                "",
                "",
                "",
                "",
                "038182000002",
                "2020-05-01",
            ],
            ["038182000002", "Lê Thị Mẹ", "1982", "Nữ", "", "", "", "", "038099999999", ""],
            ["038070000004", "Trần Văn Lạ", "1970", "Nam", "", "", "12345", "", "", ""],
        ],
        header=header,
    )

    report = citizens_load(path=path, workers=0)

    child = Citizen.objects.get(personal_id="038210000003")
    assert child.father.personal_id == "038080000001"
    assert child.mother.personal_id == "038182000002"
    father = Citizen.objects.get(personal_id="038080000001")
    assert father.spouse.personal_id == "038182000002"
    assert (father.alive, father.death_date) == (False, PartialDate(2020, 5, 1))
    assert Citizen.objects.get(personal_id="038182000002").spouse is None
    assert (report.links, report.links_missing) == (3, 1)
    assert any("Dòng 5, cột father_id:" in p and "bỏ qua liên kết" in p for p in report.problems)


def test_parquet_and_excel_extracts_load_like_csv(db, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from openpyxl import Workbook

    # Typed columns as other tools write them: the ID as a number (leading zero lost), the
    # birth date as a date.
    pq.write_table(
        pa.table(
            {
                "personal_id": pa.array([38085000001], pa.int64()),
                "full_name": ["Lê Văn Một"],
                "birth_date": pa.array([date(1985, 8, 15)], pa.date32()),
                "sex": ["Nam"],
            }
        ),
        tmp_path / "r.parquet",
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["Personal_ID", "Full_Name", "Birth_Date", "Sex", "Ghi chú"])
    sheet.append([38185000002, "LÊ THỊ HAI", datetime(1985, 8, 15), 2, "x"])  # noqa: DTZ001
    sheet.append([None, None, None, None, None])
    sheet.append(["038185000003", "Lê Thị Ba", "1985", "Nữ", ""])
    book.save(tmp_path / "r.xlsx")

    parquet = citizens_load(path=tmp_path / "r.parquet", workers=0)
    excel = citizens_load(path=tmp_path / "r.xlsx", workers=0)

    assert (parquet.loaded, excel.loaded, excel.rejected) == (1, 2, 0)
    assert excel.ignored_columns == ["Ghi chú"]
    one = Citizen.objects.get(personal_id="038085000001")
    assert one.birth_date == PartialDate(1985, 8, 15)
    two = Citizen.objects.get(personal_id="038185000002")
    assert (two.full_name, two.sex, two.birth_date) == ("Lê Thị Hai", "2", PartialDate(1985, 8, 15))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("r.csv", "personal_id,full_name,sex\n", "Tệp thiếu cột bắt buộc: birth_date"),
        ("r.csv", b"personal_id,full_name,birth_date,sex\n\xa7\xc6ng,x,1985,Nam\n", "UTF-8"),
        ("r.json", "{}", "Không đọc được loại tệp “.json”"),
        ("r.xlsx", "not a workbook", "Không đọc được tệp Excel"),
        ("r.parquet", "not parquet", "Không đọc được tệp Parquet"),
    ],
)
def test_an_unreadable_file_is_refused_with_a_clear_message(db, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(ExtractError, match=message):
        citizens_load(path=path, workers=0)
    assert Citizen.objects.count() == 0


def _indexes():
    with connection.cursor() as cursor:
        table = Citizen._meta.db_table
        return sorted(connection.introspection.get_constraints(cursor, table))


def test_worker_processes_and_index_rebuild_give_the_same_registry(db, tmp_path):
    rows = [
        [
            f"038{(i % 2)}{80 + i % 20}{i:06d}",
            f"Phạm {'Văn' if i % 2 == 0 else 'Thị'} {GIVEN[i % 5]}",
            f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1980 + i % 20}",
            "Nam" if i % 2 == 0 else "Nữ",
            "Xã Đông Văn, Huyện Đông Sơn, Tỉnh Thanh Hóa",
            "Lê Thị Cúc",
        ]
        for i in range(300)
    ]
    rows[150][2] = "32/01/1990"
    path = write_csv(tmp_path / "r.csv", rows)
    indexes = _indexes()

    report = extract_load(open_extract(path), workers=2, chunk_size=40, rebuild_indexes=True)

    assert (report.loaded, report.rejected) == (299, 1)
    assert "Dòng 152, cột birth_date:" in report.problems[0]
    assert _indexes() == indexes
    in_process = {c.personal_id: c.bk1 for c in Citizen.objects.all()}
    Citizen.objects.all().delete()
    citizens_load(path=path, workers=0)
    assert {c.personal_id: c.bk1 for c in Citizen.objects.all()} == in_process


def test_the_command_prints_a_summary_and_writes_every_problem(db, tmp_path, capsys):
    path = write_csv(
        tmp_path / "r.csv",
        [
            ["038085000001", "Lê Văn Một", "1985", "Nam", "", ""],
            ["x", "Lê Văn Hai", "1985", "Nam", "", ""],
        ],
    )
    errors = tmp_path / "errors.csv"

    call_command("registry_load", str(path), "--errors", str(errors), "--workers", "0", "-v", "2")

    out = capsys.readouterr()
    assert "Thời gian: đọc, tính khóa và ghi" in out.out
    assert "nạp 1 (1 mới, 0 cập nhật), bỏ qua 1 dòng lỗi" in out.out
    assert "Dòng 3, cột personal_id" in out.err
    with errors.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["row"], r["column"], r["fatal"]) for r in rows] == [("3", "personal_id", "1")]


def test_the_command_fails_when_nothing_could_be_loaded(db, tmp_path):
    path = write_csv(tmp_path / "r.csv", [["x", "", "1985", "Nam", "", ""]])
    with pytest.raises(CommandError, match="Không nạp được dòng nào"):
        call_command("registry_load", str(path), "-v", "0")
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("registry_load", str(tmp_path / "none.csv"), "-v", "0")


LINK_HEADER = [*HEADER, "father_id", "mother_id", "spouse_id"]


def _family_rows():
    """Parents, children linked backwards and forwards, repeats, a relative nobody knows."""
    rows = []
    for i in range(60):
        father, mother, child = f"038075{i:06d}", f"038178{i:06d}", f"038005{i:06d}"
        child_row = [child, f"Lê Văn {GIVEN[i % 5]}", "2005", "Nam", "", "", father, mother, ""]
        father_row = [father, "Lê Văn Bố", "1975", "Nam", "", "", "", "", mother]
        mother_row = [mother, "Phạm Thị Mẹ", "1978", "Nữ", "", "", "", "", father]
        # Half the children come before their parents (links resolved at the end).
        rows += (
            [child_row, father_row, mother_row] if i % 2 else [father_row, mother_row, child_row]
        )
    rows.append(["038090000999", "Hồ Văn Lạ", "1990", "Nam", "", "", "038060000000", "", ""])
    # The same people again with changes: the last row wins, links included.
    rows.append(["038075000003", "Lê Văn Bố Mới", "1975", "Nam", "", "", "", "", ""])
    rows.append(
        ["038005000004", "Lê Văn Con", "2005", "Nam", "", "", "038075000005", "038178000004", ""]
    )
    return rows


def _registry():
    by_id = dict(Citizen.objects.values_list("id", "personal_id"))
    return {
        c.personal_id: (
            c.full_name,
            c.bk1,
            c.bk6,
            by_id.get(c.father_id),
            by_id.get(c.mother_id),
            by_id.get(c.spouse_id),
        )
        for c in Citizen.objects.all()
    }


def test_the_bulk_path_gives_the_same_registry_as_the_upsert_path(db, tmp_path):
    path = write_csv(tmp_path / "r.csv", _family_rows(), header=LINK_HEADER)
    existing = [
        Citizen(personal_id="038075000010", full_name="Lê Văn Cũ", name_key="le van cu", sex="1"),
        Citizen(personal_id="038080000001", full_name="Ngô Văn Giữ", name_key="x", sex="1"),
    ]
    indexes = _indexes()

    results = []
    for bulk in (False, True):
        Citizen.objects.all().delete()
        Citizen.objects.bulk_create(existing)
        report = extract_load(open_extract(path), workers=0, chunk_size=25, rebuild_indexes=bulk)
        fields = ("loaded", "inserted", "updated", "rejected", "links", "links_missing")
        results.append(({f: getattr(report, f) for f in fields}, _registry()))

    diff = {
        k: (v, results[1][1].get(k)) for k, v in results[0][1].items() if results[1][1].get(k) != v
    }
    assert not diff
    assert results[1] == results[0]
    counts, registry = results[1]
    assert counts == {
        "loaded": 183, "inserted": 180, "updated": 3, "rejected": 0, "links": 182,
        "links_missing": 1,
    }  # fmt: skip
    assert registry["038005000001"][3:] == ("038075000001", "038178000001", None)
    assert registry["038075000001"][5] == "038178000001"
    assert registry["038075000003"][0] == "Lê Văn Bố Mới"
    assert registry["038005000004"][3:5] == ("038075000005", "038178000004")
    assert registry["038090000999"][3] is None
    assert _indexes() == indexes  # indexes and foreign keys are all back
    # The primary keys handed out by the bulk path are past the sequence: new rows still fit.
    created = Citizen.objects.create(personal_id="038090000777", full_name="A", name_key="a")
    assert created.pk > max(Citizen.objects.exclude(pk=created.pk).values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_outside_a_transaction_checks_foreign_keys_once_and_restores_them(
    tmp_path,
):
    # Outside a transaction SQLite's row-by-row foreign-key checks are switched off for the
    # bulk path and the whole table is checked at the end; PostgreSQL drops and re-adds them.
    path = write_csv(tmp_path / "r.csv", _family_rows(), header=LINK_HEADER)
    indexes = _indexes()

    report = extract_load(open_extract(path), workers=0, chunk_size=25, rebuild_indexes=True)

    assert (report.inserted, report.links, report.links_missing) == (181, 182, 1)
    assert _registry()["038005000001"][3:] == ("038075000001", "038178000001", None)
    assert _indexes() == indexes
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
    father = Citizen.objects.get(personal_id="038075000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Citizen.objects.filter(pk=father.pk).update(father_id=10**9)
    if connection.vendor == "postgresql":
        # The links between citizens come back NOT VALID (the loader set them itself): the
        # rows do pass the check, and a second bulk load handles such constraints.
        with connection.cursor() as cursor:
            for _round in range(2):
                cursor.execute(
                    "SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f' "
                    "AND conrelid = %s::regclass AND confrelid = conrelid ORDER BY conname",
                    [Citizen._meta.db_table],
                )
                links = cursor.fetchall()
                assert [valid for _name, valid in links] == [False, False, False]
                for name, _valid in links:
                    cursor.execute(
                        f'ALTER TABLE "{Citizen._meta.db_table}" VALIDATE CONSTRAINT "{name}"'
                    )
                extract_load(open_extract(path), workers=0, chunk_size=25, rebuild_indexes=True)
        assert _indexes() == indexes
        assert Citizen.objects.count() == 181


def test_a_bulk_load_that_fails_half_way_leaves_the_registry_as_it_was(db, tmp_path):
    path = write_csv(tmp_path / "r.csv", _family_rows(), header=LINK_HEADER)
    Citizen.objects.create(personal_id="038080000001", full_name="Ngô Văn Giữ", name_key="x")
    indexes = _indexes()

    def progress(done, total):
        if done > 50:
            raise RuntimeError("stopped by the user")

    with pytest.raises(RuntimeError, match="stopped by the user"):
        extract_load(
            open_extract(path), workers=0, chunk_size=25, rebuild_indexes=True, progress=progress
        )

    assert list(Citizen.objects.values_list("personal_id", flat=True)) == ["038080000001"]
    assert _indexes() == indexes
    assert extract_load(open_extract(path), workers=0, rebuild_indexes=True).inserted == 181


@pytest.mark.parametrize("bulk", [False, True])
def test_backslashes_tabs_and_line_breaks_are_stored_as_written(db, tmp_path, bulk):
    """On PostgreSQL the rows travel as COPY text: its escapes must not change a value."""
    header = ["personal_id", "full_name", "birth_date", "sex", "residence", "nationality"]
    residence = 'Số 5\\7 ngõ "Hà"\tthôn\\nĐông\r\nxã \\N'
    rows = [
        ["038090000001", "Nguyễn Văn An", "1990-01-02", "Nam", residence, "\\N"],
        ["038190000002", "Lê Thị Bé", "1990", "Nữ", "", "Lào"],
    ]
    path = write_csv(tmp_path / "r.csv", rows, header=header)

    report = extract_load(open_extract(path), workers=0, rebuild_indexes=bulk)

    assert (report.loaded, report.rejected) == (2, 0)
    first = Citizen.objects.get(personal_id="038090000001")
    assert "\\7" in first.residence and "\\nĐông" in first.residence
    assert first.residence.endswith("\\N")
    assert first.nationality == "\\N"
    assert first.alive is True and first.death_date is None
    expected = match_columns(
        PersonInput(full_name="Nguyễn Văn An", birth_date="1990-01-02", sex="Nam")
    )
    assert {k: getattr(first, k) for k in expected} == expected
    second = Citizen.objects.get(personal_id="038190000002")
    assert (second.residence, second.nationality, second.birth_date) == (
        "",
        "Lào",
        PartialDate(1990),
    )
