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
    chunk_pairs,
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
            # written): scoring the next chunk fails for real; the second, or the third if
            # the second was scored already (it is scored while the first is decided).
            for n, item in enumerate(
                decisions(model, run.store, thresholds=Thresholds(), chunk=400)
            ):
                if n == 399:
                    run.store.con.execute("DROP TABLE registry")
                yield item

        with pytest.raises(
            BatchFailed,
            match=r"Đối chiếu bị lỗi ở phần (2/4 \(bản ghi 401–800\)|3/4 \(bản ghi 801–1200\))",
        ):
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


def namesakes_files(directory):
    """A registry where every record has hundreds of candidates: 400 "Nguyễn Văn An" born
    in 1990 (bk1, whole name and birth year, is never capped), among them exact copies of
    one citizen under other personal IDs (equal weights: the personal ID breaks the tie)."""
    mothers = ["Lê Thị Hoa", "Trần Thị Mai", "Phạm Thị Lan", ""]
    places = ["Xã Đông Văn, Đông Sơn, Thanh Hóa", "Phường Bến Nghé, Quận 1, TP Hồ Chí Minh", ""]
    citizens = []
    for n in range(400):
        copy = n >= 395  # the last five are the same person as the 395th, five times over
        k = 394 if copy else n
        citizens.append(
            {
                "personal_id": f"001090{n:06d}",
                "full_name": "Nguyễn Văn An",
                "birth_date": f"1990-{k % 12 + 1:02d}-{k % 28 + 1:02d}",
                "sex": "Nam",
                "birth_place": places[k % 3],
                "mother_name": mothers[k % 4],
                "father_name": f"Nguyễn Văn {['Bình', 'Cường', 'Dũng', 'Hải', 'Minh'][k % 5]}",
            }
        )
    people = [{k: v for k, v in c.items() if k != "personal_id"} for c in citizens]
    records = []
    for n in range(0, 400, 7):
        citizen = people[n]
        records.append({**citizen, "record_id": f"r{n}"})
        # The same with the date's day lost and the mother unknown: many close candidates.
        year_month = citizen["birth_date"][:7]
        records.append(
            {**citizen, "record_id": f"m{n}", "birth_date": year_month, "mother_name": ""}
        )
    records.append({**people[394], "record_id": "copy"})
    records.append(
        {"record_id": "far", "full_name": "Nguyễn Văn An", "birth_date": "1990", "sex": "Nữ"}
    )
    return (
        write_csv(directory / "citizens.csv", CITIZEN_COLUMNS, citizens),
        write_csv(directory / "records.csv", RECORD_COLUMNS, records),
    )


def test_records_with_hundreds_of_candidates_are_decided_as_in_memory(tmp_path):
    citizens, records = namesakes_files(tmp_path)
    model = load_model_file(DEFAULT_MODEL)
    resources = Resources(chunk=9, workers=1, threads=2)
    streamed = match_files(citizens, records, tmp_path / "s.csv", model=model, resources=resources)
    memory = match_files_in_memory(citizens, records, tmp_path / "m.csv", model=model)
    assert streamed == memory
    assert (tmp_path / "s.csv").read_text() == (tmp_path / "m.csv").read_text()
    outcomes = {row["record_id"]: row for row in csv.DictReader((tmp_path / "s.csv").open())}
    assert outcomes["copy"]["outcome"] == "review"  # five equal candidates, no margin
    assert {r["outcome"] for r in outcomes.values()} >= {"match", "review"}
    # Only a few of the hundreds of pairs per record came to Python.
    with StreamedRun(Resources(workers=1)) as run:
        run.load(citizens, kind="citizens")
        run.load(records, kind="records")
        run.prepare(model)
        chunk = chunk_pairs(model, run.store, 0, run.store.counts["records"], Thresholds())
    kept = sum(len(pairs) for pairs in chunk.pairs.values())
    assert chunk.scored > 100 * len(chunk.records)
    assert kept <= 6 * len(chunk.records)


def test_hotich_match_shows_its_progress_at_verbosity_2(tmp_path, capsys):
    citizens, records = namesakes_files(tmp_path)
    out = tmp_path / "results.csv"
    call_command(
        "match", registry=citizens, records=records, out=out, chunk=50, workers=1, verbosity=2
    )
    progress = capsys.readouterr().err
    assert "Đã đọc citizens.csv: 400 dòng dùng được." in progress
    assert "Đã đọc records.csv: 118 dòng dùng được." in progress
    assert "Phần 3/3: 18 bản ghi" in progress
    # Once per line (not a second time through the root logger), and nothing by default.
    assert progress.count("Phần 1/3") == 1
    call_command("match", registry=citizens, records=records, out=out, chunk=50, workers=1)
    assert "Phần" not in capsys.readouterr().err
