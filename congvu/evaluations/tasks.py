"""Background work of the evaluations app, run by the task worker (`manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from congvu.evaluations.models import Round
from congvu.evaluations.services import round_refresh


@task()
def evaluations_refresh() -> dict[str, int]:
    """Recompute congvu's proposals in every open round: the tasks, dossiers and indices they
    read change all year. Scheduled nightly; harmless when two runs overlap (rows are locked)."""
    changed = {}
    for round_ in Round.objects.filter(status=Round.Status.OPEN).order_by("pk"):
        changed[str(round_.pk)] = round_refresh(actor=None, round=round_)
    return changed
