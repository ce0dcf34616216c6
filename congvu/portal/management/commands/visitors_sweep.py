from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from congvu.portal.visitors import visits_flush, visits_rollup


class Command(BaseCommand):
    help = (
        "Write this process's visitor counts and fold finished days of visitor statistics "
        "into their daily totals, deleting their hashed ids and salts (run daily from cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        folded = visits_rollup()
        visits_flush()
        self.stdout.write(_("%(n)d visitor ids of finished days folded.") % {"n": folded})
