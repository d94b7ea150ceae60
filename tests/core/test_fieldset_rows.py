"""Each row of a change form drawn in Python (core.unfold_forms.fieldset_row) is exactly the
row unfold's template draws: every fieldset line of every add and change form of the back
office, with a row of every list, in both languages, and with a form's errors shown."""

import re
from pathlib import Path

import pytest
import unfold
from django.contrib import admin
from django.template import Context, engines
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from property_service.core import unfold_forms

from tests.test_crawl import world  # noqa: F401  (the crawl's data: a row in every list)

UNFOLD_ROW = Path(unfold.__file__).parent / "templates" / "unfold" / "helpers" / "fieldset_row.html"
AROUND_TAGS = re.compile(r"\s*([<>])\s*")
SPACES = re.compile(r"\s+")


def _normalised(markup: str) -> str:
    """The markup without the spaces a browser ignores: around tags, and runs of them."""
    return AROUND_TAGS.sub(r"\1", SPACES.sub(" ", markup)).replace(' "', '"').strip()


def _form_pages(client, model, model_admin):
    """The add form (answered empty, so that it shows its errors) and a row's change form."""
    opts = model._meta
    pages = []
    try:
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    except NoReverseMatch:
        add = None
    if add is not None:
        pages += [client.get(add), client.post(add, {})]
    row = model_admin.get_queryset(admin_request(client)).order_by("pk").first()
    try:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    except (NoReverseMatch, AttributeError):  # no change form, or no row
        change = None
    if change is not None:
        pages.append(client.get(change))
    return [page for page in pages if page.status_code == 200 and page.context
            and any("adminform" in c for c in page.context)]


def admin_request(client):
    return client.get(reverse("admin:index")).wsgi_request


def _rows(response):
    """Each line of the page's form, in the context its row is drawn in."""
    context = next(c for c in response.context if "adminform" in c).flatten()
    for fieldset in context["adminform"]:
        lines = list(fieldset)
        for index, line in enumerate(lines):
            yield Context({**context, "fieldset": fieldset, "line": line,
                           "forloop": {"last": index == len(lines) - 1, "counter": index + 1}})


@pytest.mark.django_db
@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_forms_rows_are_unfolds_rows(client, make_staff, language):
    client.force_login(make_staff(None, is_superuser=True, is_staff=True))
    theirs = engines["django"].engine.from_string(UNFOLD_ROW.read_text("utf-8"))
    drawn = by_template = forms = with_errors = 0
    with translation.override(language):
        client.cookies["django_language"] = language
        for model, model_admin in admin.site._registry.items():
            for response in _form_pages(client, model, model_admin):
                forms += 1
                for context in _rows(response):
                    expected = _normalised(theirs.render(context))
                    ours = unfold_forms._draw_row(context)
                    if ours is None:  # a row left to unfold's template: drawn by it
                        by_template += 1
                        ours = unfold_forms.fieldset_row(context)
                    else:
                        drawn += 1
                        with_errors += "text-red-600" in ours
                    assert _normalised(ours) == expected, (model.__name__, response.request)
    assert forms > 60 and drawn > 500 and with_errors > 20, (forms, drawn, with_errors)
    assert by_template > 0  # the checkboxes
