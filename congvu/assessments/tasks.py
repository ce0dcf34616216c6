"""Background work of the assessments app, run by the task worker (`manage.py db_worker`)."""

from __future__ import annotations

import dataclasses

from django_tasks import task

from congvu.assessments.services import assessments_sweep as sweep


@task()
def assessments_sweep() -> dict[str, int]:
    """Remind the units that have not sent their self-assessment; scheduled every few
    minutes, and harmless when two runs overlap."""
    return dataclasses.asdict(sweep())
