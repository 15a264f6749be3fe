"""A province at scale through ``hotich match``: time, CPU, peak memory and accuracy.

Run: .venv/bin/python bench/bench_province.py --in-memory              (200,000 / 20,000)
     .venv/bin/python bench/bench_province.py --registry 500000 --records 375000
     .venv/bin/python bench/bench_province.py --province                (2,000,000 / 1,500,000)

The data are written straight to disk as they are generated (never held in memory): a
synthetic population (``hotich.demo.benchdata.population_synth``), of which each person is
drawn into the book with the probability records/population; 15 % of the drawn are absent
from the registry, 3 % of the registered drawn have a registry value that really differs,
5 % get a namesake in the registry (same name and birth year, another person); the records
carry the field's noise (``benchdata.noisy_record``), the truth goes to ``truth.csv``.

Then ``hotich match`` runs as a separate process, as an officer would run it (the file
contract), while this script samples the memory of its whole process tree (the feature
processes included) every 0.2 s and kills it above ``--kill-above`` GB. Printed: wall
time, CPU seconds (the command and its children), CPU use (cores), peak memory of the tree,
records per minute, and the accuracy figures against the truth (duplicate-ID rate =
registered people called not_found, wrong person, recall, review, class accuracy). The
reference in the same run is the small set (200,000 registry / 20,000 records, the issue's
30,000-records-a-minute goal) measured the same way first (``--no-reference`` skips it);
with ``--in-memory`` the small set also goes through the path that reads both files into
frames (``contract.match_files_in_memory``, what ``hotich match`` did before), and the two
results.csv are compared byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hotich.demo.benchdata import (  # noqa: E402
    DIFFER,
    contract_person,
    noisy_record,
    population_synth,
    registry_differing,
)
from hotich.matching.engine.contract import CITIZEN_COLUMNS, RECORD_COLUMNS  # noqa: E402
from hotich.matching.engine.modelfile import DEFAULT_MODEL  # noqa: E402

ABSENT = 0.15
NAMESAKES = 0.05
REFERENCE = (200_000, 20_000)
PROVINCE = (2_000_000, 1_500_000)


@dataclass
class Files:
    citizens: Path
    records: Path
    truth: Path
    registry: int = 0
    book: int = 0


def generate(directory: Path, *, registry: int, records: int, seed: int = 7) -> Files:
    """Write citizens.csv, records.csv and truth.csv for about ``registry`` citizens and
    ``records`` book records, one person at a time."""
    files = Files(directory / "citizens.csv", directory / "records.csv", directory / "truth.csv")
    # The registry is the population less the absent plus the namesakes.
    population = registry + int(records * (ABSENT - NAMESAKES))
    drawn = records / population
    rng = random.Random(seed)
    synth = population_synth(seed=2026)
    places: list[str] = []
    with (
        files.citizens.open("w", encoding="utf-8", newline="") as citizens_handle,
        files.records.open("w", encoding="utf-8", newline="") as records_handle,
        files.truth.open("w", encoding="utf-8", newline="") as truth_handle,
    ):
        citizens = csv.DictWriter(citizens_handle, CITIZEN_COLUMNS)
        book = csv.DictWriter(records_handle, RECORD_COLUMNS)
        truth = csv.writer(truth_handle)
        citizens.writeheader()
        book.writeheader()
        truth.writerow(["record_id", "personal_id", "differs"])
        for family in synth.families(population):
            for synth_person in family:
                person = contract_person(synth_person)
                if len(places) < 5_000:
                    places.append(person["birth_place"])
                if files.book >= records or rng.random() >= drawn:
                    citizens.writerow(person)
                    files.registry += 1
                    continue
                record_id = f"R{files.book:08d}"
                files.book += 1
                record, _noise = noisy_record(person, record_id, rng)
                book.writerow(record)
                absent = rng.random() < ABSENT
                differs = not absent and rng.random() < DIFFER
                if not absent:
                    citizens.writerow(registry_differing(person, rng) if differs else person)
                    files.registry += 1
                truth.writerow([record_id, "" if absent else person["personal_id"], int(differs)])
                if rng.random() < NAMESAKES:
                    year = person["birth_date"][:4]
                    twin = dict(
                        person,
                        personal_id=synth._id(synth_person.sex, int(year)),
                        birth_date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                        father_name="",
                        mother_name="",
                        birth_place=rng.choice(places),
                    )
                    citizens.writerow(twin)
                    files.registry += 1
    return files


# --- running hotich match and watching its memory ---------------------------------------


def _tree_rss(pid: int) -> int:
    """Return the resident memory (bytes) of ``pid`` and all its descendants."""
    total = 0
    todo = [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm") as handle:
                total += int(handle.read().split()[1]) * page
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend(int(c) for c in handle.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


@dataclass
class Run:
    wall: float
    peak: int
    returncode: int
    output: str


IN_MEMORY = """
import sys
from pathlib import Path
from hotich.matching.engine.contract import match_files_in_memory
from hotich.matching.engine.modelfile import load_model_file
written, _, counts = match_files_in_memory(
    Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), model=load_model_file(Path(sys.argv[4]))
)
print(f"in memory: {written} results {counts}")
"""


def run_match(
    files: Files,
    out: Path,
    extra: list[str],
    kill_above: float,
    *,
    in_memory: bool = False,
    code: Path | None = None,
) -> Run:
    """Run ``hotich match`` on ``files`` (or, ``in_memory``, the path that reads both files
    into frames, as ``hotich match`` did before; with ``code``, the hotich package of that
    source tree); return its wall time and peak tree memory (its CPU is the caller's
    ``os.times()`` children's, before and after)."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(code), env.get("PYTHONPATH", "")]).rstrip(":")
    if in_memory:
        command = [sys.executable, "-c", IN_MEMORY, str(files.citizens), str(files.records)]
        command += [str(out), str(DEFAULT_MODEL)]
    else:
        command = [str(Path(sys.executable).parent / "hotich"), "match"]
        command += ["--registry", str(files.citizens), "--records", str(files.records)]
        command += ["--out", str(out), "--model", str(DEFAULT_MODEL), *extra]
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own command
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    lines: list[str] = []

    def echo() -> None:  # the command's progress (-v 2), as it comes
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            print(f"    | {line.rstrip()}", flush=True)

    reader = threading.Thread(target=echo, daemon=True)
    reader.start()
    peak = 0
    limit = int(kill_above * 1024**3)
    shown = started
    while process.poll() is None:
        current = _tree_rss(process.pid)
        peak = max(peak, current)
        if time.perf_counter() - shown >= 60:  # a long run shows where it stands
            shown = time.perf_counter()
            print(
                f"    … {shown - started:,.0f} s: memory {current / 1024**3:.2f} GB "
                f"(peak {peak / 1024**3:.2f}), load average {_load()}",
                flush=True,
            )
        if peak > limit:
            process.send_signal(signal.SIGKILL)
            print(f"killed: memory of the run above {kill_above} GB", file=sys.stderr)
        time.sleep(0.2)
    wall = time.perf_counter() - started
    reader.join()
    return Run(wall, peak, process.returncode, "".join(lines))


# --- accuracy ------------------------------------------------------------------------------


def accuracy(files: Files, out: Path) -> dict[str, float]:
    """Return the figures of results.csv against truth.csv (both in the records' order)."""
    total = present = attached_right = wrong = review = lost = right_class = 0
    outcomes: Counter[str] = Counter()
    with (
        files.truth.open(encoding="utf-8", newline="") as truth_handle,
        out.open(encoding="utf-8", newline="") as out_handle,
    ):
        for truth, result in zip(
            csv.DictReader(truth_handle), csv.DictReader(out_handle), strict=True
        ):
            assert truth["record_id"] == result["record_id"], "results.csv in the records' order"
            total += 1
            expected_id = truth["personal_id"] or None
            outcome, got = result["outcome"], result["personal_id"] or None
            outcomes[outcome] += 1
            expected = (
                "not_found"
                if expected_id is None
                else "discrepancy"
                if truth["differs"] == "1"
                else "match"
            )
            present += expected_id is not None
            review += outcome == "review"
            lost += outcome == "not_found" and expected_id is not None
            if got:
                if got == expected_id:
                    attached_right += 1
                else:
                    wrong += 1
            if outcome == expected and (got is None or got == expected_id):
                right_class += 1
    return {
        "records": total,
        "duplicate_id": lost / total,
        "wrong": wrong / total,
        "recall": attached_right / present,
        "review": review / total,
        "class_accuracy": right_class / total,
    }


def generated(directory: Path, size: tuple[int, int]) -> tuple[Files, str]:
    """Return the files of ``size`` in ``directory``: those written by an earlier run with
    the same size (``--data``), or written now; and how they came."""
    stamp = directory / "size.txt"
    files = Files(directory / "citizens.csv", directory / "records.csv", directory / "truth.csv")
    if stamp.exists() and stamp.read_text().split()[:2] == [str(size[0]), str(size[1])]:
        _, _, files.registry, files.book = map(int, stamp.read_text().split())
        return files, "written by an earlier run"
    started = time.perf_counter()
    files = generate(directory, registry=size[0], records=size[1])
    stamp.write_text(f"{size[0]} {size[1]} {files.registry} {files.book}")
    return files, f"written in {time.perf_counter() - started:.0f} s"


def measure(label: str, directory: Path, size: tuple[int, int], args: argparse.Namespace) -> None:
    files, how = generated(directory, size)
    print(
        f"{label}: registry {files.registry:,}, records {files.book:,} "
        f"({how}, {files.citizens.stat().st_size / 1e6:,.0f} + "
        f"{files.records.stat().st_size / 1e6:,.0f} MB); load average {_load()}",
        flush=True,
    )
    extra = ["--threads", str(args.threads), "--memory-limit", args.memory_limit]
    extra += ["--workers", str(args.workers), "-v", "2"]
    if args.chunk:
        extra += ["--chunk", str(args.chunk)]
    out = directory / "results.csv"
    if args.reference_code:
        # The same command from another tree (main's, say), right before this tree's.
        reference_out = directory / "results-reference.csv"
        code = args.reference_code
        run, cpu = _timed(files, reference_out, extra, args.kill_above, code=code)
        if run.returncode:
            print(f"  reference {code} failed ({run.returncode})")
        else:
            report(f"reference: hotich match of {code}", files, reference_out, run, cpu)
    run, cpu = _timed(files, out, extra, args.kill_above)
    if run.returncode:
        print(f"  hotich match failed ({run.returncode})")
        return
    report("hotich match (streamed)", files, out, run, cpu)
    if args.reference_code and reference_out.exists():
        same = out.read_bytes() == reference_out.read_bytes()
        print(f"  results.csv identical to the reference's: {'yes' if same else 'NO'}")
    if args.in_memory and label.startswith("reference"):
        memory_out = directory / "results-in-memory.csv"
        run, cpu = _timed(files, memory_out, [], args.kill_above, in_memory=True)
        if run.returncode:
            print(f"  the in-memory path failed ({run.returncode}):\n{run.output}")
            return
        report("reference: in memory (as before)", files, memory_out, run, cpu)
        same = out.read_bytes() == memory_out.read_bytes()
        print(f"  results.csv of both paths identical: {'yes' if same else 'NO'}")


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _timed(
    files: Files,
    out: Path,
    extra: list[str],
    kill_above: float,
    *,
    in_memory: bool = False,
    code: Path | None = None,
) -> tuple[Run, float]:
    before = os.times()
    run = run_match(files, out, extra, kill_above, in_memory=in_memory, code=code)
    after = os.times()
    cpu = (after.children_user + after.children_system) - (
        before.children_user + before.children_system
    )
    return run, cpu


def report(label: str, files: Files, out: Path, run: Run, cpu: float) -> None:
    figures = accuracy(files, out)
    per_minute = 60 * files.book / run.wall
    print(
        f"  {label}: {run.wall:,.0f} s wall, {cpu:,.0f} s CPU ({cpu / run.wall:.2f} cores), "
        f"peak memory {run.peak / 1024**3:.2f} GB (process tree), {per_minute:,.0f} records/min "
        f"({60 * files.book / cpu:,.0f} per CPU-minute)"
    )
    print(
        f"    duplicate-ID {100 * figures['duplicate_id']:.2f} %, wrong person "
        f"{100 * figures['wrong']:.3f} %, recall {100 * figures['recall']:.2f} %, review "
        f"{100 * figures['review']:.2f} %, class accuracy {100 * figures['class_accuracy']:.2f} %",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--registry", type=int, default=REFERENCE[0])
    parser.add_argument("--records", type=int, default=REFERENCE[1])
    parser.add_argument("--province", action="store_true", help="2,000,000 / 1,500,000")
    parser.add_argument("--no-reference", action="store_true", help="skip the small set")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="3GB")
    parser.add_argument("--chunk", type=int, default=0, help="default: hotich match's")
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="keep the generated files in this directory and reuse them on the next run",
    )
    parser.add_argument(
        "--reference-code",
        type=Path,
        default=None,
        help="also run hotich match of this source tree (e.g. a worktree of main) first",
    )
    parser.add_argument("--kill-above", type=float, default=8.0, help="GB (default 8)")
    parser.add_argument("--work-dir", type=Path, default=None)
    parser.add_argument(
        "--in-memory",
        action="store_true",
        help="also run the small set through the in-memory path (the reference of before)",
    )
    args = parser.parse_args()
    size = PROVINCE if args.province else (args.registry, args.records)
    with tempfile.TemporaryDirectory(prefix="bench-province-", dir=args.work_dir) as scratch:
        tmp = str(args.data) if args.data else scratch
        if not args.no_reference and (size != REFERENCE or args.in_memory):
            directory = Path(tmp) / "{}x{}".format(*REFERENCE)
            directory.mkdir(parents=True, exist_ok=True)
            measure("reference (small set)", directory, REFERENCE, args)
        if size == REFERENCE and args.in_memory and not args.no_reference:
            return
        directory = Path(tmp) / "{}x{}".format(*size)
        directory.mkdir(parents=True, exist_ok=True)
        measure("province" if args.province else "run", directory, size, args)


if __name__ == "__main__":
    main()
