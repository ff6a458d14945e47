from django.db import migrations


def move_number(apps, schema_editor):
    """The catalog's revision becomes the row "catalog" of core's revisions, same number."""
    alias = schema_editor.connection.alias
    old = apps.get_model("catalog", "CatalogRevision").objects.using(alias).filter(pk=1).first()
    apps.get_model("core", "Revision").objects.using(alias).update_or_create(
        name="catalog", defaults={"number": old.number if old else 0}
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_catalogrevision"), ("core", "0002_revision")]

    operations = [
        migrations.RunPython(move_number, migrations.RunPython.noop),
        migrations.DeleteModel(name="CatalogRevision"),
    ]
