"""The lookup secret (issue 13): a new field, and a secret for every existing dossier, so the
citizens of earlier dossiers verify on the lookup page once a staff member reprints their receipt
or the next notification reaches them."""

import secrets

from django.db import migrations, models

# Same alphabet and length as tthc.dossiers.personal (copied: a migration must not import code
# that may change).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


def fill(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    batch = []
    for dossier in Dossier.objects.filter(lookup_secret="").only("pk").iterator(chunk_size=2000):
        dossier.lookup_secret = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        batch.append(dossier)
        if len(batch) >= 2000:
            Dossier.objects.bulk_update(batch, ["lookup_secret"])
            batch = []
    if batch:
        Dossier.objects.bulk_update(batch, ["lookup_secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_dossier_agencies"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="lookup_secret",
            field=models.CharField(
                blank=True, editable=False, max_length=8, verbose_name="mã tra cứu"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
