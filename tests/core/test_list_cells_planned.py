"""The admin lists' cells and rows drawn from a plan made once per list (core.unfold_lists,
templatetags.big_lists) are exactly what unfold draws cell by cell and row by row: every list
of the back office, with a filter kept in the change links, in both languages; and so is the
sidebar drawn in one piece."""

import re
from pathlib import Path

import pytest
import unfold
from django.contrib import admin
from django.template import Context, engines
from django.urls import reverse
from django.utils import translation
from property_service.core import unfold_lists
from property_service.templatetags.big_lists import result_rows

from tests.test_crawl import world  # noqa: F401  (the crawl's data: a row in every list)

UNFOLD_ROWS = Path(unfold.__file__).parent / "templates" / "admin" / "change_list_results.html"
AROUND_TAGS = re.compile(r"\s*([<>])\s*")
SPACES = re.compile(r"\s+")


def _lists():
    return [(model, model_admin) for model, model_admin in admin.site._registry.items()]


def _changelist(client, model, query=""):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url + query)
    assert response.status_code == 200, (url, response.status_code)
    try:
        return response.context["cl"], response
    except KeyError:  # a page of its own (the call desk), not a list
        return None, response


def _normalised(markup: str) -> str:
    """The markup without the spaces a browser ignores: around tags, and runs of them."""
    return AROUND_TAGS.sub(r"\1", SPACES.sub(" ", markup)).replace(' "', '"').strip()


@pytest.mark.django_db
@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_list_draws_each_cell_exactly_as_unfold_draws_it(client, make_staff,
                                                                language):
    client.force_login(make_staff(None, is_superuser=True, is_staff=True))
    planned_lists = compared = lists = lists_with_rows = 0
    with translation.override(language):
        client.cookies["django_language"] = language
        for model, _model_admin in _lists():
            for query in ("", "?o=-1&q="):
                cl, _response = _changelist(client, model, query)
                if cl is None:
                    continue
                lists += 1
                rows = list(cl.result_list)
                plan_rows = [unfold_lists.cells_planned(cl, row, None) for row in rows]
                planned_lists += bool(rows) and cl.__dict__.get(unfold_lists._PLAN) is not None
                lists_with_rows += bool(rows)
                for row, planned in zip(rows, plan_rows, strict=True):
                    assert list(planned) == list(unfold_lists._draw_cells(cl, row, None)), (
                        model.__name__, query)
                    compared += 1
    assert compared > 100 and lists > 60
    # Every list with rows is planned but the one whose column is a path (django-q's queue).
    assert planned_lists >= lists_with_rows - 2, (planned_lists, lists_with_rows)


@pytest.mark.django_db
@pytest.mark.usefixtures("world")
def test_the_rows_are_unfolds_rows(client, make_staff):
    client.force_login(make_staff(None, is_superuser=True, is_staff=True))
    unfold_template = engines["django"].from_string(UNFOLD_ROWS.read_text())
    body = re.compile(r"(<tbody.*</tbody>)", re.S)
    compared = 0
    for model in (m for m, _a in _lists() if m._meta.model_name in ("workorder", "resident",
                                                                     "unit", "activity")):
        cl, response = _changelist(client, model)
        context = next(c for c in response.context if "results" in c).flatten()
        compared += len(context["results"])
        drawn = unfold_template.render(context, response.wsgi_request)
        theirs = body.search(drawn)
        assert theirs, drawn[:3000]
        theirs = theirs.group(1)
        assert _normalised(result_rows(context["results"])) == _normalised(theirs), model
    assert compared >= 8


@pytest.mark.django_db
@pytest.mark.usefixtures("world")
def test_a_sortable_or_popup_list_is_drawn_by_unfold_itself(client, make_staff):
    from property_service.workorders.models import WorkOrder

    client.force_login(make_staff(None, is_superuser=True, is_staff=True))
    cl, _response = _changelist(client, WorkOrder, "?_popup=1&_to_field=id")
    for row in cl.result_list:
        assert list(unfold_lists.cells_planned(cl, row, None)) == list(
            unfold_lists._draw_cells(cl, row, None))
    assert cl.__dict__[unfold_lists._PLAN] is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["CS Agent", "Maintenance", None])
def test_the_sidebar_is_unfolds_sidebar(client, make_staff, place_a, role):
    """The sidebar's entries drawn in one piece (``sidebar_entries``) are unfold's, the open
    page's entry marked."""
    user = (make_staff(role, communities=[place_a.community]) if role
            else make_staff(None, is_superuser=True, is_staff=True))
    client.force_login(user)
    response = client.get("/admin/property_service/workorder/"
                          if role != "Maintenance" else "/admin/")
    context = next(c for c in response.context if "sidebar_navigation" in c).flatten()
    unfold_sidebar = Path(unfold.__file__).parent / "templates" / "unfold" / "helpers"
    theirs = engines["django"].from_string((unfold_sidebar / "app_list.html").read_text())
    ours = engines["django"].engine.get_template("unfold/helpers/app_list.html")
    assert "sidebar_entries" in ours.source
    drawn = _normalised(ours.render(Context(context)))
    assert drawn == _normalised(theirs.render(context, response.wsgi_request))
    assert drawn.count("<li>") >= 3 and (role == "Maintenance" or " active" in drawn)


@pytest.mark.django_db
@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_list_filters_are_unfolds_filters(client, make_staff, language):
    """Each list filter's choices drawn in one piece (``filter_choice_items``) are unfold's,
    the chosen one marked: every filter of every list, with and without a choice made."""
    client.force_login(make_staff(None, is_superuser=True, is_staff=True))
    unfold_filter = Path(unfold.__file__).parent / "templates" / "admin" / "filter.html"
    theirs = engines["django"].from_string(unfold_filter.read_text())
    ours = engines["django"].engine.get_template("admin/filter.html")
    assert "filter_choice_items" in ours.source
    compared = chosen = 0
    with translation.override(language):
        client.cookies["django_language"] = language
        for model, _model_admin in _lists():
            cl, _response = _changelist(client, model)
            if cl is None:
                continue
            for spec in cl.filter_specs:
                if spec.template != "admin/filter.html":
                    continue
                choices = list(spec.choices(cl))
                # The list again with its last choice made, as a user picks it.
                made = choices[-1]["query_string"]
                again, _r = _changelist(client, model, made)
                specs = [s for s in (again.filter_specs if again else [])
                         if type(s) is type(spec) and s.title == spec.title]
                for drawn_spec, drawn_cl in ((spec, cl), *((s, again) for s in specs)):
                    context = {"title": drawn_spec.title, "spec": drawn_spec,
                               "choices": list(drawn_spec.choices(drawn_cl))}
                    mine = _normalised(ours.render(Context(context)))
                    assert mine == _normalised(theirs.render(context)), (model, spec.title)
                    compared += 1
                    chosen += "font-semibold text-primary-600" in mine
    assert compared > 150 and chosen > 60, (compared, chosen)
