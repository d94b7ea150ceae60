"""What the admin theme (unfold) is given beyond its settings: scripts that need the reader's
language."""

from urllib.parse import urlencode

from django.templatetags.static import static
from django.utils.translation import gettext


def scroll_label_script(request) -> str:
    """The address of the script naming scrolled areas for screen readers, with the name."""
    return (static("property_service/js/scroll_label.js") + "?"
            + urlencode({"label": gettext("scrollable content")}))
