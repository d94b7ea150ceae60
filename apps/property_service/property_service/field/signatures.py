"""The resident's signature (验收签字) drawn on the technician's phone: what the page sends (a
PNG data URL from a ``<canvas>``) and the checks it passes before it is stored. Pure
functions: they read only the value given."""

from __future__ import annotations

import base64
import binascii
import io

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from ..core.errors import ActionError

DATA_URL_PREFIX = "data:image/png;base64,"
# A signature drawn on a phone's canvas is a few tens of KB; more is not a signature.
MAX_SIGNATURE_BYTES = 200 * 1024
MAX_DATA_URL_CHARS = len(DATA_URL_PREFIX) + (MAX_SIGNATURE_BYTES + 2) // 3 * 4
# Bounds of the drawing in pixels (a phone's canvas at up to 3 device pixels per point).
MIN_SIDE, MAX_SIDE = 50, 2400
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _refuse(message: str) -> ActionError:
    return ActionError(message, field="signature")


def signature_png(data_url: str | None) -> bytes:
    """The PNG bytes of the signature in ``data_url``; ``ActionError`` unless it is a real PNG
    image of bounded size with something drawn on it."""
    data_url = (data_url or "").strip()
    if not data_url:
        raise _refuse(_("Have the resident sign on the screen."))
    if len(data_url) > MAX_DATA_URL_CHARS:
        raise _refuse(_("The signature is too large (at most %(kb)d KB).")
                      % {"kb": MAX_SIGNATURE_BYTES // 1024})
    if not data_url.startswith(DATA_URL_PREFIX):
        raise _refuse(_("The signature must be a PNG image drawn on the screen."))
    try:
        data = base64.b64decode(data_url[len(DATA_URL_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise _refuse(_("The signature must be a PNG image drawn on the screen.")) from None
    if len(data) > MAX_SIGNATURE_BYTES:
        raise _refuse(_("The signature is too large (at most %(kb)d KB).")
                      % {"kb": MAX_SIGNATURE_BYTES // 1024})
    if not data.startswith(PNG_MAGIC):
        raise _refuse(_("The signature must be a PNG image drawn on the screen."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            # The header alone says the size: nothing bigger is decoded.
            if probe.format != "PNG" or not all(MIN_SIDE <= side <= MAX_SIDE
                                                for side in probe.size):
                raise _refuse(_("The signature must be a PNG image drawn on the screen."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            drawn = _has_strokes(image)
    except ActionError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse(_("The signature must be a PNG image drawn on the screen.")) from None
    if not drawn:
        raise _refuse(_("The signature is empty: have the resident sign on the screen."))
    return data


def _has_strokes(image: Image.Image) -> bool:
    """Whether anything is drawn: not all transparent, and not one colour all over."""
    rgba = image.convert("RGBA")
    if rgba.getchannel("A").getextrema()[1] == 0:
        return False
    flat = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("L")
    low, high = flat.getextrema()
    return low != high
