"""The loose blocking keys bk7…bk16 (features.LOOSE_KEYS) with their indexes, and the stored
matching features of every citizen moved to FEATURES_VERSION 2 (the keys are derived from
the compared features already stored, which version 2 leaves unchanged: no name is parsed
again). Citizens stored without features, or with any other version, are left to
``hotich registry features`` (the lookup derives theirs meanwhile)."""

import orjson
from django.db import migrations, models

#: Citizens per UPDATE batch.
CHUNK = 5_000


def _loose_keys_fill(apps, schema_editor):
    from hotich.matching.engine.features import BLOCKING_KEYS, blocking_values

    Citizen = apps.get_model("registry", "Citizen")
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    fields = [*BLOCKING_KEYS, "match_features"]
    assignments = ", ".join(f"{quote(f)} = %s" for f in fields)
    update = f"UPDATE {quote(Citizen._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608
    last = 0
    while True:
        batch = list(
            Citizen.objects.filter(pk__gt=last, match_features__startswith="[1,")
            .order_by("pk")
            .values_list("pk", "match_features")[:CHUNK]
        )
        if not batch:
            return
        params = []
        for pk, stored in batch:
            compared = orjson.loads(stored)[1:]
            keys = blocking_values(compared)
            params.append([*keys, orjson.dumps((2, *compared)).decode(), pk])
        with connection.cursor() as cursor:
            cursor.executemany(update, params)
        last = batch[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0001_initial'),
        ('registry', '0005_key_indexes_byte_order'),
    ]

    operations = [
        migrations.AddField(
            model_name='citizen',
            name='bk10',
            field=models.CharField(blank=True, max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='citizen',
            name='bk11',
            field=models.CharField(blank=True, max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='citizen',
            name='bk12',
            field=models.CharField(blank=True, max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='citizen',
            name='bk13',
            field=models.CharField(blank=True, max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='citizen',
            name='bk7',
            field=models.CharField(blank=True, max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='citizen',
            name='bk8',
            field=models.CharField(blank=True, max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='citizen',
            name='bk9',
            field=models.CharField(blank=True, max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='citizen',
            name='bk14',
            field=models.CharField(blank=True, max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='citizen',
            name='bk15',
            field=models.CharField(blank=True, max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='citizen',
            name='bk16',
            field=models.CharField(blank=True, max_length=120, null=True),
        ),
        # Filled before the indexes are built: one index build instead of row-by-row upkeep.
        migrations.RunPython(_loose_keys_fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='citizen',
            index=models.Index(fields=['bk7'], name='citizen_bk7', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='citizen',
            index=models.Index(fields=['bk8'], name='citizen_bk8', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='citizen',
            index=models.Index(fields=['bk9'], name='citizen_bk9', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='citizen',
            index=models.Index(fields=['bk10'], name='citizen_bk10', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='citizen',
            index=models.Index(fields=['bk11'], name='citizen_bk11', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='citizen',
            index=models.Index(fields=['bk12'], name='citizen_bk12', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='citizen',
            index=models.Index(fields=['bk13'], name='citizen_bk13', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='citizen',
            index=models.Index(fields=['bk14'], name='citizen_bk14', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='citizen',
            index=models.Index(fields=['bk15'], name='citizen_bk15', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='citizen',
            index=models.Index(fields=['bk16'], name='citizen_bk16', opclasses=['varchar_pattern_ops']),
        ),
    ]
