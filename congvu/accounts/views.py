from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congvu.accounts import selectors, services, tokens
from congvu.accounts.forms import (
    LoginForm,
    RegistrationForm,
    ServicePasswordChangeForm,
    ServiceSetPasswordForm,
    service_errors_add,
)
from congvu.accounts.models import User

login = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=LoginForm,
    redirect_authenticated_user=True,
)
logout = auth_views.LogoutView.as_view()


class PasswordChangeView(auth_views.PasswordChangeView):
    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        # request.user is a lazy wrapper, and the audit log needs the model instance itself.
        user_id = self.request.user.pk
        assert user_id is not None  # the view requires a login
        kwargs["user"] = User.objects.get(pk=user_id)
        return kwargs


password_change = PasswordChangeView.as_view(
    template_name="accounts/password_change_form.html",
    form_class=ServicePasswordChangeForm,
    success_url=reverse_lazy("accounts:password_change_done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)
password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset_form.html",
    email_template_name="accounts/email/password_reset_body.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    form_class=ServiceSetPasswordForm,
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_register(**form.service_arguments())
        except ValidationError as exc:
            service_errors_add(form, exc)
        else:
            return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_done.html")


# A GET activates the account: mail scanners that open the link only prove what the link
# already proves, that someone can read that mailbox.
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = tokens.email_verification_read(token)
    except tokens.EmailVerificationError as exc:
        can_resend = exc.user is not None and exc.user.email_verified_at is None
        return render(
            request,
            "accounts/verify_email_failed.html",
            {"expired": exc.expired, "can_resend": can_resend, "token": token},
            status=400,
        )
    if user.email_verified_at is not None:
        messages.info(request, _("Your email address was already verified. You can log in."))
        return redirect("accounts:login")
    actor = request.user if request.user.is_authenticated else None
    services.user_verify_email(user=user, actor=actor)
    messages.success(request, _("Your email address is verified and your account is active."))
    return redirect("accounts:login")


@require_POST
def verify_email_resend(request: HttpRequest, token: str) -> HttpResponse:
    try:
        tokens.email_verification_read(token)
    except tokens.EmailVerificationError as exc:
        if exc.user is not None:
            services.user_verification_resend(user=exc.user)
    else:
        # A link that still works needs no replacement.
        return redirect("accounts:verify_email", token=token)
    messages.info(
        request,
        _("If the account still needs verifying, a new link is on its way to its email address."),
    )
    return redirect("accounts:login")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    official = selectors.user_official_get(user=user)
    positions = selectors.official_position_list(official=official) if official else []
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_user": user,
            "roles": selectors.user_role_list(user=user),
            "official": official,
            "positions": positions,
        },
    )
