from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("catalog", "CatalogRevision").objects.using(
        schema_editor.connection.alias
    ).get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_scheduled_versions_import_jobs")]

    operations = [
        migrations.CreateModel(
            name="CatalogRevision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "phiên bản danh mục (tìm kiếm)",
                "verbose_name_plural": "phiên bản danh mục (tìm kiếm)",
            },
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
