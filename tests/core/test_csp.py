"""The app's own pages carry a Content-Security-Policy that forbids inline and foreign
scripts; a served upload keeps its own stricter sandbox policy."""

import pytest
from property_service.core.csp import POLICY


@pytest.fixture
def superuser(make_staff):
    return make_staff(None, is_superuser=True, is_staff=True)


def directives(response) -> dict:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


@pytest.mark.parametrize("url", ["/admin/", "/admin/property_service/workorder/",
                                 "/admin/property_service/workorder/add/"])
def test_admin_pages_allow_only_the_sites_own_scripts(client, superuser, url):
    client.force_login(superuser)
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == POLICY["script-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]


def test_portal_pages_carry_the_policy_and_no_inline_script(client):
    response = client.get("/portal/login/")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in directives(response)["script-src"]
    page = response.content.decode()
    assert "onchange=" not in page and "<script>" not in page
