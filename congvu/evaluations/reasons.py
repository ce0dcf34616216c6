"""congvu's reasons for a proposed level, in the reader's language.

`selectors.proposal_compute` stores each reason as {"key": ..., "values": {...}}; this module
words them. A key it does not know is shown as stored, so an old reason never breaks a page.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congvu.evaluations.models import Level

LEVELS = dict(Level.choices)

TEXTS: dict[str, Any] = {
    "record": gettext_lazy(
        "%(total)s obligations counted: %(on_time)s on time (%(exceeded)s exceeded), "
        "%(late)s late, %(overdue)s overdue."
    ),
    "no_record": gettext_lazy(
        "congvu holds no obligation of this official due in the year: no level above HTNV is "
        "earned from the data alone; the evaluator judges."
    ),
    "no_targets": gettext_lazy(
        "congvu holds no target of the unit due in the year: no level above HTNV is earned "
        "from the data alone; the evaluator judges."
    ),
    "staff_excellent": gettext_lazy(
        "All on time and %(percent)s %% exceeded (HTXSNV needs all on time and at least 50 %% "
        "exceeded)."
    ),
    "staff_good": gettext_lazy(
        "All on time, %(percent)s %% exceeded: HTTNV (HTXSNV needs at least 50 %% exceeded)."
    ),
    "staff_done": gettext_lazy(
        "%(percent)s %% below standard: HTNV (at most 20 %% below standard)."
    ),
    "staff_gap": gettext_lazy(
        "%(percent)s %% below standard: more than HTNV allows (20 %%) though not more than "
        "half failed; the rules name no level in between, so KHTNV is proposed and the "
        "evaluator judges."
    ),
    "staff_failed": gettext_lazy("%(percent)s %% of obligations failed (over 50 %%): KHTNV."),
    "head_excellent": gettext_lazy(
        "The unit met %(percent)s %% of its targets, %(exceeded)s %% exceeded, and its units "
        "meet the conditions of HTXSNV."
    ),
    "head_units_block_excellent": gettext_lazy(
        "Every target met and enough exceeded, but HTXSNV needs every directly managed unit "
        "at least HTNV and at least 70 %% of them HTTNV or better (now %(percent)s %%)."
    ),
    "head_good": gettext_lazy(
        "The unit met %(percent)s %% of its targets on time (HTTNV needs at least 80 %% and "
        "every directly managed unit at least HTNV)."
    ),
    "head_done": gettext_lazy(
        "The unit met %(percent)s %% of its targets (HTNV needs more than 70 %%)."
    ),
    "head_gap": gettext_lazy(
        "The unit met %(percent)s %% of its targets: not more than 70 %% as HTNV needs, not "
        "under 50 %%; the rules name no level in between, so KHTNV is proposed and the "
        "evaluator judges."
    ),
    "head_failed": gettext_lazy(
        "The unit met only %(percent)s %% of its targets (under 50 %%): KHTNV."
    ),
    "units": gettext_lazy(
        "Directly managed units: %(total)s, %(decided)s decided (%(good)s HTTNV or better, "
        "%(below_done)s below HTNV), %(pending)s not decided yet."
    ),
    "subordinate_failed": gettext_lazy(
        "%(count)s directly managed unit(s) below HTNV: the head may be at most HTNV."
    ),
    "not_classified_months": gettext_lazy(
        "%(months)s months worked in the year (under %(minimum)s): evaluated, not classified."
    ),
    "disciplined": gettext_lazy("Disciplined in the year: KHTNV."),
    "absence_cap": gettext_lazy("Absent %(months)s months (3 or more): at most HTNV."),
    "capped": gettext_lazy("Held to %(level)s by the rules above."),
    "par": gettext_lazy("PAR index of the agency: %(points)s points out of 100."),
    "par_missing": gettext_lazy("No PAR index of the agency is published for the year."),
    "index766": gettext_lazy(
        "Service-quality index (QĐ 766) of the agency: %(points)s points out of 100."
    ),
    "index766_missing": gettext_lazy(
        "No service-quality index (QĐ 766) of the agency is published for the year."
    ),
    "source_tasks": gettext_lazy(
        "Tasks due in the year: %(on_time)s on time (%(exceeded)s exceeded, %(extended)s "
        "after an extension), %(late)s late, %(overdue)s overdue."
    ),
    "source_reports": gettext_lazy(
        "Periodic reports due in the year: %(on_time)s on time, %(late)s late, %(overdue)s missing."
    ),
    "source_dossiers": gettext_lazy(
        "Dossier steps handled: %(on_time)s on time (%(exceeded)s early), %(late)s late."
    ),
    "year_score": gettext_lazy(
        "Continuous scoring: %(score)s out of 100 over %(periods)s periods, which reads as "
        "%(level)s."
    ),
}


def describe(reasons: list[dict[str, Any]] | None) -> list[str]:
    """Each stored reason as a sentence in the active language."""
    sentences = []
    for reason in reasons or []:
        key = str(reason.get("key", ""))
        values = dict(reason.get("values") or {})
        for name in ("level",):
            if name in values:
                values[name] = LEVELS.get(values[name], values[name])
        text = TEXTS.get(key)
        if text is None:
            sentences.append(key)
            continue
        try:
            sentences.append(str(text) % values)
        except (KeyError, TypeError, ValueError):
            sentences.append(str(text))
    return sentences


def level_label(value: str) -> str:
    return str(LEVELS.get(value, value)) if value else _("—")
