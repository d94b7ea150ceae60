"""Rendering of admin change forms: unfold's markup, with each read-only field worked out once.

unfold's row of a fieldset walks its line once only to look for an inline's hidden ordering
field (``fieldset_row_classes``), and each walk builds every field of the line again, a
read-only one by looking its value up; its read-only value asks for the field's contents three
times (``unfold/helpers/field_readonly_value.html``, overridden here). A change page of 24
read-only fields looked each value up four to six times.

Each row of a fieldset is drawn in Python (``fieldset_row``): unfold's row is three templates
deep (the row, its field, the field's value) and costs half a millisecond a row, most of a
change page's time. The drawing is unfold's markup, with unfold's own class helpers; a row it
does not cover (a checkbox, a conditional field, a file) is drawn by unfold's own template.
"""

from __future__ import annotations

from pathlib import Path

import unfold
from django.template import engines
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from unfold.templatetags import unfold as unfold_tags

_row_classes = unfold_tags.fieldset_row_classes
_line_classes = unfold_tags.fieldset_line_classes
_UNFOLD_ROW = Path(unfold.__file__).parent / "templates/unfold/helpers/fieldset_row.html"
# Compiled once, on the first row it draws: unfold's own row (which the app's override of it
# replaces by ``fieldset_row``).
_unfold_row = None
# Off: every row is drawn by unfold's template (what the drawing is checked against).
DRAWN = True


def fieldset_row_classes(context) -> str:
    """unfold's ``fieldset_row_classes``; the line is walked only where it can change the
    answer: in an inline whose ordering field is hidden."""
    formset = context.get("inline_admin_formset", None)
    if formset is not None and getattr(formset.opts, "hide_ordering_field", False):
        return _row_classes(context)
    line = context.get("line") or []
    classes = ["form-row", "field-row", "group/row"]
    if len(line.fields) > 1:
        classes.extend(["grid", f"lg:grid-cols-{len(line.fields)}"])
    if not line.has_visible_field:
        classes.append("hidden")
    return " ".join(set(classes))


def fieldset_row(context) -> SafeString:
    """The fieldset's current row (``line``), drawn in Python where it can be, else by unfold's
    own template."""
    drawn = _draw_row(context) if DRAWN else None
    if drawn is not None:
        return drawn
    global _unfold_row
    if _unfold_row is None:
        _unfold_row = engines["django"].engine.from_string(_UNFOLD_ROW.read_text("utf-8"))
    return _unfold_row.render(context)


def _draw_row(context) -> SafeString | None:
    if context.get("has_conditional_display") or context.get("outline") or context.get("value"):
        return None
    adminform = context.get("adminform")
    compressed = adminform is not None and getattr(adminform.model_admin, "compressed_fields",
                                                   False)
    last = "last" if context["forloop"]["last"] else ""
    parts = [f'<div class="{fieldset_row_classes(context)} {last}">']
    for field in context["line"]:
        if getattr(field, "is_checkbox", False):
            return None
        shown = _field_value(field)
        if shown is None:
            return None
        classes = _line_classes({"field": field, "adminform": adminform})
        label_classes = ("lg:min-w-56 lg:w-56 lg:h-[38px] lg:flex lg:items-center lg:self-start "
                         "lg:leading-[38px] lg:*:m-0") if compressed else ""
        parts.append(f'<div class="{classes}" ><div class="{label_classes}">'
                     f'{conditional_escape(field.label_tag())}</div>'
                     f'<div class="grow relative">{shown}')
        inner = field.field
        help_text = inner.get("help_text") if isinstance(inner, dict) else inner.help_text
        if help_text:
            parts.append(f'<div class="leading-relaxed mt-2 text-xs">{help_text}</div>')
        # What the template reads of a field it may not have: nothing.
        errors = getattr(field, "errors", None)
        errors = errors() if callable(errors) else errors
        if errors:
            parts.append('<div class="mt-2 text-red-600 text-xs dark:text-red-500">'
                         f"{conditional_escape(errors)}</div>")
        parts.append("</div></div>")
    parts.append("</div>")
    return mark_safe("".join(parts))


def _field_value(field) -> str | None:
    """The field's widget, or its read-only value as ``field_readonly_value.html`` draws it
    (``None``: a file, left to the template)."""
    if not field.is_readonly:
        return conditional_escape(field.field)
    if getattr(field, "is_file", False):
        return None
    contents = field.contents()
    width = "max-w-4xl" if getattr(field, "is_json", False) else "max-w-2xl"
    shown = ("-" if not contents or contents == "None" else conditional_escape(contents))
    return f'<div class="readonly break-words {width} *:rounded-default">{shown}</div>'


def install() -> None:
    unfold_tags.register.simple_tag(takes_context=True, name="fieldset_row_classes")(
        fieldset_row_classes)
