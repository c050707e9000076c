"""Under the Content-Security-Policy, real Chromium runs the public site, the admin and the API docs with
no violation and no console error (newsroom/settings.py: CONTENT_SECURITY_POLICY, CSP_PATH_POLICIES)."""

from urllib.parse import urlsplit

import pytest

from tests.factories import UserFactory
from tests.site_data import build_newsroom

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = (e.blockedURI || "inline") + " at " + e.sourceFile;
  window.__cspViolations.push(e.violatedDirective + " blocked " + where);
});
"""


@pytest.fixture
def tab(chromium, site):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    local = urlsplit(site.url).hostname
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).hostname in (local, "localhost", "127.0.0.1")
            else route.abort()
        ),
    )
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.failed = []
    page.on("response", lambda r: page.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: page.failed.append(f"{r.failure} {r.url}"))
    yield page
    context.close()


# Redoc's footer always asks cdn.redoc.ly for its logo; the docs' policy refuses it (no third-party requests
# from our pages) and Redoc then leaves the logo out. That refusal is the one violation expected.
REDOC_LOGO = "img-src blocked https://cdn.redoc.ly/redoc/logo-mini.svg"


def visit(tab, url, *, ready, expected=()):
    response = tab.goto(url)
    assert response.status == 200, url
    assert (
        "'unsafe-inline'"
        not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    )
    tab.wait_for_selector(ready, timeout=15000)
    tab.wait_for_load_state("load")
    tab.wait_for_timeout(500)  # scripts that start after load (the admin's editor, Swagger's schema fetch)
    violations = [v for v in tab.evaluate("window.__cspViolations") if not v.startswith(expected)]
    assert violations == [], f"{url}: {violations}"
    errors = [e for e in tab.console_errors if not (expected and "Content Security Policy" in e)]
    assert errors == [], f"{url}: {tab.console_errors} {tab.failed}"


def test_public_pages_run_without_violations(tab, site):
    article = build_newsroom(4)["articles"][0]
    visit(tab, site.url + "/", ready="main")
    visit(tab, site.url + article.get_absolute_url(), ready=".comment-form")
    visit(tab, site.url + "/search/?q=harbour", ready="main")


def test_admin_works_under_its_policy(tab, site):
    article = build_newsroom(4)["articles"][0]
    UserFactory(username="chief", is_staff=True, is_superuser=True, password="correct horse battery staple")
    visit(tab, site.url + "/admin/login/", ready="#id_username")
    tab.fill("#id_username", "chief")
    tab.fill("#id_password", "correct horse battery staple")
    tab.click("input[type=submit]")
    tab.wait_for_url(site.url + "/admin/")
    visit(tab, site.url + "/admin/", ready="#content")
    visit(tab, site.url + "/admin/articles/article/", ready="#result_list")
    # Django's admin scripts run: "select all" (actions.js) ticks every row.
    tab.click("#action-toggle")
    rows = tab.locator("#result_list input.action-select").count()
    assert rows > 0 and tab.locator("#result_list input.action-select:checked").count() == rows
    visit(tab, site.url + f"/admin/articles/article/{article.pk}/change/", ready="#article_form")
    visit(tab, site.url + "/admin/articles/article/add/", ready="#article_form")


def test_swagger_ui_and_redoc_render_under_their_policy(tab, site):
    visit(tab, site.url + "/api/docs/", ready=".swagger-ui .info .title")
    assert "API" in tab.locator(".swagger-ui .info .title").inner_text()
    assert tab.locator(".opblock").count() > 5  # the operations were read from the schema and drawn
    visit(tab, site.url + "/api/docs/redoc/", ready=".api-content", expected=(REDOC_LOGO,))
    tab.wait_for_selector(".api-content h1", timeout=15000)
    assert "API" in tab.locator(".api-content h1").first.inner_text()


def test_the_browsable_api_renders_under_its_policy(tab, site):
    article = build_newsroom(2)["articles"][0]
    visit(tab, site.url + "/api/v1/?format=api", ready=".response-info")
    visit(tab, site.url + f"/api/v1/articles/{article.pk}/?format=api", ready=".response-info")
    assert article.headline in tab.locator(".response-info").inner_text()
