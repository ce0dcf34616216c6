"""Background work of the directives app, run by the task worker (`manage.py db_worker`)."""

from __future__ import annotations

import dataclasses

from django_tasks import task

from congvu.directives.services import tasks_sweep


@task()
def directives_sweep() -> dict[str, int]:
    """Send the task reminders and escalations that are due and create the coming reporting
    obligations; scheduled every few minutes, and harmless when two runs overlap."""
    return dataclasses.asdict(tasks_sweep())
