"""Forms of the task pages. Dates are entered as dd/mm/yyyy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from congvu.directives.models import DirectingDocument, Priority, Task
from congvu.organizations.models import Official, Unit

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


class DocumentSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)


class PeriodForm(forms.Form):
    start = DateField(label=_("From"), required=False)
    end = DateField(label=_("To"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name (A–Z)")),
            ("assigned", _("Tasks assigned")),
            ("overdue", _("Overdue")),
            ("rate", _("On-time rate")),
        ],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class TaskAssignForm(forms.Form):
    document = forms.ModelChoiceField(
        label=_("Directing document"), queryset=DirectingDocument.objects.none(), required=False
    )
    parent = forms.ModelChoiceField(
        label=_("Part of task"), queryset=Task.objects.none(), required=False
    )
    number = forms.CharField(label=_("No."), max_length=20, required=False)
    title = forms.CharField(label=_("Task"), max_length=500)
    content = forms.CharField(
        label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=Unit.objects.none())
    coordinating_units = forms.ModelMultipleChoiceField(
        label=_("Coordinating units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    due_on = DateField(label=_("Deadline"))
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=1)

    def __init__(self, *args: Any, documents: Any, tasks: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents  # type: ignore[attr-defined]
        self.fields["parent"].queryset = tasks  # type: ignore[attr-defined]
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["coordinating_units"].queryset = units  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 3}))
    is_completion = forms.BooleanField(label=_("The task is finished"), required=False)


class ExtensionRequestForm(forms.Form):
    proposed_due_on = DateField(label=_("Proposed deadline"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecideForm(forms.Form):
    request = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Refuse"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AcceptForm(forms.Form):
    quality = forms.TypedChoiceField(
        label=_("Quality (1–5)"),
        choices=[(str(i), str(i)) for i in range(5, 0, -1)],
        coerce=int,
    )
    note = forms.CharField(label=_("Note"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DelegateForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Act on it"), queryset=Official.objects.none())
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args: Any, officials: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = officials  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX file"))
