from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from congvu.accounts.backends import login_inactive_reason, login_refusal_get
from congvu.accounts.models import User
from congvu.accounts.services import user_password_set

INACTIVE_MESSAGES = {
    "unverified": _(
        "This account is not active yet. Please open the verification link we sent to your "
        "email address."
    ),
    "inactive": _("This account has been deactivated. Please contact the administrator."),
}


def login_error(request: HttpRequest | None) -> ValidationError | None:
    """Why authenticate() turned the last attempt on this request away, if it is not simply a
    wrong password."""
    refusal = login_refusal_get(request)
    if refusal is not None:
        return ValidationError(refusal.message, code="throttled")
    reason = login_inactive_reason(request)
    if reason is not None:
        return ValidationError(INACTIVE_MESSAGES[reason], code="inactive")
    return None


def service_errors_add(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, on the fields it names where it can."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        if field == NON_FIELD_ERRORS:
            target = None
        form.add_error(target, messages)


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct username or email and password. The password is case-sensitive."
        ),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        # AuthenticationForm sizes and labels the field after the username; an email is longer.
        field = self.fields["username"]
        field.label = _("Username or email")
        field.widget.attrs["maxlength"] = 254

    def get_invalid_login_error(self) -> ValidationError:
        return login_error(self.request) or super().get_invalid_login_error()


class AdminLoginForm(AdminAuthenticationForm):
    def get_invalid_login_error(self) -> ValidationError:
        return login_error(self.request) or super().get_invalid_login_error()


class RegistrationForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and . + - _ only. You can also log in with your email."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("We send a link to this address to activate your account."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=40, widget=forms.TextInput(attrs={"type": "tel"})
    )
    personal_id = forms.CharField(
        label=_("Personal identifier number"),
        max_length=12,
        min_length=12,
        help_text=_("The 12 digits on your citizen identity card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        again = cleaned.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("The two passwords do not match."))
        return cleaned

    def service_arguments(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("username", "full_name", "email", "phone", "personal_id", "password")
        }


class ServicePasswordMixin:
    """Saves the new password through user_password_set, so that the change is audited."""

    cleaned_data: dict[str, Any]

    def set_password_and_save(
        self,
        user: User,
        password_field_name: str = "new_password1",  # noqa: S107 - a field name, not a password
        commit: bool = True,
    ) -> User:
        if not commit:
            user.set_password(self.cleaned_data[password_field_name])
            return user
        return user_password_set(
            user=user, password=self.cleaned_data[password_field_name], actor=user
        )


class ServiceSetPasswordForm(ServicePasswordMixin, SetPasswordForm):
    pass


class ServicePasswordChangeForm(ServicePasswordMixin, PasswordChangeForm):
    pass
