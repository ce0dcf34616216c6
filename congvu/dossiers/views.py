from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from congvu.dossiers.selectors import dossier_public_get


def lookup(request: HttpRequest) -> HttpResponse:
    """Public status of a dossier by its code and secret (or the applicant's phone), without
    an account and without personal data."""
    code = request.GET.get("code", "").strip()
    secret = request.GET.get("secret", "").strip()
    phone = request.GET.get("phone", "").strip()
    dossier = dossier_public_get(code=code, secret=secret, phone=phone) if code else None
    return render(
        request,
        "dossiers/lookup.html",
        {
            "code": code,
            "dossier": dossier,
            "searched": bool(code),
            "secret": secret,
            "phone": phone,
        },
    )
