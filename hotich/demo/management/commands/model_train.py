"""hotich model train, with ``--benchmark N``: train on a synthetic population too.

Extends matching's command (which reads the registry and the keyed books, or files) with the
synthetic population and noisy records of :mod:`hotich.demo.benchdata`, which the default
model is trained on. The demo app comes before matching in INSTALLED_APPS, so this command
is the one ``hotich model train`` runs.
"""

from hotich.demo.benchdata import make_bench_data, synth_people
from hotich.matching.engine.batch import features_frame
from hotich.matching.engine.features import PersonInput, person_features
from hotich.matching.management.commands import model_train


class Command(model_train.Command):
    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--benchmark",
            type=int,
            metavar="N",
            help="Huấn luyện trên dân số tổng hợp N người và bản ghi có nhiễu (mô hình mặc định).",
        )

    def frames(self, *, benchmark, seed, **options):
        if not benchmark:
            return super().frames(seed=seed, **options)
        people = synth_people(benchmark, seed=seed)
        data = make_bench_data(people, records=max(benchmark // 10, 300), seed=seed)
        registry_frame = features_frame(
            (person_features(PersonInput.from_row(p)) for p in data.registry),
            (p["personal_id"] for p in data.registry),
        )
        records_frame = features_frame(
            (person_features(PersonInput.from_row(r)) for r in data.records),
            (r["record_id"] for r in data.records),
        )
        return registry_frame, records_frame, f"benchmark {benchmark}"
