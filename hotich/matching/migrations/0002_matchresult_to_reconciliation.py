from django.db import migrations


class Migration(migrations.Migration):
    """MatchResult now belongs to hotich.reconciliation; its table stays as it is.

    State only: reconciliation 0001 takes the model over the same table
    (``matching_matchresult``), so no row is touched.
    """

    dependencies = [
        ("matching", "0001_initial"),
        ("reconciliation", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="MatchResult")],
            database_operations=[],
        ),
    ]
