"""Reminders to units that have not sent their self-assessment: once per rung, the latest
due rung only, through the command and the task worker alike."""

from __future__ import annotations

import io
from typing import Any

import time_machine
from django.core.management import call_command

from congvu.assessments import services
from congvu.assessments.models import ReminderSent, Round
from congvu.assessments.tasks import assessments_sweep
from congvu.assessments.tests.conftest import at
from congvu.core.models import Notification
from congvu.organizations.models import Unit


def test_overdue_reminder_once(
    units: dict[str, Unit], par_round: Round, appraiser: Any, head_a: Any
) -> None:
    with time_machine.travel(at(2, 3, 8), tick=False):
        services.round_open(actor=appraiser, round=par_round, working_days=10)
    with time_machine.travel(at(5, 3, 8), tick=False):
        out = io.StringIO()
        call_command("assessments_sweep", stdout=out)
        assert "sent 0 reminders" in out.getvalue()
    # The day after the deadline (Monday 16/03): only the overdue rung goes, not the two
    # missed before it.
    with time_machine.travel(at(17, 3, 17, 31), tick=False):
        result = assessments_sweep.enqueue().return_value
        assert result is not None
        assert result["reminders"] == 5
        assert services.assessments_sweep().reminders == 0
    assert set(ReminderSent.objects.values_list("offset", flat=True)) == {1}
    assert (
        Notification.objects.filter(
            user=head_a.user, title__startswith="Self-assessment overdue"
        ).count()
        == 1
    )
