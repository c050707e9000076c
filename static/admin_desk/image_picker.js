// The media library picker opened by the editor's "Browse..." button (django-prose-editor's figure
// dialog): a click hands the rendition's address, the alt text and the caption back to the editor.
(function () {
  "use strict";
  function start() {
    var root = document.querySelector(".image-picker");
    if (!root) return;
    root.addEventListener("click", function (event) {
      var choice = event.target.closest(".image-picker-choice");
      if (!choice) return;
      var funcNum = root.dataset.funcNum;
      var opener = window.opener;
      if (opener && opener.CKEDITOR && opener.CKEDITOR.tools) {
        opener.CKEDITOR.tools.callFunction(funcNum, choice.dataset.url, {
          id: choice.dataset.id,
          alternative_text: choice.dataset.alt,
          caption: choice.dataset.caption,
        });
        window.close();
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
