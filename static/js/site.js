// Progressive enhancement only: without JavaScript, "Copy link" is a plain link to the article.
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("[data-copy-link]") : null;
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  var status = link.parentNode.querySelector(".copy-status");
  navigator.clipboard.writeText(link.getAttribute("data-copy-link")).then(
    function () { if (status) status.textContent = "Link copied"; },
    function () { if (status) status.textContent = "Copy failed: select the address bar instead"; }
  );
});
// A form sent back with mistakes: the keyboard starts on the first field to correct, and a screen reader
// reads its label and its error; with no field to blame, on the message that says what went wrong.
(function () {
  var first = document.querySelector("main [aria-invalid=true]") || document.querySelector("main .comments-message--error");
  if (first) { first.focus(); }
})();
