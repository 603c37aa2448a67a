"""The Content Security Policy (django-csp): what a page may load and run.

Public pages load only our own static files: no inline script or style, no other host (the
tests scan every public page type for inline code). The admin and the libraries it renders
(django-import-export, django-simple-history, Django's own change list) put a few `style`
attributes and `<style>` blocks in their templates, so /admin/ also allows inline styles; inline
scripts stay refused everywhere.
"""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings


class SitePolicy(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(settings.CSP_INLINE_STYLE_PREFIXES) and not parts.update:
            parts.update = {"style-src": [UNSAFE_INLINE]}
        return parts
