// A page served from a cache carries no CSRF token of this reader and an old form timestamp. Before the
// first submit, fetch fresh ones; if that fails, the form posts as it is (and works without JavaScript).
(function () {
  "use strict";
  document.querySelectorAll("form.comment-form[data-fields-url]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.refreshed === "1" || !window.fetch) { return; }
      event.preventDefault();
      form.dataset.refreshed = "1";
      fetch(form.dataset.fieldsUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : {}; })
        .then(function (fields) {
          Object.keys(fields).forEach(function (name) {
            var input = form.querySelector("input[type=hidden][name=" + name + "]");
            if (input) { input.value = fields[name]; }
          });
        })
        .catch(function () {})
        .then(function () { form.submit(); });
    });
  });
})();
