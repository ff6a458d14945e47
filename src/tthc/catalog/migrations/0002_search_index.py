from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from tthc.catalog import search


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(search.SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(search.POSTGRES_CREATE)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(search.SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(search.POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
