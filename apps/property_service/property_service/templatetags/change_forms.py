"""Template tags of the admin's change forms."""

from django import template

from ..core.unfold_forms import fieldset_row as draw_fieldset_row

register = template.Library()


@register.simple_tag(takes_context=True)
def fieldset_row(context):
    """The fieldset's current row (``core.unfold_forms.fieldset_row``)."""
    return draw_fieldset_row(context)
