from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from congvu.procedures.catalogue import FORMATS
from congvu.procedures.models import Field, OnlineLevel, ProcedureLevel

# A catalogue of a few thousand procedures is well under this; more is not a catalogue.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ProcedureSearchForm(forms.Form):
    """The search box and filters of the public catalogue."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    field = forms.ModelChoiceField(
        label=_("Field"), queryset=Field.objects.all(), required=False, empty_label=_("All fields")
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *ProcedureLevel.choices]
    )
    online_level = forms.ChoiceField(
        label=_("Online service"),
        required=False,
        choices=[("", _("Any")), *OnlineLevel.choices],
    )


class CatalogueImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue file"), help_text=_("An XLSX or CSV file with the columns below.")
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in FORMATS:
            raise forms.ValidationError(_("Upload an .xlsx or a .csv file."))
        upload.catalogue_format = extension
        return upload
