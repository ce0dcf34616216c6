"""Forms of the portal: search, and the newsroom's article and workflow forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from congvu.portal.models import Article, Category
from congvu.portal.richtext import TAGS

DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M"]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the news"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. cải cách")}),
    )


class ArticleForm(forms.ModelForm):
    tags_text = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas."),
    )
    remove_cover = forms.BooleanField(label=_("Remove the picture"), required=False)
    source_url = forms.URLField(
        label=_("source link"), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "summary",
            "body",
            "categories",
            "cover",
            "cover_alt",
            "byline",
            "source_name",
            "source_url",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 18, "class": "code-input"}),
            "categories": forms.CheckboxSelectMultiple,
            "cover": forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.webp"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = Category.objects.order_by("sort_order", "name")  # type: ignore[attr-defined]
        self.fields["cover"].widget = forms.FileInput(attrs={"accept": ".jpg,.jpeg,.png,.webp"})
        allowed = ", ".join(sorted(TAGS))
        self.fields["body"].help_text = _(
            "HTML. Allowed tags: %(tags)s. Anything else, scripts and event handlers included, "
            "is removed when the article is saved."
        ) % {"tags": allowed}
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(t.name for t in self.instance.tags.all())
        else:
            self.fields.pop("remove_cover")

    def tag_names(self) -> list[str]:
        return [n.strip() for n in self.cleaned_data.get("tags_text", "").split(",") if n.strip()]


class ActionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    published_at = forms.DateTimeField(
        label=_("Publish at (dd/mm/yyyy hh:mm; empty = now)"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm"}
        ),
    )
