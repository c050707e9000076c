// Opt-in only: remembers name, email and website in this browser (localStorage), never on the server.
(function () {
  "use strict";
  var KEY = "newsroom.commenter";
  var FIELDS = ["name", "email", "url"];
  var forms = document.querySelectorAll("form[data-remember-form]");
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  if (!store) { return; }
  forms.forEach(function (form) {
    var box = form.querySelector("input[name=remember]");
    if (!box) { return; }
    box.closest("p").hidden = false;  // the box does something only with this script running
    var saved = null;
    try { saved = JSON.parse(store.getItem(KEY) || "null"); } catch (e) { saved = null; }
    if (saved) {
      FIELDS.forEach(function (name) {
        var input = form.querySelector("[name=" + name + "]");
        if (input && !input.value && typeof saved[name] === "string") { input.value = saved[name]; }
      });
      box.checked = true;
    }
    form.addEventListener("submit", function () {
      if (box.checked) {
        var values = {};
        FIELDS.forEach(function (name) {
          var input = form.querySelector("[name=" + name + "]");
          values[name] = input ? input.value : "";
        });
        store.setItem(KEY, JSON.stringify(values));
      } else {
        store.removeItem(KEY);
      }
    });
  });
})();
