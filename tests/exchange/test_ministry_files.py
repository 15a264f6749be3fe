"""The one test that reads the real Ministry template: the built one is the same file.

Every other test builds its template-shaped files with ``tests/exchange/ministry_files.py``.
Without the real file beside the repository this test is skipped (its reason printed by
``-ra``); ``.ci/run`` sets ``HOTICH_REQUIRE_SHARED_TEMPLATES=1`` so that CI fails instead.
"""

import openpyxl

from hotich.exchange import xlsx
from tests.exchange.ministry_files import ministry_file, real_ks_template


def cells(workbook: openpyxl.Workbook) -> dict[str, dict[str, object]]:
    return {
        sheet.title: {
            c.coordinate: c.value for row in sheet.iter_rows() for c in row if c.value is not None
        }
        for sheet in workbook.worksheets
    }


def shape(workbook: openpyxl.Workbook) -> dict[str, tuple[str, list[str]]]:
    return {
        sheet.title: (sheet.dimensions, sorted(str(r) for r in sheet.merged_cells.ranges))
        for sheet in workbook.worksheets
    }


def test_the_built_birth_template_is_the_real_one_cell_for_cell(tmp_path):
    real_path = real_ks_template()
    built_path = ministry_file(tmp_path / "ks.xlsx")
    real = openpyxl.load_workbook(real_path)
    built = openpyxl.load_workbook(built_path)

    assert built.sheetnames == real.sheetnames == ["DL Import", "Ghi chu"]
    assert cells(built) == cells(real)  # header quirks and code lists included
    assert shape(built) == shape(real)  # dimensions (empty formatted rows) and merged titles
    # The real file stores its text inline, not as shared strings: the streaming reader
    # reads it as openpyxl does.
    stream = xlsx.Workbook(str(real_path))
    for name in real.sheetnames:
        values = {
            f"{openpyxl.utils.get_column_letter(col)}{number}": value
            for number, row in stream.numbered_rows(name)
            for col, value in enumerate(row, start=1)
            if value is not None
        }
        assert values == cells(real)[name], name
    assert stream.estimated_rows("DL Import") == 4
