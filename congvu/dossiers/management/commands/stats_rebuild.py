from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from congvu.dossiers.stats import dossier_stats_rebuild
from congvu.organizations.models import Unit


def _day(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%d/%m/%Y").date()  # noqa: DTZ007  (a date only)
    except ValueError:
        raise CommandError(
            _("Dates are written dd/mm/yyyy, e.g. 01/03/2026; got “%(value)s”.") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = (
        "Recompute the dossier statistics from the dossiers and their transitions: the daily, "
        "monthly and yearly counters over a range of days or all of them, and the counts of "
        "dossiers in process now, for one unit and its parts or all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", type=int, help="Id of the unit (its parts are included).")
        parser.add_argument("--from", dest="start", help="First day, dd/mm/yyyy.")
        parser.add_argument("--to", dest="end", help="Last day, dd/mm/yyyy.")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        unit = None
        if options.get("unit") is not None:
            unit = Unit.objects.filter(pk=options["unit"]).first()
            if unit is None:
                raise CommandError(_("No unit has the id %(id)s.") % {"id": options["unit"]})
        start = _day(options["start"]) if options.get("start") else None
        end = _day(options["end"]) if options.get("end") else None
        if start is not None and end is not None and start > end:
            raise CommandError(_("The first day must not be after the last day."))
        result = dossier_stats_rebuild(actor=None, unit=unit, start=start, end=end)
        self.stdout.write(
            _("Statistics rebuilt: %(deleted)s rows removed, %(created)s rows written.")
            % {"deleted": result.deleted, "created": result.created}
        )
