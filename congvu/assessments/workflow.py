"""The life of a round as data: which action moves a round of which index from which status
to which. Services check an action against this table, pages ask it what may be offered.

PAR (QĐ 876/QĐ-BNV; the province's decision): units assess themselves with evidence by a
deadline, the Department of Home Affairs appraises (its points are final), the sociological
survey is imported, the results are computed, then published. DDCI has no self-assessment:
its component indices come from the business survey alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from congvu.assessments.models import RoundKind, RoundStatus

S = RoundStatus


@dataclass(frozen=True)
class RoundAction:
    name: str
    label: str | Promise
    sources: dict[str, tuple[str, ...]]  # by kind of index
    target: str

    def allowed_from(self, kind: str, status: str) -> bool:
        return status in self.sources.get(kind, ())


ACTIONS: dict[str, RoundAction] = {
    action.name: action
    for action in (
        RoundAction(
            "open",
            _("Open the self-assessment"),
            {RoundKind.PAR: (S.DRAFT,)},
            S.SELF_ASSESSMENT,
        ),
        RoundAction(
            "start_appraisal",
            _("Close the self-assessment and start the appraisal"),
            {RoundKind.PAR: (S.SELF_ASSESSMENT,)},
            S.APPRAISAL,
        ),
        RoundAction(
            "import_survey",
            _("Import survey results"),
            {
                RoundKind.PAR: (S.APPRAISAL, S.SURVEY_IMPORTED),
                RoundKind.DDCI: (S.DRAFT, S.SURVEY_IMPORTED),
            },
            S.SURVEY_IMPORTED,
        ),
        RoundAction(
            "compute",
            _("Compute the results"),
            {
                RoundKind.PAR: (S.APPRAISAL, S.SURVEY_IMPORTED, S.COMPUTED),
                RoundKind.DDCI: (S.SURVEY_IMPORTED, S.COMPUTED),
            },
            S.COMPUTED,
        ),
        RoundAction(
            "publish",
            _("Publish the results"),
            {RoundKind.PAR: (S.COMPUTED,), RoundKind.DDCI: (S.COMPUTED,)},
            S.PUBLISHED,
        ),
    )
}

# The actions a manager takes from the round's page (the survey import has its own form).
PAGE_ACTIONS = ("open", "start_appraisal", "compute", "publish")

# What may be done to a round's content in each status.
TREE_EDITABLE = (S.DRAFT,)
SELF_ASSESSMENT_OPEN = (S.SELF_ASSESSMENT,)
APPRAISAL_OPEN = (S.APPRAISAL, S.SURVEY_IMPORTED)
MEASURES_REFRESHABLE = (S.APPRAISAL, S.SURVEY_IMPORTED, S.COMPUTED)
BANDS_EDITABLE = (S.DRAFT, S.SELF_ASSESSMENT, S.APPRAISAL, S.SURVEY_IMPORTED, S.COMPUTED)
RESULTS_STATUSES = (S.COMPUTED, S.PUBLISHED)
