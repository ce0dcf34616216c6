"""What a file must be before it joins a dossier, and how it is handed back.

Applicants upload the documents of their dossier as PDF, JPEG, PNG, DOCX or XLSX (the formats
of the national public-service portal for electronic dossiers; Nghị định 45/2020/NĐ-CP, Điều 9
khoản 2: an electronic copy must be readable in a common format). A file is accepted only if
its content is what its name says, sniffed from its bytes, never trusted from the name or the
browser's Content-Type; within a size per file and a number and total size per dossier; under
a sanitised name. Stored files are private and never executed; only types a browser shows
without running anything (PDF, images) are offered inline, the rest as attachments.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The content type each accepted name ending promises.
ALLOWED_UPLOADS: dict[str, str] = {
    ".pdf": PDF,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".docx": DOCX,
    ".xlsx": XLSX,
}
# Shown in the browser rather than downloaded: nothing in them runs as the site's page.
INLINE_TYPES = frozenset({PDF, JPEG, PNG})

# Office Open XML: the main part and its content type, as [Content_Types].xml declares it
# (ECMA-376 Part 2). A macro-enabled file (.docm, .xlsm) declares another main type.
_OOXML_MAIN = {
    DOCX: (
        "word/document.xml",
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    XLSX: (
        "xl/workbook.xml",
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}
# A ZIP is read only as far as its directory; these bound what a crafted one can claim.
_ZIP_MAX_ENTRIES = 5000
_ZIP_MAX_UNPACKED = 512 * 1024 * 1024
_CONTENT_TYPES_MAX = 1024 * 1024

_UNSAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)
_NAME_MAX = 120

DEFAULT_MAX_FILES = 30
DEFAULT_MAX_TOTAL_MB = 200


@dataclass(frozen=True)
class Accepted:
    """A file that passed: the name to keep, its sniffed content type and its size."""

    name: str
    content_type: str
    size: int


def max_file_bytes() -> int:
    return int(settings.DOSSIER_UPLOAD_MAX_BYTES)


def max_files() -> int:
    return int(getattr(settings, "DOSSIER_UPLOAD_MAX_FILES", DEFAULT_MAX_FILES))


def max_total_bytes() -> int:
    mb = int(getattr(settings, "DOSSIER_UPLOAD_MAX_TOTAL_MB", DEFAULT_MAX_TOTAL_MB))
    return mb * 1024 * 1024


def safe_name(name: str) -> str:
    """The file's own name without any folder, control or direction-changing character,
    in composed Unicode (Vietnamese letters kept), at most 120 characters, ending kept."""
    base = PurePath(unicodedata.normalize("NFC", name).replace("\\", "/")).name
    cleaned = _UNSAFE_NAME.sub("_", base).strip(" .")
    path = PurePath(cleaned or "tep")
    suffix = path.suffix.lower() if len(path.suffix) <= 8 else ""
    stem = (path.stem if suffix else cleaned).strip(" .") or "tep"
    return stem[: _NAME_MAX - len(suffix)] + suffix


def _is_pdf(head: bytes) -> bool:
    return head.startswith(b"%PDF-")


def _is_png(head: bytes) -> bool:
    # The whole eight-byte signature: its CR-LF and EOF bytes catch a file mangled in transit.
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_jpeg(head: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _ooxml_type(file: IO[bytes]) -> str | None:
    """DOCX or XLSX when the ZIP holds that format's main part under its declared type."""
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > _ZIP_MAX_ENTRIES:
                return None
            if sum(e.file_size for e in entries) > _ZIP_MAX_UNPACKED:
                return None
            names = {e.filename for e in entries}
            # Macros are code; a document with a VBA project is not a plain document.
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return None
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_MAX:
                return None
            declared = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError, EOFError):
        return None
    for content_type, (part, main_type) in _OOXML_MAIN.items():
        if part in names and main_type in declared:
            return content_type
    return None


def sniff(file: IO[bytes]) -> str | None:
    """The content type of an accepted format that the file's bytes show, or None."""
    file.seek(0)
    head = file.read(32)
    file.seek(0)
    try:
        if _is_pdf(head):
            return PDF
        if _is_png(head):
            return PNG
        if _is_jpeg(head):
            return JPEG
        if head.startswith(b"PK\x03\x04"):
            return _ooxml_type(file)
        return None
    finally:
        file.seek(0)


def upload_validate(file: Any, *, files_before: int = 0, bytes_before: int = 0) -> Accepted:
    """Check one upload for a dossier that already holds `files_before` files of
    `bytes_before` bytes; raise ValidationError (on "file") saying what is wrong."""
    name = safe_name(getattr(file, "name", "") or "")
    suffix = PurePath(name).suffix.lower()
    promised = ALLOWED_UPLOADS.get(suffix)
    if promised is None:
        raise ValidationError(
            {"file": [_("Only PDF, JPEG, PNG, DOCX and XLSX files are accepted.")]}
        )
    size = getattr(file, "size", None)
    if not size:
        raise ValidationError({"file": [_("The file %(name)s is empty.") % {"name": name}]})
    if size > max_file_bytes():
        raise ValidationError(
            {
                "file": [
                    _("The file is larger than %(mb)s MB.")
                    % {"mb": max_file_bytes() // (1024 * 1024)}
                ]
            }
        )
    if files_before + 1 > max_files():
        limit = max_files()
        raise ValidationError(
            {
                "file": [
                    ngettext(
                        "A dossier holds at most %(count)d file.",
                        "A dossier holds at most %(count)d files.",
                        limit,
                    )
                    % {"count": limit}
                ]
            }
        )
    if bytes_before + size > max_total_bytes():
        raise ValidationError(
            {
                "file": [
                    _("The files of a dossier may not exceed %(mb)s MB in all.")
                    % {"mb": max_total_bytes() // (1024 * 1024)}
                ]
            }
        )
    found = sniff(file)
    if found != promised:
        raise ValidationError({"file": [_("The file's content does not match its type.")]})
    return Accepted(name=name, content_type=found, size=size)


def disposition_inline(content_type: str) -> bool:
    """Whether a stored file of this type may be shown in the browser instead of saved."""
    return content_type in INLINE_TYPES


def download_policy(content_type: str) -> str | None:
    """The Content-Security-Policy an image is served under: it loads nothing else and runs in
    a sandbox. None for other types: a PDF viewer refuses to work sandboxed (and runs no page
    script anyway), and attachments are not rendered."""
    if content_type in {PNG, JPEG}:
        return "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return None
