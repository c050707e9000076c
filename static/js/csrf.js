// Pages from the page cache carry no CSRF token (it would be someone else's). Before a form posts, fetch
// this reader's token from /comments/csrf/ (never cached; it also sets the cookie) and put it in the form.
(function () {
  "use strict";
  var pending = null;

  function token() {
    if (!pending) {
      pending = fetch("/comments/csrf/", { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.json(); })
        .then(function (data) { return data.token; });
    }
    return pending;
  }

  function missing(form) {
    var field = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return !field || !field.value;
  }

  function fill(form, value) {
    var field = form.querySelector('input[name="csrfmiddlewaretoken"]');
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "csrfmiddlewaretoken";
      form.prepend(field);
    }
    field.value = value;
  }

  // The comment form refreshes its token and security fields itself (comments/form.js, data-fields-url);
  // it only needs the empty field to fill in.
  function postForm(target) {
    var form = target && target.closest ? target.closest("form") : null;
    if (!form || (form.method || "").toLowerCase() !== "post" || !missing(form)) return null;
    if (form.dataset.fieldsUrl) {
      if (!form.querySelector('input[name="csrfmiddlewaretoken"]')) fill(form, "");
      return null;
    }
    return form;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-fields-url]").forEach(postForm);
  });

  // Start fetching as soon as the reader turns to a form, so the post itself does not wait.
  document.addEventListener("focusin", function (event) {
    if (postForm(event.target)) token();
  });
  document.addEventListener("submit", function (event) {
    var form = postForm(event.target);
    if (!form) return;
    event.preventDefault();
    token().then(function (value) {
      fill(form, value);
      if (form.requestSubmit) form.requestSubmit(event.submitter || undefined);
      else form.submit();
    }, function () { pending = null; form.submit(); });
  }, true);
})();
