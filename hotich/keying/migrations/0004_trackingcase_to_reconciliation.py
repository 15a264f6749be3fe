from django.db import migrations


class Migration(migrations.Migration):
    """TrackingCase now belongs to hotich.reconciliation; its table stays as it is.

    State only: reconciliation 0001 takes the model over the same table
    (``keying_trackingcase``), so no row is touched.
    """

    dependencies = [
        ("keying", "0003_entry_creation_token"),
        ("reconciliation", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="TrackingCase")],
            database_operations=[],
        ),
    ]
