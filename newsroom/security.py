"""Who the client is, and which Content-Security-Policy a page gets.

`client_ip` is the one answer to "the client's address" for every rate limit (API throttles, the search limit,
the comment flood rule) and for the admin login lockout (django-axes): REMOTE_ADDR, or, behind NUM_PROXIES
proxies of ours that each append to X-Forwarded-For, the address that many entries from the header's end.
Entries further left were written by the client and are never believed, so a forged header changes nothing.
"""

import ipaddress

from csp.middleware import CSPMiddleware
from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address as our outermost trusted proxy saw it; None when there is none to trust."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            candidate = addresses[-min(proxies, len(addresses))]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote
    return remote


class PathContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with a second policy for the addresses that need one (settings.CSP_PATH_POLICIES).

    The public site gets CONTENT_SECURITY_POLICY (no inline script or style at all); the admin, the
    browsable API and the API docs ship Django's, DRF's and Swagger/Redoc's inline styles, so they get their
    own, still without inline script. A view-level `csp_override` wins over both.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if parts.config is None and not report_only:
            content_type = response.get("Content-Type", "")
            # (prefix, directives) or (prefix, directives, content types it is only for)
            for prefix, directives, *only_for in settings.CSP_PATH_POLICIES:
                if request.path_info.startswith(prefix) and (
                    not only_for or content_type.startswith(tuple(only_for))
                ):
                    parts.config = directives
                    break
        return parts


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login, in the site's look: who is locked, for how long, and what
    to do (django-axes' own is one line of plain text)."""
    from axes.helpers import get_client_username, get_cool_off
    from django.shortcuts import render
    from django.utils import timezone
    from django.utils.timesince import timeuntil

    cool_off = get_cool_off(request)
    context = {
        "username": get_client_username(request, credentials) or "",
        "wait": timeuntil(timezone.now() + cool_off) if cool_off else "",
    }
    return render(request, "admin/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
