# The dossier history shares the event base of tthc.core.models.Event (action up to 40 characters).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0007_queue_index_rows"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dossierevent",
            name="action",
            field=models.CharField(max_length=40, verbose_name="thao tác"),
        ),
    ]
