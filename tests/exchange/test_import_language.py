"""`hotich import` speaks Vietnamese by default and English with ``--language en``."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from tests.exchange.ministry_files import ministry_file
from tests.exchange.test_import import BIRTH_ROW

ROWS = [BIRTH_ROW, {**BIRTH_ROW, "STT": 2, "so": "08/2008", "nksGioiTinh": "Gái"}]


def hotich_import(path, *args):
    out = io.StringIO()
    call_command("import", str(path), "--no-reconcile", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            (),
            [
                "Đọc tệp: Excel (.xlsx).",
                "Thêm mới 1, cập nhật 0, không đổi 0, bị từ chối 1, sửa mã chữ cũ 0 dòng.",
                "  Dòng 3, cột nksGioiTinh: “Gái” không có trong danh mục",
                "Báo cáo lỗi: ",
            ],
        ),
        (
            ("--language", "vi"),
            ["Thêm mới 1, cập nhật 0", "  Dòng 3, cột nksGioiTinh: “Gái” không có trong danh mục"],
        ),
        (
            ("--language", "en"),
            [
                "File read as: Excel (.xlsx).",
                "New 1, updated 0, unchanged 0, rejected 1, legacy text repaired in 0 rows.",
                "  Row 3, column nksGioiTinh: “Gái” is not in the list",
                "Rejected rows: ",
            ],
        ),
    ],
    ids=["default", "vi", "en"],
)
def test_the_import_command_reports_in_the_language_asked_for(args, said, book, tmp_path):
    path = ministry_file(tmp_path / "ks.xlsx", ROWS)

    printed = hotich_import(path, "--book", str(book.pk), *args)

    for text in said:
        assert text in printed, printed
    english = "--language" in args and "en" in args
    assert ("Thêm mới" in printed) is not english and ("rejected" in printed) is english
    assert translation.get_language() == "vi"  # the command's language does not stay on


def test_the_json_problems_follow_the_language_too(book, tmp_path):
    path = ministry_file(tmp_path / "ks.xlsx", ROWS)

    result = json.loads(hotich_import(path, "--book", str(book.pk), "--json", "--language", "en"))

    assert [e["row"] for e in result["errors"]] == [3]
    assert "is not in the list" in result["errors"][0]["message"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Không tìm thấy tệp"),
        (("--language", "en"), "not found"),
    ],
)
def test_a_missing_file_is_refused_in_the_language_asked_for(args, message, db, tmp_path):
    with pytest.raises(CommandError, match=message):
        hotich_import(tmp_path / "none.xlsx", *args)


def test_a_missing_mapping_or_user_is_refused_in_english_when_asked(db, tmp_path):
    path = tmp_path / "ks.xlsx"
    path.write_bytes(b"x")

    with pytest.raises(CommandError, match="There is no column mapping with id 999"):
        hotich_import(path, "--mapping", "999", "--language", "en")
    with pytest.raises(CommandError, match="There is no account “nobody”"):
        hotich_import(path, "--user", "nobody", "--language", "en")
    with pytest.raises(CommandError, match="Không có tài khoản “nobody”"):
        hotich_import(path, "--user", "nobody")
