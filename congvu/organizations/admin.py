"""The admin site for units, officials, positions and delegations.

Every save goes through the services, so the admin writes the same audit rows and obeys the
same rules as the API. Nothing here is deleted: units and positions are ended, delegations are
revoked, so that the history of who was responsible stays reportable.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congvu.core.services import audit_record, snapshot
from congvu.organizations import services
from congvu.organizations.models import Delegation, Official, Position, Unit


class _NoDeleteMixin:
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Units -------------------------------------------------------------------------------------


class UnitAdminForm(forms.ModelForm[Unit]):
    class Meta:
        model = Unit
        fields = [
            "kind",
            "name",
            "short_name",
            "code",
            "admin_code",
            "parent",
            "sort_order",
            "address",
            "phone",
            "email",
            "valid_from",
            "valid_until",
            "successors",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        probe = Unit(
            pk=self.instance.pk, kind=cleaned.get("kind") or "", parent=cleaned.get("parent")
        )
        services.unit_check_parent(probe)
        if self.instance.valid_until and not cleaned.get("valid_until"):
            raise ValidationError(
                {"valid_until": _("An ended unit cannot be reopened; create a new unit.")}
            )
        return cleaned


@admin.register(Unit)
class UnitAdmin(_NoDeleteMixin, admin.ModelAdmin[Unit]):
    form = UnitAdminForm
    list_display = ["name", "kind", "code", "admin_code", "parent", "valid_from", "valid_until"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "code", "admin_code"]
    raw_id_fields = ["parent", "successors"]
    readonly_fields = ["path", "seed_key"]
    list_select_related = ["parent"]

    def save_model(
        self, request: HttpRequest, obj: Unit, form: forms.ModelForm[Unit], change: bool
    ) -> None:
        data = form.cleaned_data
        if not change:
            created = services.unit_create(
                actor=request.user,
                **{f: data[f] for f in services.UNIT_UPDATABLE_FIELDS if f in data},
            )
            obj.pk, obj.path = created.pk, created.path
            if data.get("valid_until"):
                services.unit_end(
                    actor=request.user,
                    unit=created,
                    on=data["valid_until"],
                    successors=data.get("successors") or [],
                )
            return
        changed = {f: data[f] for f in form.changed_data if f in services.UNIT_UPDATABLE_FIELDS}
        if changed:
            services.unit_update(actor=request.user, unit=obj, **changed)
        if data.get("valid_until") and {"valid_until", "successors"} & set(form.changed_data):
            services.unit_end(
                actor=request.user,
                unit=obj,
                on=data["valid_until"],
                successors=data.get("successors") or [],
            )
        obj.refresh_from_db()

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm[Unit], formsets: Any, change: bool
    ) -> None:
        # Successors were set by unit_end in save_model; saving the form's many-to-many data
        # again would bypass the service and its audit row.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


# Officials and positions -------------------------------------------------------------------


class PositionInline(admin.TabularInline[Position, Official]):
    model = Position
    extra = 0
    can_delete = False
    raw_id_fields = ["unit"]
    fields = ["unit", "kind", "title", "valid_from", "valid_until"]


def _position_save(request: HttpRequest, position: Position, form: forms.ModelForm[Any]) -> None:
    """Save one position edited in the admin through the services."""
    data = form.cleaned_data
    if position.pk is None:
        saved = services.position_assign(
            actor=request.user,
            official=position.official,
            unit=data["unit"],
            kind=data["kind"],
            title=data.get("title", ""),
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
        )
        position.pk = saved.pk
        return
    changed = set(form.changed_data)
    if "title" in changed:
        services.position_update(actor=request.user, position=position, title=data["title"])
    if "valid_until" in changed and data.get("valid_until"):
        services.position_end(actor=request.user, position=position, on=data["valid_until"])
    rest = changed - {"title", "valid_until"}
    if rest:
        # A correction of the unit, kind or start of a position entered by mistake.
        current = Position.objects.get(pk=position.pk)
        before = snapshot(current)
        for field in rest:
            setattr(current, field, data[field])
        current.full_clean()
        current.save()
        audit_record(
            actor=request.user,
            action="organizations.position_corrected",
            obj=current,
            before=before,
            after=snapshot(current),
        )


@admin.register(Official)
class OfficialAdmin(_NoDeleteMixin, admin.ModelAdmin[Official]):
    list_display = ["full_name", "title", "unit", "user"]
    search_fields = ["full_name", "user__username", "email", "phone"]
    raw_id_fields = ["user", "unit"]
    list_select_related = ["unit", "user"]
    inlines = [PositionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Official | None = None) -> Any:
        # The account an official logs in with is fixed once the profile exists.
        return ["user"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: Official, form: forms.ModelForm[Official], change: bool
    ) -> None:
        data = form.cleaned_data
        if not change:
            created = services.official_create(
                actor=request.user,
                user=data["user"],
                full_name=data["full_name"],
                unit=data["unit"],
                title=data.get("title", ""),
                phone=data.get("phone", ""),
                email=data.get("email", ""),
            )
            obj.pk = created.pk
            return
        changed = {f: data[f] for f in form.changed_data if f in services.OFFICIAL_UPDATABLE_FIELDS}
        if changed:
            services.official_update(actor=request.user, official=obj, **changed)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not inline_form.has_changed():
                continue
            position = inline_form.instance
            position.official = form.instance
            is_new = position.pk is None
            _position_save(request, position, inline_form)
            if is_new:
                formset.new_objects.append(position)
            else:
                formset.changed_objects.append((position, inline_form.changed_data))


@admin.register(Position)
class PositionAdmin(_NoDeleteMixin, admin.ModelAdmin[Position]):
    list_display = ["official", "kind", "title", "unit", "valid_from", "valid_until"]
    list_filter = ["kind"]
    search_fields = ["official__full_name", "unit__name", "title"]
    raw_id_fields = ["official", "unit"]
    list_select_related = ["official", "unit"]

    def save_model(
        self, request: HttpRequest, obj: Position, form: forms.ModelForm[Position], change: bool
    ) -> None:
        if not change:
            obj.official = form.cleaned_data["official"]
        _position_save(request, obj, form)


# Delegations -------------------------------------------------------------------------------


class DelegationAdminForm(forms.ModelForm[Delegation]):
    request: HttpRequest | None = None

    class Meta:
        model = Delegation
        fields = ["unit", "delegator", "delegate", "scope", "valid_from", "valid_until", "reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        needed = ["unit", "delegator", "delegate", "scope", "valid_from", "valid_until"]
        if self.request is not None and all(cleaned.get(f) for f in needed):
            services.delegation_check(actor=self.request.user, **{f: cleaned[f] for f in needed})
        return cleaned


@admin.register(Delegation)
class DelegationAdmin(_NoDeleteMixin, admin.ModelAdmin[Delegation]):
    form = DelegationAdminForm
    list_display = [
        "unit",
        "delegator",
        "delegate",
        "scope",
        "valid_from",
        "valid_until",
        "revoked_at",
    ]
    list_filter = ["scope"]
    search_fields = ["unit__name", "delegator__full_name", "delegate__full_name", "reason"]
    raw_id_fields = ["unit", "delegator", "delegate"]
    list_select_related = ["unit", "delegator", "delegate"]
    actions = ["revoke_now"]

    def get_form(
        self,
        request: HttpRequest,
        obj: Delegation | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # type: ignore[attr-defined]
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Delegation | None = None) -> Any:
        # A delegation is not edited once given: it is revoked and, if need be, given anew.
        if obj is not None:
            return [*DelegationAdminForm.Meta.fields, "revoked_at", "created_by", "created_at"]
        return []

    def save_model(
        self,
        request: HttpRequest,
        obj: Delegation,
        form: forms.ModelForm[Delegation],
        change: bool,
    ) -> None:
        if change:
            return
        data = form.cleaned_data
        created = services.delegation_create(
            actor=request.user,
            unit=data["unit"],
            delegator=data["delegator"],
            delegate=data["delegate"],
            scope=data["scope"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            reason=data.get("reason", ""),
        )
        obj.pk = created.pk

    @admin.action(description=gettext_lazy("Revoke the selected delegations now"))
    def revoke_now(self, request: HttpRequest, queryset: QuerySet[Delegation]) -> None:
        revoked = 0
        for delegation in queryset.filter(revoked_at__isnull=True):
            try:
                services.delegation_revoke(
                    actor=request.user, delegation=delegation, at=timezone.now()
                )
            except ValidationError as exc:
                self.message_user(
                    request, f"{delegation}: {' '.join(exc.messages)}", messages.ERROR
                )
            else:
                revoked += 1
        if revoked:
            self.message_user(
                request, _("%(count)d delegations revoked.") % {"count": revoked}, messages.SUCCESS
            )
