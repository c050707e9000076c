"""Staff as the newsroom names them to each other, and what only administrators may see."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse


def display_name(user) -> str:
    """The full name, or the username of an account that has none."""
    return user.get_full_name() or user.get_username()


def for_administrators(view):
    """Administrators (superusers) only: the health checks' detailed status (WATCHMAN_AUTH_DECORATOR,
    newsroom/health.py) shows tracebacks that name internal hosts and files. Who is not signed in goes to
    the admin's login; other staff get the refusal page saying why (the login page sent them on to the
    admin's index without a word)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if user.is_active and user.is_superuser:
            return view(request, *args, **kwargs)
        if user.is_authenticated:
            raise PermissionDenied("The detailed status of the site is for administrators only.")
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))

    return wrapped
