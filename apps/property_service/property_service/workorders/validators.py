from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHOTO_TYPES = {
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
    b"RIFF": "webp",
}
MAX_PHOTO_BYTES = 10 * 1024 * 1024


PDF = b"%PDF-"


def _kind(upload) -> str | None:
    head = upload.read(12)
    upload.seek(0)
    kind = next((k for magic, k in PHOTO_TYPES.items() if head.startswith(magic)), None)
    if kind == "webp" and head[8:12] != b"WEBP":
        return None
    if kind is None and head.startswith(PDF):
        return "pdf"
    return kind


def validate_attachment(upload) -> None:
    """A photo (JPEG, PNG, WebP) or a PDF document of at most 10 MB, judged by its content."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("A file may be at most 10 MB."), code="file_too_large")
    if _kind(upload) is None:
        raise ValidationError(_("Attach a photo (JPEG, PNG, WebP) or a PDF document."),
                              code="file_type")


def validate_photo(upload) -> None:
    """A JPEG, PNG or WebP file of at most 10 MB, judged by its content, not its name."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("A photo may be at most 10 MB."), code="photo_too_large")
    if _kind(upload) in (None, "pdf"):
        raise ValidationError(_("Upload a photo: a JPEG, PNG or WebP image."),
                              code="photo_type")
