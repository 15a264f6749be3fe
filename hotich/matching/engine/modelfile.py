"""Versioned model files: ``model-0001.json``, ``model-0002.json``… in a models folder.

The newest version in the folder is the active model. Without any, the model shipped with
the code (``data/default-model.json``, trained on the synthetic benchmark by
``hotich model train --benchmark``) is used, so a new installation can look people up at
once; training on the commune's own registry and books is better.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hotich.matching.engine.model import COMPARISONS, MatchModel, Parameters

FORMAT = "hotich-match-model/1"
DEFAULT_MODEL = Path(__file__).parent.parent / "data" / "default-model.json"
_NAME = re.compile(r"model-(\d{4,})\.json")


class ModelFileError(ValueError):
    """A model file that cannot be used (message in Vietnamese)."""


def model_to_dict(model: MatchModel) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": model.version,
        "meta": model.meta,
        "lambda": model.parameters.lam,
        "comparisons": {
            c.key: [
                {"level": lv.key, "m": mu[0], "u": mu[1]} if mu else {"level": lv.key}
                for lv, mu in zip(c.levels, model.parameters.mu[c.key], strict=True)
            ]
            for c in COMPARISONS
        },
        "term_frequencies": model.parameters.tf,
    }


def model_from_dict(data: dict[str, Any]) -> MatchModel:
    if data.get("format") != FORMAT:
        raise ModelFileError(f"Tệp mô hình không đúng định dạng {FORMAT}.")
    mu: dict[str, list[tuple[float, float] | None]] = {}
    for comparison in COMPARISONS:
        levels = data["comparisons"].get(comparison.key)
        expected = [lv.key for lv in comparison.levels]
        if levels is None or [lv["level"] for lv in levels] != expected:
            raise ModelFileError(
                f"Tệp mô hình không khớp với định nghĩa hiện tại ở so sánh "
                f"“{comparison.label}”: cần huấn luyện lại (hotich model train)."
            )
        mu[comparison.key] = [
            None if lv.null else (float(entry["m"]), float(entry["u"]))
            for lv, entry in zip(comparison.levels, levels, strict=True)
        ]
    parameters = Parameters(lam=float(data["lambda"]), mu=mu, tf=data.get("term_frequencies") or {})
    return MatchModel(parameters, version=int(data.get("version", 0)), meta=data.get("meta", {}))


def load_model_file(path: Path) -> MatchModel:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"Không đọc được tệp mô hình {path}: {exc}") from exc
    return model_from_dict(data)


def versions(folder: Path) -> list[tuple[int, Path]]:
    """Return (version, path) of the model files in ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if match := _NAME.fullmatch(path.name):
            found.append((int(match.group(1)), path))
    return sorted(found)


def active_model_path(folder: Path) -> Path:
    found = versions(folder)
    return found[-1][1] if found else DEFAULT_MODEL


def load_active_model(folder: Path) -> MatchModel:
    return load_model_file(active_model_path(folder))


def save_new_version(model: MatchModel, folder: Path) -> Path:
    """Write ``model`` as the next version in ``folder`` and return its path.

    Written to a temporary name and renamed, so a reader never sees half a file; two
    trainings at once cannot take the same number (exclusive creation).
    """
    folder.mkdir(parents=True, exist_ok=True)
    found = versions(folder)
    version = (found[-1][0] if found else 0) + 1
    while True:
        path = folder / f"model-{version:04d}.json"
        try:
            with path.open("x", encoding="utf-8") as handle:
                handle.write("")
        except FileExistsError:
            version += 1
            continue
        break
    model.version = version
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(model_to_dict(model), ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path
