from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class OfficeHours(models.Model):
    """A province's office hours (Giờ làm việc): two sessions a working day.

    The working-day clock counts deadlines only inside these hours; the default, 07:30–11:30
    and 13:30–17:30, gives the 8-hour working day the procedures' processing times assume.
    """

    province = models.OneToOneField(
        "organizations.Unit",
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="office_hours",
        limit_choices_to={"kind": "province_committee"},
    )
    morning_start = models.TimeField(_("morning from"), default=dt.time(7, 30))
    morning_end = models.TimeField(_("morning until"), default=dt.time(11, 30))
    afternoon_start = models.TimeField(_("afternoon from"), default=dt.time(13, 30))
    afternoon_end = models.TimeField(_("afternoon until"), default=dt.time(17, 30))

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_end__gt=F("morning_start"))
                & Q(afternoon_start__gte=F("morning_end"))
                & Q(afternoon_end__gt=F("afternoon_start")),
                name="office_hours_in_order",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.morning_start:%H:%M}–{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M}"
        )


class DayOverride(models.Model):
    """A day the province itself declares worked or not worked (Ngày nghỉ, ngày làm bù của tỉnh),
    overriding the national calendar: an extra day off, or a day off it cancels."""

    province = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="day_overrides",
        limit_choices_to={"kind": "province_committee"},
    )
    date = models.DateField(_("date"))
    is_working = models.BooleanField(
        _("working day"),
        help_text=_("Ticked: the day is worked. Not ticked: the day is a day off."),
    )
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["province", "date"], name="day_override_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.reason}"
