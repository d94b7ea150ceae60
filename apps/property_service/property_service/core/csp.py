"""The Content-Security-Policy of the app's own pages: scripts, styles, images and requests
only from this site, no plug-ins, no framing by other sites, forms posted only here.

The admin theme (unfold) runs Alpine.js, which evaluates its attribute expressions with
``Function`` and so needs ``'unsafe-eval'``; neither the admin nor the portal has inline
scripts, so ``'unsafe-inline'`` is allowed for styles only. A response that already has a
policy (a served upload's sandbox) keeps it."""

from django.conf import settings

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}


def header_value(policy: dict) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.value = header_value(getattr(settings, "CONTENT_SECURITY_POLICY", POLICY))

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.value)
        return response
