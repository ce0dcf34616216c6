from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from congvu.dossiers import uploads
from congvu.dossiers.models import Channel, Rating, Status
from congvu.dossiers.workflow import ACTIONS
from congvu.organizations.models import Unit
from congvu.procedures.models import ProcedureVersion

DATE_FORMATS = ["%d/%m/%Y"]
DATETIME_FORMATS = ["%d/%m/%Y %H:%M"]


def _communes() -> Any:
    return (
        Unit.objects.active()
        .filter(kind=Unit.Kind.COMMUNE_COMMITTEE)
        .order_by("sort_order", "name")
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the services check each file's type and size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        chosen = (
            [d for d in data if d] if isinstance(data, list | tuple) else [data] if data else []
        )
        # More files than a dossier may hold are refused before any is read.
        limit = uploads.max_files()
        if len(chosen) > limit:
            raise forms.ValidationError(
                ngettext("Choose at most %(count)d file.", "Choose at most %(count)d files.", limit)
                % {"count": limit}
            )
        return [single(d, initial) for d in chosen]


class WorklistFilterForm(forms.Form):
    procedure = forms.CharField(label=_("Procedure code"), required=False, max_length=60)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )
    channel = forms.TypedChoiceField(
        label=_("Channel"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any channel")), *Channel.choices],
    )
    received_from = forms.DateField(
        label=_("Received from"), required=False, input_formats=DATE_FORMATS
    )
    received_to = forms.DateField(label=_("to"), required=False, input_formats=DATE_FORMATS)
    step = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            raise ValidationError(_("The start of the range is after its end."))
        return data


class ApplicantFields(forms.Form):
    """The applicant's details, as on the receipt (Mẫu 01)."""

    applicant_name = forms.CharField(label=_("Full name"), max_length=200)
    applicant_id_number = forms.CharField(
        label=_("Personal identifier number or tax code"),
        max_length=20,
        help_text=_("12 digits, or the 10- or 13-digit tax code of an organisation."),
    )
    applicant_phone = forms.CharField(label=_("Phone"), max_length=20)
    applicant_email = forms.CharField(label=_("Email"), max_length=254, required=False)
    applicant_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    representative = forms.CharField(
        label=_("Representative (if any)"), max_length=200, required=False
    )
    request = forms.CharField(
        label=_("Request"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Documents"),
        help_text=_("PDF, JPEG, PNG, DOCX or XLSX; several files may be chosen at once."),
    )

    # Where the services' error keys land on this form.
    ERROR_FIELDS = {
        "applicant.name": "applicant_name",
        "applicant.id_number": "applicant_id_number",
        "applicant.phone": "applicant_phone",
        "applicant.email": "applicant_email",
        "file": "files",
    }


class DeskSubmitForm(ApplicantFields):
    """A dossier handed in at the desk or by post and entered by the one-stop officer."""

    procedure = forms.ChoiceField(label=_("Procedure"))
    commune = forms.ModelChoiceField(
        label=_("Commune (for commune-level procedures)"),
        queryset=Unit.objects.none(),
        required=False,
    )
    channel = forms.TypedChoiceField(
        label=_("Received"),
        coerce=int,
        choices=[
            (Channel.IN_PERSON, Channel.IN_PERSON.label),
            (Channel.POSTAL, Channel.POSTAL.label),
        ],
        initial=Channel.IN_PERSON,
        widget=forms.RadioSelect,
    )

    field_order = ["procedure", "commune", "channel"]

    def __init__(self, *args: Any, versions: list[ProcedureVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        procedure = self.fields["procedure"]
        assert isinstance(procedure, forms.ChoiceField)
        procedure.choices = [("", "—")] + [
            (v.procedure.code, f"{v.procedure.code} – {v.name}") for v in versions
        ]
        commune = self.fields["commune"]
        assert isinstance(commune, forms.ModelChoiceField)
        commune.queryset = _communes()


class OnlineSubmitForm(ApplicantFields):
    """A dossier the applicant submits from their own account (channel 2)."""

    def __init__(self, *args: Any, version: ProcedureVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if version.competent_kind == ProcedureVersion.Competent.COMMUNE:
            self.fields["commune"] = forms.ModelChoiceField(
                label=_("Commune"),
                queryset=_communes(),
            )
            self.order_fields(["commune"])


class ActionForm(forms.Form):
    """One workflow action posted from the dossier page; which fields matter depends on the
    action, and the service says whether it may be taken."""

    RETURN_METHODS = [
        ("", "—"),
        ("at_desk", _("At the desk")),
        ("postal", _("By public postal service")),
        ("online", _("Electronically")),
    ]

    action = forms.ChoiceField(choices=[(name, a.label) for name, a in ACTIONS.items()])
    expected_step = forms.IntegerField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(required=False, max_length=4000, widget=forms.Textarea)
    to_step = forms.IntegerField(required=False, min_value=1)
    new_due_at = forms.DateTimeField(required=False, input_formats=DATETIME_FORMATS)
    responsible_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)
    return_method = forms.ChoiceField(required=False, choices=RETURN_METHODS)
    overall = forms.ChoiceField(
        required=False, choices=Rating.Overall.choices, widget=forms.RadioSelect
    )
    attitude = forms.ChoiceField(required=False, choices=[("", "—"), *Rating.Overall.choices])
    visits = forms.IntegerField(required=False, min_value=1, max_value=99)
    comment = forms.CharField(required=False, max_length=4000, widget=forms.Textarea)
    result_file = forms.FileField(required=False)
    files = MultipleFileField()  # type: ignore[assignment]

    ERROR_FIELDS = {"file": "files"}

    def __init__(self, *args: Any, units: list[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        responsible = self.fields["responsible_unit"]
        assert isinstance(responsible, forms.ModelChoiceField)
        responsible.queryset = Unit.objects.filter(pk__in=[u.pk for u in units or []])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action == "apologize" and not data.get("new_due_at"):
            self.add_error("new_due_at", _("Enter the new appointment as dd/mm/yyyy HH:MM."))
        if action == "rate" and not data.get("overall"):
            self.add_error("overall", _("Choose how satisfied you are."))
        return data

    def return_method_label(self) -> str:
        return str(dict(self.RETURN_METHODS).get(self.cleaned_data.get("return_method") or "", ""))


class FeedbackForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    dossier_code = forms.CharField(
        label=_("Dossier code (if it concerns a dossier)"), max_length=60, required=False
    )
    content = forms.CharField(
        label=_("Your feedback or petition"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Dossier code"), max_length=60)
    secret = forms.CharField(label=_("Lookup key (on your receipt)"), max_length=32, required=False)
    phone = forms.CharField(
        label=_("or the applicant's phone number"), max_length=20, required=False
    )
