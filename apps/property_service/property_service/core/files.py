"""Uploaded files are never public media: each is served by a view that first checks that the
user may see the record it belongs to."""

from django.http import FileResponse, Http404


def file_response(field) -> FileResponse:
    """The file of a ``FileField``; a file missing on disk is "not found", not a 500."""
    try:
        return FileResponse(field.open("rb"))
    except FileNotFoundError:
        raise Http404 from None
