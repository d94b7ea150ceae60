"""The signature check on its own (a pure function), and the installable app's manifest."""

import pytest
from django.contrib.staticfiles import finders
from property_service.core.errors import ActionError
from property_service.field.signatures import MAX_SIGNATURE_BYTES, signature_png

from tests.field.conftest import data_url, jpeg_bytes, png_bytes


def test_a_drawn_png_is_accepted_as_it_was_sent():
    assert signature_png(data_url(png_bytes())) == png_bytes()
    assert signature_png(data_url(png_bytes(mode="RGB"))) == png_bytes(mode="RGB")


@pytest.mark.parametrize(("value", "says"), [
    (None, "sign on the screen"),
    (data_url(jpeg_bytes(), "jpeg"), "PNG image"),
    (data_url(jpeg_bytes()), "PNG image"),
    (data_url(b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>"), "PNG image"),
    ("data:image/png;base64,%%%", "PNG image"),
    (data_url(png_bytes((20, 20))), "PNG image"),
    (data_url(png_bytes(draw=False)), "empty"),
    (data_url(png_bytes(draw=False, mode="RGB")), "empty"),
    (data_url(b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_SIGNATURE_BYTES + 1)), "too large"),
])
def test_anything_but_a_drawn_png_of_bounded_size_is_refused(value, says):
    with pytest.raises(ActionError) as refused:
        signature_png(value)
    assert says in str(refused.value.message) and refused.value.field == "signature"


def test_the_manifest_installs_the_field_app_from_its_list(client, db):
    response = client.get("/field/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert (manifest["start_url"], manifest["display"]) == ("/field/", "standalone")
    assert manifest["name"]
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon
    assert {icon["type"] for icon in manifest["icons"]} == {"image/svg+xml", "image/png"}


def test_every_field_page_links_the_manifest(client, db):
    page = client.get("/field/login/").content.decode()
    assert '<link rel="manifest" href="/field/manifest.webmanifest">' in page
