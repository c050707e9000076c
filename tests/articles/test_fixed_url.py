"""{% fixed_url %}: the header's and footer's addresses, worked out once per process and script prefix."""

from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix


def render(text):
    return Template("{% load newsroom_site %}" + text).render(Context())


def test_it_gives_what_url_gives_and_follows_the_script_prefix():
    assert render("{% fixed_url 'articles:feed' %}") == reverse("articles:feed") == "/feed/"
    set_script_prefix("/news/")
    try:
        both = render("{% fixed_url 'articles:feed' %} {% url 'articles:feed' %}")
        assert both == "/news/feed/ /news/feed/"
    finally:
        clear_script_prefix()
    assert render("{% fixed_url 'authors:index' %}") == "/authors/"
