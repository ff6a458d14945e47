# The plain indexes of three foreign keys, each covered by an index that leads with the same
# column; every intake and every status copy wrote them for nothing.

import django.db.models.deletion
from django.db import migrations, models


def uninstall_triggers(apps, schema_editor):
    # SQLite rebuilds both tables here, and a trigger of one naming the other stops the rebuild.
    from tthc.dossiers import queue_triggers

    queue_triggers.uninstall(schema_editor.connection)


def install_triggers(apps, schema_editor):
    from tthc.dossiers import queue_triggers

    queue_triggers.install(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0008_event_action_length'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(uninstall_triggers, install_triggers),
        migrations.AlterField(
            model_name='dossier',
            name='current_agency',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.agency', verbose_name='cơ quan đang xử lý'),
        ),
        migrations.AlterField(
            model_name='dossieragency',
            name='agency',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.agency'),
        ),
        migrations.AlterField(
            model_name='dossieragency',
            name='dossier',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='involvements', to='dossiers.dossier'),
        ),
        migrations.RunPython(install_triggers, uninstall_triggers),
    ]
