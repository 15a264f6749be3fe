"""hotich model show: the active (or a given) model's weights per comparison level."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hotich.matching.engine.modelfile import (
    ModelFileError,
    active_model_path,
    load_model_file,
    model_to_dict,
    versions,
)
from hotich.matching.services import models_dir


class Command(BaseCommand):
    help = "Hiển thị mô hình đối chiếu: trọng số từng mức so sánh, λ, dữ liệu huấn luyện."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--model-version",
            dest="model_version",
            type=int,
            help="Phiên bản (mặc định: đang dùng).",
        )
        parser.add_argument("--file", type=Path, help="Tệp mô hình bất kỳ.")
        parser.add_argument("--json", action="store_true", help="In dạng JSON.")

    def handle(self, *args, model_version, file, **options) -> None:
        folder = models_dir()
        if file:
            path = file
        elif model_version:
            found = dict(versions(folder))
            if model_version not in found:
                raise CommandError(f"Không có phiên bản {model_version} trong {folder}.")
            path = found[model_version]
        else:
            path = active_model_path(folder)
        try:
            model = load_model_file(path)
        except ModelFileError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(model_to_dict(model), ensure_ascii=False, indent=1))
            return
        meta = model.meta
        self.stdout.write(f"Mô hình: {path} (phiên bản {model.version})")
        if meta.get("trained_at"):
            self.stdout.write(
                f"Huấn luyện lúc {meta['trained_at']} trên {meta.get('records')} bản ghi và "
                f"{meta.get('registry')} công dân ({meta.get('source', '')})."
            )
        self.stdout.write(
            f"λ (xác suất hai bản ghi ngẫu nhiên là một người) = {model.parameters.lam:.3g}; "
            f"trọng số ban đầu {model.parameters.prior_weight:+.2f}"
        )
        self.stdout.write("")
        self.stdout.write(f"{'So sánh':<12} {'Mức':<54} {'m':>9} {'u':>10} {'trọng số':>9}")
        current = None
        for row in model.describe():
            name = row["comparison_label"] if row["comparison_label"] != current else ""
            current = row["comparison_label"]
            level = row["level_label"] + (" (+tần suất tên)" if row["tf"] else "")
            if row["m"] is None:
                self.stdout.write(f"{name:<12} {level:<54} {'—':>9} {'—':>10} {'0':>9}")
                continue
            self.stdout.write(
                f"{name:<12} {level:<54} {row['m']:>9.4f} {row['u']:>10.6f} {row['weight']:>+9.2f}"
            )
        self.stdout.write("")
        self.stdout.write(
            "Trọng số = log2(m/u): dương là bằng chứng cùng một người, âm là khác người. "
            "Mức có “tần suất tên” được điều chỉnh: tên phổ biến được ít điểm hơn tên hiếm."
        )
