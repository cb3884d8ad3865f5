"""Every coach who existed before practices did becomes the owner of a practice of one."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def make_practices(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("accounts", "User")
    Practice = apps.get_model("practice", "Practice")
    Membership = apps.get_model("practice", "Membership")
    coaches = User.objects.filter(is_coach=True, membership__isnull=True).order_by("pk")
    for coach in coaches.iterator(chunk_size=500):
        name = coach.name or coach.email.split("@")[0]
        practice = Practice.objects.create(name=f"{name}'s practice")
        Membership.objects.create(practice=practice, user=coach, role="owner")


class Migration(migrations.Migration):
    dependencies = [("practice", "0001_initial")]

    operations = [migrations.RunPython(make_practices, migrations.RunPython.noop)]
