# A migration of its own: on PostgreSQL, altering a column in the transaction that
# just updated it (with deferred foreign-key checks pending) is refused.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0003_agenda_open_by_engagement"),
        ("homework", "0002_progressentry_engagement"),
    ]

    operations = [
        migrations.AlterField(
            model_name="progressentry",
            name="engagement",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="coaching.engagement",
            ),
        ),
        migrations.AddIndex(
            model_name="progressentry",
            index=models.Index(fields=["engagement", "written_at"], name="homework_pr_engagem_92b071_idx"),
        ),
    ]
