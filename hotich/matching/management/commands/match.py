"""hotich match: reconcile a records file against a registry file (the file contract)."""

import logging
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hotich.matching.engine.contract import ContractError, match_files
from hotich.matching.engine.modelfile import ModelFileError, load_model_file
from hotich.matching.engine.stream import BatchFailed, Resources
from hotich.matching.services import active_model, thresholds


class Command(BaseCommand):
    help = (
        "Đối chiếu tệp bản ghi (records.csv) với tệp CSDL dân cư (citizens.csv), "
        "ghi kết quả ra results.csv."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--registry", required=True, type=Path, help="citizens.csv")
        parser.add_argument("--records", required=True, type=Path, help="records.csv")
        parser.add_argument("--out", required=True, type=Path, help="results.csv")
        parser.add_argument("--backend", choices=["duckdb", "spark"], default="duckdb")
        parser.add_argument(
            "--model", type=Path, default=None, help="Tệp mô hình (mặc định: mô hình đang dùng)."
        )
        defaults = Resources()
        parser.add_argument(
            "--threads", type=int, default=defaults.threads, help="Số luồng DuckDB (mặc định 2)."
        )
        parser.add_argument(
            "--memory-limit",
            default=defaults.memory_limit,
            help="Giới hạn bộ nhớ của DuckDB, ví dụ 3GB (phần vượt được ghi tạm ra đĩa).",
        )
        parser.add_argument(
            "--chunk",
            type=int,
            default=defaults.chunk,
            help="Số bản ghi đối chiếu mỗi phần (mặc định 100000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=defaults.workers,
            help="Số tiến trình tính đặc trưng (mặc định 2; 1: trong tiến trình này).",
        )
        parser.add_argument(
            "--work-dir",
            type=Path,
            default=None,
            help="Thư mục tạm của CSDL đối chiếu (mặc định: thư mục tạm của hệ thống).",
        )

    def handle(
        self,
        *args,
        registry,
        records,
        out,
        backend,
        model,
        threads,
        memory_limit,
        chunk,
        workers,
        work_dir,
        **options,
    ) -> None:
        if min(threads, chunk, workers) < 1:
            raise CommandError("--threads, --chunk và --workers phải lớn hơn 0.")
        resources = Resources(
            threads=threads,
            memory_limit=memory_limit,
            chunk=chunk,
            workers=workers,
            work_dir=work_dir,
        )
        stream_log = logging.getLogger("hotich.matching.engine.stream")
        progress = logging.StreamHandler(sys.stderr)
        progress.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        if options.get("verbosity", 1) >= 2:
            # -v 2: the run's progress (files read, each chunk decided) on standard error.
            stream_log.addHandler(progress)
            stream_log.setLevel(logging.DEBUG)
            stream_log.propagate = False  # not a second time by the root's console handler
        try:
            chosen = load_model_file(model) if model else active_model()
            written, problems, counts = match_files(
                registry,
                records,
                out,
                backend=backend,
                model=chosen,
                thresholds=thresholds(),
                resources=resources,
            )
        except (ContractError, ModelFileError, BatchFailed) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            stream_log.removeHandler(progress)
            stream_log.setLevel(logging.NOTSET)
            stream_log.propagate = True
        skipped = [p for p in problems if not p.kept]
        for problem in problems:
            sys.stderr.write(f"{'Lưu ý' if problem.kept else 'Bỏ qua'} {problem}\n")
        summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
        self.stdout.write(f"Đã ghi {written} kết quả vào {out} ({summary}).")
        if kept := len(problems) - len(skipped):
            self.stdout.write(f"{kept} dòng có ngày sinh không hợp lệ vẫn được đối chiếu.")
        if skipped:
            self.stdout.write(f"{len(skipped)} dòng lỗi bị bỏ qua (xem thông báo ở trên).")
