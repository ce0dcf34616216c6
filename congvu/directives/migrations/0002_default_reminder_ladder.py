"""The default reminder ladder of every priority: 7, 3 and 1 working days before the deadline
to the assignee; at the deadline to the assignee and the accountable head; 1, 3 and 7 working
days overdue also to the assigner. Provinces change it in the admin."""

from django.db import migrations

RUNGS = [
    (-7, True, False, False),
    (-3, True, False, False),
    (-1, True, False, False),
    (0, True, True, False),
    (1, True, True, True),
    (3, True, True, True),
    (7, True, True, True),
]


def add_ladder(apps, schema_editor):
    rung = apps.get_model("directives", "ReminderRung")
    for priority in ("normal", "high", "urgent"):
        for offset, assignee, head, assigner in RUNGS:
            rung.objects.get_or_create(
                priority=priority,
                offset_working_days=offset,
                defaults={"to_assignee": assignee, "to_head": head, "to_assigner": assigner},
            )


class Migration(migrations.Migration):
    dependencies = [("directives", "0001_initial")]

    operations = [migrations.RunPython(add_ladder, migrations.RunPython.noop)]
