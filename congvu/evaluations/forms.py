"""Forms of the evaluation pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.evaluations.models import Cadence, Level
from congvu.organizations.models import Unit

LEVELS = [(v, label) for v, label in Level.choices if v != Level.NOT_CLASSIFIED]
ALL_LEVELS = list(Level.choices)


class SelfAssessForm(forms.Form):
    text = forms.CharField(
        label=_("What I did in the year: results, quality, conduct"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
    )
    level = forms.ChoiceField(label=_("The level I propose for myself"), choices=LEVELS)


class ProposeForm(forms.Form):
    level = forms.ChoiceField(label=_("Proposed level"), choices=ALL_LEVELS)
    comment = forms.CharField(
        label=_("Comments (needed when the level differs from congvu's proposal)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )


class DecideForm(forms.Form):
    level = forms.ChoiceField(label=_("Level decided"), choices=ALL_LEVELS)
    reason = forms.CharField(
        label=_("Reason (needed when the level differs from the proposals)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )


class FactsForm(forms.Form):
    months_worked = forms.DecimalField(
        label=_("Months worked in the year"),
        min_value=Decimal(0),
        max_value=Decimal(12),
        decimal_places=1,
    )
    months_absent = forms.DecimalField(
        label=_("Months absent (leave, sickness)"),
        min_value=Decimal(0),
        max_value=Decimal(12),
        decimal_places=1,
    )
    disciplined = forms.BooleanField(label=_("Disciplined in the year"), required=False)
    discipline_note = forms.CharField(
        label=_("Disciplinary measure and decision"), required=False, max_length=500
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        worked, absent = data.get("months_worked"), data.get("months_absent")
        if worked is not None and absent is not None and absent > worked:
            self.add_error("months_absent", _("Months absent cannot exceed the months worked."))
        return data


class ScoreForm(forms.Form):
    period = forms.CharField(
        label=_("Period"), max_length=10, help_text=_("E.g. 2026-03 or 2026-Q1.")
    )
    score = forms.DecimalField(
        label=_("Score (out of 100)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class RoundOpenForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100)
    scope = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("The whole province"),
    )
    cadence = forms.ChoiceField(label=_("Continuous scoring"), choices=Cadence.choices)
    excellent_quota_percent = forms.IntegerField(
        label=_("HTXSNV cap (% of those rated HTTNV or better)"),
        min_value=0,
        max_value=100,
        initial=20,
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ModelChoiceField)
        scope.queryset = (
            Unit.objects.active()
            .filter(kind__in=Unit.AGENCY_KINDS)
            .exclude(kind=Unit.Kind.EXTERNAL_AGENCY)
            .order_by("path")
        )


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "self_assess": SelfAssessForm,
    "propose": ProposeForm,
    "decide": DecideForm,
    "set_facts": FactsForm,
    "score": ScoreForm,
}
