"""Uploaded files: which kinds are accepted, how they are named on disk and how they are served.

A file is judged by its content, never by the name or type the client sent: its kind decides
the stored name's extension and the type it is served with. Files are never public media: each
is served by a view that first checks that the user may see the record it belongs to, and every
file response forbids scripts (``sandbox``) and type sniffing, and downloads anything that is
not an image, so that no upload can run as a page of the app.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    is_image: bool


JPEG = FileKind("jpg", "image/jpeg", True)
PNG = FileKind("png", "image/png", True)
WEBP = FileKind("webp", "image/webp", True)
PDF = FileKind("pdf", "application/pdf", False)
PHOTO_KINDS = (JPEG, PNG, WEBP)
ATTACHMENT_KINDS = (*PHOTO_KINDS, PDF)
MAX_FILE_BYTES = 10 * 1024 * 1024

# The headers of a file response, whatever the file: no script, no sniffing, no framing by
# other sites.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def detect_kind(fileobj) -> FileKind | None:
    """The kind of file its first bytes show (JPEG, PNG, WebP, PDF), or None."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def validate_attachment(upload) -> None:
    """A photo (JPEG, PNG, WebP) or a PDF document of at most 10 MB, judged by its content."""
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(_("A file may be at most 10 MB."), code="file_too_large")
    if detect_kind(upload) not in ATTACHMENT_KINDS:
        raise ValidationError(_("Attach a photo (JPEG, PNG, WebP) or a PDF document."),
                              code="file_type")


def validate_photo(upload) -> None:
    """A JPEG, PNG or WebP file of at most 10 MB, judged by its content, not its name."""
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(_("A photo may be at most 10 MB."), code="photo_too_large")
    if detect_kind(upload) not in PHOTO_KINDS:
        raise ValidationError(_("Upload a photo: a JPEG, PNG or WebP image."),
                              code="photo_type")


def stored_name(upload, client_name: str) -> str:
    """The file name to store ``upload`` under: the client's name without any extension
    (made safe, shortened), and the extension of the kind its content shows. Content of no
    accepted kind is refused here too, even if a caller skipped validation."""
    kind = detect_kind(upload)
    if kind not in ATTACHMENT_KINDS:
        raise ValidationError(_("Attach a photo (JPEG, PNG, WebP) or a PDF document."),
                              code="file_type")
    stem = os.path.basename(client_name or "").split(".")[0]
    try:
        stem = get_valid_filename(stem)[:40]
    except Exception:  # SuspiciousFileOperation for a name of dots only
        stem = ""
    return f"{stem or 'file'}.{kind.extension}"


def file_response(field) -> FileResponse:
    """The file of a ``FileField``, served as the kind its content shows (a file of no
    accepted kind, e.g. stored before the check, as an opaque download); a file missing on
    disk is "not found", not a 500."""
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    kind = detect_kind(handle)
    stem = os.path.splitext(os.path.basename(field.name))[0]
    if kind is None:
        response = FileResponse(handle, as_attachment=True, filename=f"{stem}.bin",
                                content_type="application/octet-stream")
    else:
        response = FileResponse(handle, as_attachment=not kind.is_image,
                                filename=f"{stem}.{kind.extension}",
                                content_type=kind.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
