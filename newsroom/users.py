"""Staff as the newsroom names them to each other, and what only administrators may see."""

from django.contrib.auth.decorators import user_passes_test


def display_name(user) -> str:
    """The full name, or the username of an account that has none."""
    return user.get_full_name() or user.get_username()


# Administrators (superusers) only, others to the admin's login: the health checks' detailed status
# (WATCHMAN_AUTH_DECORATOR, newsroom/health.py) shows tracebacks that name internal hosts and files.
for_administrators = user_passes_test(
    lambda user: user.is_active and user.is_superuser, login_url="admin:login"
)
