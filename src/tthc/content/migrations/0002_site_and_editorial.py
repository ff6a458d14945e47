"""The site's home, news and events lists, the editors' group and the review workflow (see
`tthc.content.setup`), replacing Wagtail's welcome page so a fresh `migrate` gives a working
site, as Wagtail's project template does in home/migrations/0002_create_homepage.py."""

from django.conf import settings
from django.db import migrations

from tthc.content import setup


def forwards(apps, schema_editor):
    setup.install(apps, language_code=settings.LANGUAGE_CODE)


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
