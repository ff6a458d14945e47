"""The lookup secret of feedback (issue 13): a new field, and a secret for every existing
feedback, so earlier senders verify on the lookup page once the next notification about their
feedback reaches them (or an officer reads it to them from the staff page)."""

import secrets

from django.db import migrations, models

# Same alphabet and length as tthc.core.lookupcode (copied: a migration must not import code
# that may change).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8
BATCH = 2000


def fill(apps, schema_editor):
    Feedback = apps.get_model("feedback", "Feedback")
    batch = []
    for feedback in Feedback.objects.filter(lookup_secret="").only("pk").iterator(chunk_size=BATCH):
        feedback.lookup_secret = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        batch.append(feedback)
        if len(batch) >= BATCH:
            Feedback.objects.bulk_update(batch, ["lookup_secret"])
            batch = []
    if batch:
        Feedback.objects.bulk_update(batch, ["lookup_secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_personal_data_attachments"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedback",
            name="lookup_secret",
            field=models.CharField(
                blank=True, editable=False, max_length=8, verbose_name="mã tra cứu"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
