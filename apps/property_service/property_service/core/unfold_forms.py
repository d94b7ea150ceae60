"""Rendering of admin change forms: unfold's markup, with each read-only field worked out once.

unfold's row of a fieldset walks its line once only to look for an inline's hidden ordering
field (``fieldset_row_classes``), and each walk builds every field of the line again, a
read-only one by looking its value up; its read-only value asks for the field's contents three
times (``unfold/helpers/field_readonly_value.html``, overridden here). A change page of 24
read-only fields looked each value up four to six times.
"""

from __future__ import annotations

from unfold.templatetags import unfold as unfold_tags

_row_classes = unfold_tags.fieldset_row_classes


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


def install() -> None:
    unfold_tags.register.simple_tag(takes_context=True, name="fieldset_row_classes")(
        fieldset_row_classes)
