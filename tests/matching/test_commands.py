"""hotich match (the file contract), hotich model train and hotich model show."""

import csv
import json

import pytest
from django.core.management import CommandError, call_command

from hotich.matching.engine.contract import readable_year
from hotich.matching.engine.modelfile import DEFAULT_MODEL, load_model_file, versions
from hotich.matching.services import active_model

CITIZENS = """personal_id,full_name,birth_date,sex,birth_place,hometown,ethnicity,father_name,mother_name
038085000123,Nguyễn Văn Hùng,1985-08-15,Nam,"Xã Đông Văn, Huyện Đông Sơn, Tỉnh Thanh Hóa",,Kinh,Nguyễn Văn Bình,Lê Thị Hoa
038185000456,Trần Thị Mai,1985-03-02,Nữ,"Xã Cẩm Thạch, Huyện Cẩm Thủy, Tỉnh Thanh Hóa",,Kinh,Trần Văn Lộc,Đỗ Thị Sen
038062000789,Lê Văn Tám,1962,Nam,,,,,
12345,Sai Mã,1990,Nam,,,,,
"""
RECORDS = """record_id,full_name,birth_date,sex,birth_place,hometown,ethnicity,father_name,mother_name
a1,NGUYEN VAN HUNG,15/08/1985,Nam,"Đông Văn, Đông Sơn, Thanh Hóa",,,Nguyễn Văn Bình,Lê Thị Hoa
a2,Trần Thị Mai,02/03/1985,Nam,"Cẩm Thạch, Cẩm Thủy, Thanh Hóa",,,Trần Văn Lộc,Đỗ Thị Sen
a3,Phạm Quang Khải,1999,Nam,,,,,
a4,,1990,Nam,,,,,
a5,Lê Văn Tám,31/02/1962,,,,,,
a6,Tr§n ThÞ Mai,1985,Nữ,,,,Trần Văn Lộc,Đỗ Thị Sen
"""


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def results(path):
    with path.open(encoding="utf-8") as handle:
        return {row["record_id"]: row for row in csv.DictReader(handle)}


def test_match_files_contract(tmp_path, capsys):
    citizens = write(tmp_path / "citizens.csv", CITIZENS)
    records = write(tmp_path / "records.csv", RECORDS)
    out = tmp_path / "results.csv"
    call_command("match", registry=citizens, records=records, out=out)
    captured = capsys.readouterr()
    rows = results(out)
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header == "record_id,outcome,personal_id,score,fields"
    assert rows["a1"]["outcome"] == "match" and rows["a1"]["personal_id"] == "038085000123"
    assert rows["a2"]["outcome"] == "discrepancy" and rows["a2"]["fields"] == "sex"
    assert rows["a3"]["outcome"] == "not_found" and rows["a3"]["personal_id"] == ""
    # TCVN3 mojibake is repaired; the year-only date agrees with the registry's full date.
    assert rows["a6"]["personal_id"] == "038185000456"
    assert float(rows["a1"]["score"]) > 0.99
    # Bad rows are named with their row and column, and skipped; the rest is processed.
    assert "a4" not in rows
    assert "Bỏ qua records.csv, dòng 5, cột full_name: thiếu họ tên" in captured.err
    assert "citizens.csv, dòng 5, cột personal_id" in captured.err
    # An impossible date (31/02) is no reason to skip a person: kept, compared by its year
    # (name and year alone: the registry's Lê Văn Tám 1962 is for an officer to confirm),
    # and reported.
    assert rows["a5"]["outcome"] == "review" and float(rows["a5"]["score"]) > 0.5
    assert (
        "Lưu ý records.csv, dòng 6, cột birth_date: ngày sinh “31/02/1962” không phải ngày có"
        " thật: vẫn đối chiếu, chỉ dùng năm 1962" in captured.err
    )
    assert "Đã ghi 5 kết quả" in captured.out
    assert "1 dòng có ngày sinh không hợp lệ vẫn được đối chiếu" in captured.out


@pytest.mark.parametrize(
    ("written", "year"),
    [("1940-27-04", "1940"), ("31/02/1985", "1985"), ("5005", ""), ("12/1990 hoặc 1991", "")],
)
def test_the_readable_year_of_an_impossible_date(written, year):
    assert readable_year(written) == year


def test_match_refuses_files_it_cannot_use(tmp_path):
    good = write(tmp_path / "citizens.csv", CITIZENS)
    missing = write(tmp_path / "records.csv", "record_id,name\nx,Nguyễn Văn A\n")
    with pytest.raises(CommandError, match="thiếu cột: full_name, birth_date, sex"):
        call_command("match", registry=good, records=missing, out=tmp_path / "r.csv")
    with pytest.raises(CommandError, match="Không mở được tệp"):
        call_command("match", registry=good, records=tmp_path / "nope.csv", out=tmp_path / "r.csv")
    binary = tmp_path / "records.xlsx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00\x81binary")
    with pytest.raises(CommandError, match="không phải CSV UTF-8|thiếu cột"):
        call_command("match", registry=good, records=binary, out=tmp_path / "r.csv")


def test_model_train_on_files_saves_versions_and_show_reads_them(
    tmp_path, settings, bench_data, capsys
):
    settings.HOTICH_MODELS_DIR = tmp_path / "models"
    fields = [
        "personal_id",
        "full_name",
        "birth_date",
        "sex",
        "birth_place",
        "hometown",
        "ethnicity",
        "father_name",
        "mother_name",
    ]
    with (tmp_path / "citizens.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(bench_data.registry)
    with (tmp_path / "records.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["record_id", *fields[1:]])
        writer.writeheader()
        writer.writerows(bench_data.records)
    assert active_model().version == 0  # nothing trained: the shipped default
    for _ in range(2):
        call_command(
            "model_train", registry=tmp_path / "citizens.csv", records=tmp_path / "records.csv"
        )
    found = versions(settings.HOTICH_MODELS_DIR)
    assert [v for v, _ in found] == [1, 2]
    model = active_model()
    assert model.version == 2 and model.meta["records"] == len(bench_data.records)
    # What EM learnt without labels makes sense: agreement on the exact given name and date
    # is evidence for, disagreement evidence against.
    given = dict(
        zip(
            [lv["level"] for lv in model.describe() if lv["comparison"] == "giv"],
            [lv["weight"] for lv in model.describe() if lv["comparison"] == "giv"],
            strict=True,
        )
    )
    assert given["exact"] > 3 and given["else"] < -3
    capsys.readouterr()
    call_command("model_show")
    shown = capsys.readouterr().out
    assert "phiên bản 2" in shown and "Ngày sinh" in shown and "đảo ngày và tháng" in shown
    call_command("model_show", model_version=1, json=True)
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1 and set(data["comparisons"]) >= {"fam", "giv", "bd"}
    with pytest.raises(CommandError, match="Không có phiên bản 9"):
        call_command("model_show", model_version=9)


def test_model_train_refuses_too_little_data(tmp_path, settings, db):
    settings.HOTICH_MODELS_DIR = tmp_path / "models"
    with pytest.raises(CommandError, match="Cần ít nhất 200 bản ghi"):
        call_command("model_train")
    assert versions(settings.HOTICH_MODELS_DIR) == []


def test_shipped_default_model_loads():
    model = load_model_file(DEFAULT_MODEL)
    assert 0 < model.parameters.lam < 1e-3
    assert model.parameters.tf["giv_n"]["anh"] > model.parameters.tf["giv_n"]["khuê"]


def test_model_train_on_a_synthetic_population_writes_the_model_file(tmp_path, settings):
    # --benchmark comes from the demo app's command, which extends matching's.
    settings.HOTICH_MODELS_DIR = tmp_path / "models"
    call_command("model_train", benchmark=3_000, seed=5, output=tmp_path / "model.json")
    data = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    assert data["meta"]["source"] == "benchmark 3000"
    assert versions(settings.HOTICH_MODELS_DIR) == []
