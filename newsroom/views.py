from django.urls import Resolver404, resolve
from django.views.csrf import csrf_failure as django_csrf_failure


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a reader's comment keeps its text (comments.views); the rest get Django's."""
    try:
        is_comment_post = resolve(request.path_info).url_name == "comments-post"
    except Resolver404:
        is_comment_post = False
    if is_comment_post:
        from comments.views import resend_after_csrf_failure

        response = resend_after_csrf_failure(request)
        if response is not None:
            return response
    return django_csrf_failure(request, reason=reason)
