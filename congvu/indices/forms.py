"""Forms of the index pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.indices.catalogue import INDICATOR_NAMES
from congvu.indices.models import MANUAL_CODES
from congvu.organizations.models import Unit

QUARTERS = [("", _("Whole year")), ("1", "I"), ("2", "II"), ("3", "III"), ("4", "IV")]
MONTHS = [("", "—")] + [(str(m), f"{m:02d}") for m in range(1, 13)]
KIND_CHOICES = [
    ("", _("Departments and communes")),
    ("department", _("Departments")),
    ("commune", _("Communes")),
]


class PeriodForm(forms.Form):
    """A year, and optionally a quarter or a month of it."""

    year = forms.IntegerField(label=_("Year"), min_value=2022, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), choices=QUARTERS, required=False, coerce=int, empty_value=None
    )
    month = forms.TypedChoiceField(
        label=_("Month"), choices=MONTHS, required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(label=_("Units"), choices=KIND_CHOICES, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("quarter") and data.get("month"):
            raise forms.ValidationError(_("Choose a quarter or a month, not both."))
        return data

    @classmethod
    def from_query(cls, query: Any) -> PeriodForm:
        data = query.copy()
        if not data.get("year"):
            data["year"] = str(timezone.localdate().year)
        return cls(data)


class FigureForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    indicator = forms.ChoiceField(
        label=_("Indicator"), choices=[(c, INDICATOR_NAMES[c]) for c in MANUAL_CODES]
    )
    year = forms.IntegerField(label=_("Year"), min_value=2022, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS[1:], coerce=int)
    numerator = forms.IntegerField(label=_("Numerator"), min_value=0)
    denominator = forms.IntegerField(label=_("Denominator"), min_value=1)
    note = forms.CharField(
        label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    evidence = forms.FileField(label=_("Evidence (PDF, JPEG, PNG, DOCX or XLSX)"))

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        self.fields["year"].initial = timezone.localdate().year
        self.fields["quarter"].initial = (timezone.localdate().month - 1) // 3 + 1


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("lock", _("Lock")), ("return", _("Return"))]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
