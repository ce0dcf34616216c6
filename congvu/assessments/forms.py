"""Forms of the assessment pages. Dates are entered as dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.assessments.models import Criterion, Round, RoundKind, Score, UnitGroup
from congvu.assessments.scoring import parse_bands
from congvu.assessments.selectors import METRICS
from congvu.assessments.services import MAX_WORKING_DAYS, Entry

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class DateField(forms.DateField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
            ),
        )
        super().__init__(**kwargs)


class RoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Index"), choices=RoundKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=300)
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)
    period_start = DateField(label=_("Period from"), required=False)
    period_end = DateField(label=_("Period to"), required=False)
    copy_from = forms.ModelChoiceField(
        label=_("Copy the tree and bands of"),
        queryset=Round.objects.none(),
        required=False,
        help_text=_("Normally last year's round of the same index."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].queryset = Round.objects.order_by("-year", "kind")  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class OpenForm(forms.Form):
    working_days = forms.IntegerField(
        label=_("Working days for the self-assessment"),
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        initial=10,
    )


class FileForm(forms.Form):
    file = forms.FileField(label=_("File (XLSX or CSV)"))


class BandsForm(forms.Form):
    bands = forms.CharField(
        label=_("Grading bands"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One band a line: the lowest index of the band, then its grade, e.g. “90 Tốt”. "
            "Configurable; verify against the province's decision."
        ),
    )

    def clean_bands(self) -> list[tuple[Decimal, str]]:
        try:
            bands = parse_bands(self.cleaned_data["bands"])
        except ValueError as exc:
            raise forms.ValidationError(
                _("Line %(line)s is not “<lowest index> <grade>” with an index from 0 to 100.")
                % {"line": exc.args[0]}
            ) from exc
        if not bands:
            raise forms.ValidationError(_("Give at least one band."))
        return bands


class PointsField(forms.DecimalField):
    """Points typed either way: "3,5" as Vietnamese writes them, or "3.5" as a browser's
    number input sends them."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace(",", ".")
        return super().to_python(value)


class ScoresForm(forms.Form):
    """Points and a note (or comment) for each of the given scores, as fields p_<id>, t_<id>."""

    def __init__(self, *args: Any, scores: list[Score], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scores = scores
        for score in scores:
            c = score.criterion
            self.fields[f"p_{c.pk}"] = PointsField(
                label=_("Points for %(code)s") % {"code": c.code},
                required=False,
                min_value=Decimal(0),
                max_value=c.max_points,
                decimal_places=2,
                max_digits=6,
            )
            self.fields[f"t_{c.pk}"] = forms.CharField(
                label=_("Note for %(code)s") % {"code": c.code},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def entries(self) -> list[Entry]:
        return [
            Entry(
                criterion=score.criterion,
                points=self.cleaned_data.get(f"p_{score.criterion.pk}"),
                text=self.cleaned_data.get(f"t_{score.criterion.pk}") or "",
            )
            for score in self.scores
        ]


class EvidenceForm(forms.Form):
    criterion = forms.ModelChoiceField(label=_("Criterion"), queryset=Criterion.objects.none())
    file = forms.FileField(label=_("File (PDF, JPEG, PNG, DOCX, XLSX)"))

    def __init__(self, *args: Any, criteria: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria  # type: ignore[attr-defined]


class RankingsForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    group = forms.ChoiceField(label=_("Units"), choices=UnitGroup.choices, required=False)
    metric = forms.ChoiceField(
        label=_("Rank by"), choices=[(k, v) for k, v in METRICS.items()], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The year ranked when none is asked for, shown in the field rather than left blank.
        self.fields["year"].initial = timezone.localdate().year

    def values(self) -> tuple[int, str, str]:
        today = timezone.localdate()
        if not self.is_valid():
            return today.year, UnitGroup.DEPARTMENTS, "service_index"
        data = self.cleaned_data
        return (
            data.get("year") or today.year,
            data.get("group") or UnitGroup.DEPARTMENTS,
            data.get("metric") or "service_index",
        )


class PeriodForm(forms.Form):
    start = DateField(label=_("From"), required=False)
    end = DateField(label=_("To"), required=False)

    def values(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
        if self.is_valid():
            start = self.cleaned_data.get("start") or start
            end = self.cleaned_data.get("end") or end
        if end < start:
            start, end = end, start
        return start, end
