from rest_framework.renderers import BaseRenderer


class PDFRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; the view returns the document."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data
