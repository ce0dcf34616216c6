"""The admin site for the procedure catalogue and the internal processes of its versions.

The internal process of a draft version is edited here, without a deploy: its steps, and the
transitions between them named by the steps' order, so that new steps and the moves between
them are entered in one go. The whole process is checked by `process_check` before anything is
saved, and saved through the services like every other write. Published and withdrawn versions
are shown read-only: a change is made on a copy.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congvu.procedures import services
from congvu.procedures.models import (
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    ProcessTransition,
    RequiredDocument,
)


class _NoDeleteMixin:
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _is_draft(obj: Any) -> bool:
    return obj is None or obj.status == ProcedureVersion.Status.DRAFT


def _kept_forms(formset: Any) -> list[Any]:
    """The inline forms that stay: filled in and not marked for deletion."""
    return [
        form
        for form in formset.forms
        if getattr(form, "cleaned_data", None) and not formset._should_delete_form(form)
    ]


# Fields ------------------------------------------------------------------------------------


@admin.register(Field)
class FieldAdmin(_NoDeleteMixin, admin.ModelAdmin[Field]):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Field | None = None) -> Any:
        # Procedures and catalogue files refer to a field by its code.
        return ["code"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: Field, form: forms.ModelForm[Field], change: bool
    ) -> None:
        if change:
            services.field_update(actor=request.user, field=obj, name=form.cleaned_data["name"])
            return
        created = services.field_create(
            actor=request.user, code=form.cleaned_data["code"], name=form.cleaned_data["name"]
        )
        obj.pk = created.pk


# Procedures --------------------------------------------------------------------------------


class VersionListInline(admin.TabularInline[ProcedureVersion, Procedure]):
    model = ProcedureVersion
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["number", "name", "status", "valid_from", "valid_until", "decision"]
    readonly_fields = ["number", "name", "status", "valid_from", "valid_until", "decision"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(_NoDeleteMixin, admin.ModelAdmin[Procedure]):
    """A procedure is made and changed through its versions; here it is only looked up."""

    list_display = ["code", "name", "field"]
    list_filter = ["field"]
    search_fields = ["code", "search_text"]
    list_select_related = ["field"]
    fields = ["code", "name", "field"]
    readonly_fields = ["code", "name", "field"]
    inlines = [VersionListInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Versions ----------------------------------------------------------------------------------


class _DraftOnlyInline:
    """The parts of a version are edited only while it is a draft."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class RequiredDocumentInline(
    _DraftOnlyInline, admin.TabularInline[RequiredDocument, ProcedureVersion]
):
    model = RequiredDocument
    extra = 0
    fields = ["order", "name", "originals", "copies", "mandatory"]


class FeeInline(_DraftOnlyInline, admin.TabularInline[Fee, ProcedureVersion]):
    model = Fee
    extra = 0
    fields = ["kind", "description", "amount"]


class StepFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        # Kept on the version being edited for the transitions' formset, which checks the
        # whole process once both are read (the admin validates inlines in their order).
        self.instance._admin_steps = [
            services.StepSpec(
                order=form.cleaned_data["order"],
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                responsible=form.cleaned_data["responsible"],
                position=form.cleaned_data["position"],
                budget_hours=form.cleaned_data["budget_hours"],
                unit=form.cleaned_data.get("unit"),
            )
            for form in _kept_forms(self)
        ]


class ProcessStepInline(_DraftOnlyInline, admin.TabularInline[ProcessStep, ProcedureVersion]):
    model = ProcessStep
    formset = StepFormSet
    extra = 0
    fields = ["order", "name", "kind", "responsible", "unit", "position", "budget_hours"]
    raw_id_fields = ["unit"]


class TransitionForm(forms.ModelForm[ProcessTransition]):
    """A transition with its steps named by their order, so that it may lead to a step entered
    in the same submission."""

    from_order = forms.IntegerField(label=gettext_lazy("from step (order)"), min_value=0)
    to_order = forms.IntegerField(
        label=gettext_lazy("to step (order)"),
        min_value=0,
        required=False,
        help_text=gettext_lazy("Empty when the action ends the process."),
    )

    class Meta:
        model = ProcessTransition
        fields = ["action"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        transition = self.instance
        if transition.pk is not None:
            self.initial.setdefault("from_order", transition.from_step.order)
            if transition.to_step is not None:
                self.initial.setdefault("to_order", transition.to_step.order)


class TransitionFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        version = self.instance
        transitions = [
            services.TransitionSpec(
                form.cleaned_data["from_order"],
                form.cleaned_data.get("to_order"),
                form.cleaned_data["action"],
            )
            for form in _kept_forms(self)
        ]
        version._admin_transitions = transitions
        steps = getattr(version, "_admin_steps", None)
        if steps is None or (not steps and not transitions):
            return
        errors = services.process_check(
            steps, transitions, processing_hours=version.processing_hours
        )
        if errors:
            raise ValidationError(errors)


class ProcessTransitionInline(
    _DraftOnlyInline, admin.TabularInline[ProcessTransition, ProcedureVersion]
):
    model = ProcessTransition
    form = TransitionForm
    formset = TransitionFormSet
    extra = 0
    fields = ["from_order", "to_order", "action"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcessTransition]:
        return super().get_queryset(request).select_related("from_step", "to_step")


class ProcessTransitionReadInline(admin.TabularInline[ProcessTransition, ProcedureVersion]):
    """The transitions of a published or withdrawn version, shown as they are."""

    model = ProcessTransition
    extra = 0
    fields = ["from_step", "to_step", "action"]
    readonly_fields = ["from_step", "to_step", "action"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcessTransition]:
        return super().get_queryset(request).select_related("from_step", "to_step")


class ProcedureVersionForm(forms.ModelForm[ProcedureVersion]):
    procedure_code = forms.CharField(
        label=gettext_lazy("procedure code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "Code in the national database; a new version of an existing procedure takes "
            "the next number."
        ),
    )

    class Meta:
        model = ProcedureVersion
        fields = sorted(services.VERSION_FIELDS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is None and not cleaned.get("procedure_code", "").strip():
            raise ValidationError({"procedure_code": _("A procedure needs its code.")})
        probe = ProcedureVersion(
            competent_kind=cleaned.get("competent_kind") or "",
            competent_unit=cleaned.get("competent_unit"),
        )
        services.version_check(probe)
        return cleaned


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(_NoDeleteMixin, admin.ModelAdmin[ProcedureVersion]):
    form = ProcedureVersionForm
    list_display = [
        "procedure",
        "number",
        "name",
        "status",
        "level",
        "online_level",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["status", "level", "online_level", "field"]
    search_fields = ["procedure__code", "procedure__search_text"]
    list_select_related = ["procedure"]
    raw_id_fields = ["competent_unit"]
    actions = ["publish", "withdraw", "copy"]
    fieldsets = [
        (None, {"fields": ["procedure_code", "name", "field", "level", "applicants"]}),
        (
            gettext_lazy("Who resolves it and how long it takes"),
            {
                "fields": [
                    "competent_kind",
                    "competent_unit",
                    "processing_time",
                    "processing_unit",
                    "cutoff_time",
                ]
            },
        ),
        (
            gettext_lazy("Result and publication"),
            {
                "fields": [
                    "result_type",
                    "paper_result_required",
                    "online_level",
                    "legal_basis",
                    "decision",
                    "valid_from",
                    "valid_until",
                ]
            },
        ),
    ]

    def get_fieldsets(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> Any:
        if obj is None:
            return self.fieldsets
        first = (
            None,
            {"fields": ["procedure", "number", "status", *self.fieldsets[0][1]["fields"][1:]]},
        )
        return [first, *self.fieldsets[1:]]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["procedure", "number", "status"] if obj is not None else []

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        transitions = ProcessTransitionInline if _is_draft(obj) else ProcessTransitionReadInline
        return [RequiredDocumentInline, FeeInline, ProcessStepInline, transitions]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Published and withdrawn versions are records: they are viewed, never edited.
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "GET":
            version = ProcedureVersion.objects.filter(pk=object_id).first()
            if version is not None and version.status == ProcedureVersion.Status.DRAFT:
                for problem in services.process_validate(version):
                    self.message_user(request, problem, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(
        self,
        request: HttpRequest,
        obj: ProcedureVersion,
        form: forms.ModelForm[ProcedureVersion],
        change: bool,
    ) -> None:
        data = form.cleaned_data
        if not change:
            created = services.procedure_version_create(
                actor=request.user,
                procedure_code=data["procedure_code"],
                **{f: data[f] for f in services.VERSION_FIELDS if f in data},
            )
            obj.pk, obj.procedure, obj.number = created.pk, created.procedure, created.number
            obj.status = created.status
            return
        changed = {f: data[f] for f in form.changed_data if f in services.VERSION_FIELDS}
        if changed:
            services.procedure_version_update(actor=request.user, version=obj, **changed)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        version = form.instance
        for formset in formsets:
            # The services replace the parts of the version; the admin's log of what its
            # formsets saved stays empty, the audit log records the change.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if version.status != ProcedureVersion.Status.DRAFT:
            return
        by_model = {formset.model: formset for formset in formsets}
        documents = sorted(
            (f.cleaned_data for f in _kept_forms(by_model[RequiredDocument])),
            key=lambda d: d["order"],
        )
        services.procedure_version_update(
            actor=request.user,
            version=version,
            documents=[
                services.DocumentSpec(d["name"], d["originals"], d["copies"], d["mandatory"])
                for d in documents
            ],
            fees=[
                services.FeeSpec(
                    f.cleaned_data["description"], f.cleaned_data["amount"], f.cleaned_data["kind"]
                )
                for f in _kept_forms(by_model[Fee])
            ],
        )
        try:
            services.process_set(
                actor=request.user,
                version=version,
                steps=getattr(version, "_admin_steps", []),
                transitions=getattr(version, "_admin_transitions", []),
            )
        except ValidationError as exc:
            # The formsets checked the process already; this is a second line of defence.
            for problem in exc.messages:
                self.message_user(request, problem, messages.ERROR)

    # Actions -------------------------------------------------------------------------------

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[ProcedureVersion],
        service: Any,
        done_message: str,
    ) -> None:
        done = 0
        for version in queryset.select_related("procedure"):
            try:
                service(actor=request.user, version=version)
            except ValidationError as exc:
                self.message_user(request, f"{version}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(
        description=gettext_lazy("Publish the selected versions"), permissions=["publish"]
    )
    def publish(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        self._each(
            request,
            queryset,
            services.procedure_version_publish,
            _("%(count)d versions published."),
        )

    @admin.action(
        description=gettext_lazy("Withdraw the selected versions"), permissions=["publish"]
    )
    def withdraw(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        self._each(
            request,
            queryset,
            services.procedure_version_withdraw,
            _("%(count)d versions withdrawn."),
        )

    @admin.action(
        description=gettext_lazy("Copy the selected versions into new drafts"),
        permissions=["publish"],
    )
    def copy(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        self._each(
            request,
            queryset,
            services.procedure_version_copy,
            _("%(count)d new draft versions made."),
        )

    def has_publish_permission(self, request: HttpRequest) -> bool:
        # has_change_permission answers for one version; the actions need the permission
        # itself, whatever the versions' status.
        return request.user.has_perm("procedures.change_procedureversion")
