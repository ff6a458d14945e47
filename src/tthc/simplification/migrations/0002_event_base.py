# The proposal history shares the event base of tthc.core.models.Event: its `user` becomes
# `actor` (kept on the row, PROTECT like the other histories), the note a text, the action up to
# 40 characters. Existing rows are kept as they are.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("simplification", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="proposalevent", old_name="user", new_name="actor"),
        migrations.AlterField(
            model_name="proposalevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="người thực hiện",
            ),
        ),
        migrations.AlterField(
            model_name="proposalevent",
            name="action",
            field=models.CharField(max_length=40, verbose_name="thao tác"),
        ),
        migrations.AlterField(
            model_name="proposalevent",
            name="at",
            field=models.DateTimeField(verbose_name="thời điểm"),
        ),
        migrations.AlterField(
            model_name="proposalevent",
            name="data",
            field=models.JSONField(blank=True, default=dict, verbose_name="dữ liệu"),
        ),
        migrations.AlterField(
            model_name="proposalevent",
            name="note",
            field=models.TextField(blank=True, verbose_name="ghi chú"),
        ),
    ]
