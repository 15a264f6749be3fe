"""The streamed batch path (hotich match on DuckDB): the same decisions as the in-memory
path, in chunks, on disk, with its resources applied, failing whole."""

import csv

import pytest
from django.core.management import CommandError, call_command

from hotich.matching.engine.contract import (
    CITIZEN_COLUMNS,
    RECORD_COLUMNS,
    match_files,
    match_files_in_memory,
    write_decisions,
)
from hotich.matching.engine.decide import Thresholds
from hotich.matching.engine.modelfile import DEFAULT_MODEL, load_model_file
from hotich.matching.engine.stream import (
    BatchFailed,
    FeatureStore,
    Resources,
    StreamedRun,
    decisions,
)

# Rows the reader skips or keeps with a note, appended to the benchmark's files.
BAD_CITIZENS = [
    {"personal_id": "12345", "full_name": "Sai Mã", "birth_date": "1990", "sex": "Nam"},
    {"personal_id": "", "full_name": "Thiếu Mã", "birth_date": "1990", "sex": "Nam"},
]
BAD_RECORDS = [
    {"record_id": "x1", "full_name": "", "birth_date": "1990", "sex": "Nam"},
    {"record_id": "x2", "full_name": "Lê Văn Tám", "birth_date": "31/02/1962", "sex": ""},
    {"record_id": "x2", "full_name": "Lê Văn Tám", "birth_date": "1962", "sex": ""},
    {"record_id": "x3", "full_name": "Lê Văn Tám", "birth_date": "1962", "sex": "X"},
]


def write_csv(path, columns, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory, bench_data):
    # A registered citizen twice: the second row is a duplicate, as in a records file.
    directory = tmp_path_factory.mktemp("files")
    citizens = [*bench_data.registry, bench_data.registry[0], *BAD_CITIZENS]
    return (
        write_csv(directory / "citizens.csv", CITIZEN_COLUMNS, citizens),
        write_csv(directory / "records.csv", RECORD_COLUMNS, [*bench_data.records, *BAD_RECORDS]),
    )


@pytest.fixture(scope="module")
def in_memory(tmp_path_factory, files):
    """The in-memory path's results.csv text, written rows, problems and counts."""
    out = tmp_path_factory.mktemp("memory") / "results.csv"
    written, problems, counts = match_files_in_memory(
        *files, out, model=load_model_file(DEFAULT_MODEL)
    )
    return out.read_text(encoding="utf-8"), written, [str(p) for p in problems], counts


@pytest.mark.parametrize(
    "resources",
    [
        Resources(chunk=250, workers=1, threads=1, memory_limit="500MB"),
        Resources(chunk=100_000, workers=2, threads=2, block=20_000),
    ],
    ids=["chunks-of-250-one-process", "one-chunk-two-feature-processes"],
)
def test_the_streamed_run_decides_every_record_as_the_in_memory_path(
    tmp_path, files, in_memory, resources
):
    citizens, records = files
    streamed = tmp_path / "streamed.csv"
    written, problems, counts = match_files(
        citizens, records, streamed, model=load_model_file(DEFAULT_MODEL), resources=resources
    )
    # Same outcome, personal ID, score and differing fields per record, in the same order.
    assert streamed.read_text(encoding="utf-8") == in_memory[0]
    assert (written, [str(p) for p in problems], counts) == in_memory[1:]
    assert written == 1_200 + 1  # x2 once (the second is a duplicate), x1 and x3 skipped
    assert counts["match"] > 600 and counts["not_found"] > 100
    assert not list(tmp_path.glob("*.part"))


def test_the_run_database_has_the_threads_and_memory_limit_asked_for(tmp_path):
    store = FeatureStore(tmp_path, Resources(threads=1, memory_limit="1GiB"))
    try:
        assert store.setting("threads") == 1
        assert store.setting("memory_limit") == "1.0 GiB"
        assert store.setting("temp_directory") == str(tmp_path / "spill")
    finally:
        store.close()
    assert (tmp_path / "batch.duckdb").exists()  # on disk, not in memory


def test_a_failing_chunk_ends_the_run_without_a_results_file(tmp_path, files):
    citizens, records = files
    model = load_model_file(DEFAULT_MODEL)
    out = tmp_path / "results.csv"
    with StreamedRun(Resources(chunk=400, workers=1)) as run:
        run.load(citizens, kind="citizens")
        run.load(records, kind="records")
        run.prepare(model)

        def second_chunk_fails():
            # The registry's table disappears once the first chunk was decided (and its rows
            # written): deciding the second chunk fails for real.
            for n, item in enumerate(
                decisions(model, run.store, thresholds=Thresholds(), chunk=400)
            ):
                if n == 399:
                    run.store.con.execute("DROP TABLE registry")
                yield item

        with pytest.raises(BatchFailed, match=r"Đối chiếu bị lỗi ở phần 2/4 \(bản ghi 401–800\)"):
            write_decisions(out, second_chunk_fails(), {})
    assert not out.exists()
    assert not list(tmp_path.glob("*.part"))


def test_hotich_match_fails_in_vietnamese_when_its_database_cannot_be_written(tmp_path, files):
    citizens, records = files
    out = tmp_path / "results.csv"
    # A memory limit DuckDB cannot work in: the run fails, named, and writes nothing.
    with pytest.raises(CommandError, match="Chưa ghi tệp kết quả nào"):
        call_command(
            "match",
            registry=citizens,
            records=records,
            out=out,
            memory_limit="1MB",
            workers=1,
            work_dir=tmp_path,
        )
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("hotich-match-")] == []


def test_hotich_match_refuses_zero_threads(tmp_path, files):
    citizens, records = files
    with pytest.raises(CommandError, match="phải lớn hơn 0"):
        call_command("match", registry=citizens, records=records, out=tmp_path / "r.csv", threads=0)


def test_rows_cut_across_blocks_are_read_whole(tmp_path):
    # Blocks of 40 bytes: most rows, and the quoted birthplace written on two lines with a
    # quote inside, straddle a block's end.
    citizens = write_csv(
        tmp_path / "citizens.csv",
        CITIZEN_COLUMNS,
        [
            {
                "personal_id": "038085000123",
                "full_name": "Nguyễn Văn Hùng",
                "birth_date": "1985-08-15",
                "sex": "Nam",
                "birth_place": 'Xã Đông Văn,\n"Đông Sơn", Thanh Hóa',
                "mother_name": "Lê Thị Hoa",
            },
            *BAD_CITIZENS,
        ],
    )
    records = write_csv(
        tmp_path / "records.csv",
        RECORD_COLUMNS,
        [
            {
                "record_id": "a1",
                "full_name": "NGUYEN VAN HUNG",
                "birth_date": "15/08/1985",
                "sex": "Nam",
                "birth_place": 'Xã Đông Văn,\n"Đông Sơn", Thanh Hóa',
                "mother_name": "Lê Thị Hoa",
            },
            *BAD_RECORDS,
        ],
    )
    with records.open("a", encoding="utf-8") as handle:
        handle.write("\n\nz9,Lê Văn Tám,1962,Nam\n")  # blank lines are no rows
    model = load_model_file(DEFAULT_MODEL)
    resources = Resources(workers=1, block=40)
    streamed = match_files(citizens, records, tmp_path / "s.csv", model=model, resources=resources)
    memory = match_files_in_memory(citizens, records, tmp_path / "m.csv", model=model)
    assert [str(p) for p in streamed[1]] == [str(p) for p in memory[1]]
    assert "records.csv, dòng 6, cột sex" in " ".join(str(p) for p in streamed[1])
    assert (tmp_path / "s.csv").read_text() == (tmp_path / "m.csv").read_text()
    assert "a1,match,038085000123" in (tmp_path / "s.csv").read_text()


def test_a_file_broken_halfway_is_refused_with_its_row(tmp_path):
    citizens = write_csv(tmp_path / "citizens.csv", CITIZEN_COLUMNS, BAD_CITIZENS)
    records = tmp_path / "records.csv"
    records.write_bytes(
        b"record_id,full_name,birth_date,sex\nr1,Le Van Tam,1962,Nam\nr2,L\xa7\xc6,1962,Nam\n"
    )
    with pytest.raises(CommandError, match="records.csv hỏng từ khoảng dòng 3"):
        call_command("match", registry=citizens, records=records, out=tmp_path / "r.csv", workers=1)
    assert not (tmp_path / "r.csv").exists()
