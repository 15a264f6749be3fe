"""hotich model train: estimate the matching model without labels and save a new version.

Training on a synthetic population (``--benchmark N``) is added by the demo app's command of
the same name (hotich/demo/management/commands/model_train.py), which extends this one:
matching does not import the synthetic data above it.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hotich.matching.engine.batch import features_frame
from hotich.matching.engine.contract import ContractError, read_people
from hotich.matching.engine.features import PersonInput, person_features
from hotich.matching.engine.modelfile import model_to_dict, save_new_version
from hotich.matching.engine.train import TrainingError, TrainingOptions, train
from hotich.matching.services import (
    SKIPPED_ROLES,
    citizen_features,
    entry_person_input,
    models_dir,
)


def _frame(people: list[tuple[str, PersonInput]]):
    return features_frame((person_features(p) for _, p in people), (i for i, _ in people))


class Command(BaseCommand):
    help = (
        "Huấn luyện mô hình đối chiếu (không cần nhãn) từ CSDL dân cư và các trường hợp đã "
        "nhập, hoặc từ tệp; lưu thành phiên bản mới."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--registry", type=Path, help="citizens.csv thay cho CSDL dân cư")
        parser.add_argument("--records", type=Path, help="records.csv thay cho các sổ đã nhập")
        parser.add_argument(
            "--registry-sample",
            type=int,
            default=1_000_000,
            help="Số công dân tối đa lấy từ CSDL dân cư (mặc định 1.000.000).",
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--output",
            type=Path,
            help="Ghi ra tệp này thay vì thêm phiên bản trong thư mục mô hình.",
        )

    def frames(self, *, registry, records, registry_sample, **options):
        """Return the registry's and the records' feature frames, and where they came from."""
        registry_frame = (
            _frame(_checked(read_people(registry, kind="citizens")))
            if registry
            else _registry_from_db(registry_sample)
        )
        records_frame = (
            _frame(_checked(read_people(records, kind="records")))
            if records
            else _records_from_db()
        )
        return registry_frame, records_frame, "files" if registry or records else "database"

    def handle(self, *args, seed, output, **options):
        try:
            registry_frame, records_frame, source = self.frames(seed=seed, **options)
            model = train(records_frame, registry_frame, TrainingOptions(seed=seed))
        except (TrainingError, ContractError) as exc:
            raise CommandError(str(exc)) from exc
        model.meta["source"] = source
        if output:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(
                json.dumps(model_to_dict(model), ensure_ascii=False, indent=1), encoding="utf-8"
            )
            path = output
        else:
            path = save_new_version(model, models_dir())
        report = model.meta["report"]
        self.stdout.write(
            f"Đã huấn luyện trên {len(records_frame)} bản ghi và {len(registry_frame)} công dân "
            f"(λ = {report['lam']:.3g}); lưu {path}."
        )


def _checked(result):
    people, problems = result
    if not people:
        raise ContractError("Tệp không có dòng nào dùng được.")
    return people


def _registry_from_db(limit: int):
    from hotich.matching.services import CITIZEN_FIELDS
    from hotich.registry.models import Citizen

    citizens = Citizen.objects.only(*CITIZEN_FIELDS).order_by("pk")[:limit]
    rows, ids = [], []
    for citizen in citizens.iterator(chunk_size=5000):
        rows.append(citizen_features(citizen))
        ids.append(citizen.personal_id)
    return features_frame(rows, ids)


def _records_from_db():
    from hotich.registers.models import EntryPerson

    people = []
    for person in (
        EntryPerson.objects.exclude(role__in=SKIPPED_ROLES)
        .select_related("entry__book")
        .iterator(chunk_size=2000)
    ):
        person_input = entry_person_input(person.entry, person.role)
        if person_input is not None:
            people.append((str(person.pk), person_input))
    return _frame(people)
