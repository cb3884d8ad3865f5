"""Copy each progress entry's engagement from its homework (see ProgressEntry.engagement)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_engagement(apps, schema_editor):
    ProgressEntry = apps.get_model("homework", "ProgressEntry")
    Homework = apps.get_model("homework", "Homework")
    ProgressEntry.objects.filter(engagement__isnull=True).update(
        engagement_id=Subquery(Homework.objects.filter(pk=OuterRef("homework_id")).values("engagement_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0003_agenda_open_by_engagement"),
        ("homework", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="progressentry",
            name="engagement",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="coaching.engagement",
            ),
        ),
        migrations.RunPython(copy_engagement, migrations.RunPython.noop, elidable=True),
    ]
