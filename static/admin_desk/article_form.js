// The article form: words and reading time beside the body, and the headline's and standfirst's length
// against what search results and social cards show. No inline script: loaded as ArticleAdmin.Media.
(function () {
  "use strict";
  var WORDS_PER_MINUTE = 230;
  var LIMITS = {
    id_headline: [["search results", 60], ["social cards", 70]],
    id_dek: [["search snippets", 155], ["social cards", 200]],
  };

  function meter(afterElement, id) {
    var box = document.getElementById(id);
    if (!box) {
      box = document.createElement("p");
      box.id = id;
      box.className = "help length-meter";
      box.setAttribute("aria-live", "polite");
      afterElement.insertAdjacentElement("afterend", box);
    }
    return box;
  }

  function lengths(input) {
    var limits = LIMITS[input.id];
    var box = meter(input, input.id + "_length");
    function update() {
      var n = input.value.length;
      var parts = limits.map(function (limit) {
        var over = n > limit[1];
        return (over ? "over " : "within ") + limit[0] + " (" + limit[1] + ")";
      });
      box.textContent = n + " characters: " + parts.join(", ") + ".";
      box.classList.toggle("length-over", n > limits[0][1]);
    }
    input.addEventListener("input", update);
    update();
  }

  function wordsOf(text) {
    var words = text.trim().split(/\s+/).filter(Boolean);
    return words.length;
  }

  function bodyCounter(triesLeft) {
    var textarea = document.getElementById("id_body");
    if (!textarea) return;
    var editor = textarea.closest(".prose-editor");
    if (!editor) {
      // The editor's module builds it around the textarea once loaded; until then, try again shortly.
      if (triesLeft > 0) setTimeout(function () { bodyCounter(triesLeft - 1); }, 200);
      return;
    }
    var box = meter(editor, "id_body_words");
    function update() {
      var editable = editor.querySelector("[contenteditable=true]");
      var text = editable ? editable.innerText : textarea.value.replace(/<[^>]*>/g, " ");
      var words = wordsOf(text);
      var minutes = Math.max(1, Math.round(words / WORDS_PER_MINUTE));
      // An empty body has no reading time to give; one word is "1 word".
      var label = words === 0 ? "0 words" : words + (words === 1 ? " word" : " words") + " · about " +
        minutes + " min to read";
      // Written only when it changes, and outside the observed editor, so it cannot feed its own observer.
      if (box.textContent !== label) {
        box.textContent = label;
        box.dataset.words = String(words);
      }
    }
    new MutationObserver(update).observe(editor, { subtree: true, childList: true, characterData: true });
    update();
  }

  // What other programs put on the clipboard, made into what the body's editor knows before it reads it.
  // Headings (a web page's, a word processor's "Heading 1"): the editor knows h2 to h4 only (the headline is
  // the page's h1) and made an h1, h5 or h6 a plain paragraph; they are renamed as the sanitiser renames
  // them on save. Word's lists: Word writes each item as a paragraph of its own, its bullet or number typed
  // in (`mso-list`), and they came in as paragraphs starting "·" or "1."; they become lists again.
  var RENAMED_HEADING = /<(\/?)h([156])(?=[\s>])/gi;
  var WORD_LIST_ITEM = /mso-list:\s*(l\d+)\s+level(\d+)/i;
  var NUMBERED = /^\s*\(?[0-9a-z]{1,4}[.)]/i;

  function renameHeadings(html) {
    return html.replace(RENAMED_HEADING, function (tag, slash, level) {
      return "<" + slash + "h" + (level === "1" ? "2" : "4");
    });
  }

  function wordLists(html) {
    if (html.indexOf("mso-list") < 0) return html;
    var doc = new DOMParser().parseFromString(html, "text/html");
    var open = [];  // the lists being filled, outermost first, each with its level and its last item
    Array.prototype.slice.call(doc.body.querySelectorAll("p")).forEach(function (p) {
      var found = WORD_LIST_ITEM.exec(p.getAttribute("style") || "");
      if (!found) return;
      var level = parseInt(found[2], 10);
      var marker = p.querySelector("[style*='mso-list:Ignore'], [style*='mso-list: Ignore']");
      var ordered = Boolean(marker) && NUMBERED.test(marker.textContent);
      if (marker) marker.remove();
      if (!open.length || p.previousElementSibling !== open[0].list) open = [];  // another list begins
      while (open.length && open[open.length - 1].level > level) open.pop();
      var current = open[open.length - 1];
      if (!current || current.level < level) {
        var list = doc.createElement(ordered ? "ol" : "ul");
        if (current) current.item.appendChild(list);
        else p.parentNode.insertBefore(list, p);
        current = { list: list, level: level, item: null };
        open.push(current);
      }
      var paragraph = doc.createElement("p");
      while (p.firstChild) paragraph.appendChild(p.firstChild);
      paragraph.innerHTML = paragraph.innerHTML.replace(/^(\s|&nbsp;)+/, "");
      current.item = doc.createElement("li");
      current.item.appendChild(paragraph);
      current.list.appendChild(current.item);
      p.remove();
    });
    return doc.body.innerHTML;
  }

  function pastedFromElsewhere() {
    document.addEventListener("paste", function (event) {
      var editor = event.target.closest && event.target.closest(".prose-editor");
      if (!editor || !editor.querySelector("#id_body")) return;
      var data = event.clipboardData;
      var html = data && !event.madeOurs ? data.getData("text/html") : "";
      if (!html) return;
      var ours = wordLists(renameHeadings(html));
      if (ours === html) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      var renamed = new DataTransfer();
      renamed.setData("text/plain", data.getData("text/plain"));
      renamed.setData("text/html", ours);
      var again = new ClipboardEvent("paste", { clipboardData: renamed, bubbles: true, cancelable: true });
      again.madeOurs = true;
      event.target.dispatchEvent(again);
    }, true);  // the capture phase: before the editor itself reads the paste
  }

  // A byline or "Read more" row added with "Add another" comes last: its position is set after the others
  // (Django's blank row says 0, which put it second, after the first row).
  var ORDERED = ["bylines", "related_links"];

  function numberNewRows() {
    document.addEventListener("formset:added", function (event) {
      var name = event.detail && event.detail.formsetName;
      if (ORDERED.indexOf(name) < 0) return;
      var row = event.target;
      var input = row.querySelector("input[name$='-position']");
      if (!input) return;
      var highest = -1;
      document.querySelectorAll("#" + name + "-group input[name$='-position']").forEach(function (other) {
        if (other === input || other.closest(".empty-form")) return;
        var value = parseInt(other.value, 10);
        if (!isNaN(value) && value > highest) highest = value;
      });
      input.value = String(highest + 1);
    });
  }

  // Django's prepopulated slug follows the headline only while the slug is empty when the page loads. On a
  // new story's form sent back with a mistake (a headline refused for its HTML, say), the slug kept the
  // refused headline's spelling ("bbigb-news") once the headline was put right. While the slug is still
  // what the headline made, it follows the headline, until the writer types a slug of their own.
  function slugFollowsHeadline() {
    var slug = document.getElementById("id_slug");
    var headline = document.getElementById("id_headline");
    if (!slug || !headline || !slug.value || typeof window.URLify !== "function") return;
    if (!/\/add\/$/.test(window.location.pathname)) return;
    var maxLength = parseInt(slug.getAttribute("maxlength"), 10) || 190;
    if (slug.value !== window.URLify(headline.value, maxLength, false)) return;
    var typed = false;
    slug.addEventListener("input", function () { typed = true; });
    headline.addEventListener("input", function () {
      if (!typed) slug.value = window.URLify(headline.value, maxLength, false);
    });
  }

  // Leaving the form with changes not saved (a breadcrumb, a link on the desk, the tab closed) asks first:
  // the browser's own "Leave site?" question. Saving, or the preview's new tab, is not leaving.
  function warnBeforeLeaving() {
    var form = document.getElementById("article_form");
    var body = document.getElementById("id_body");
    if (!form) return;
    var bodyAsLoaded = body ? body.value : "";
    var changed = false;
    var saving = false;
    form.addEventListener("input", function () { changed = true; });
    form.addEventListener("change", function () { changed = true; });
    // On the window, after confirm.js has had its say: a step the writer called off is not a save.
    window.addEventListener("submit", function (event) {
      if (event.target !== form || event.defaultPrevented) return;
      var submitter = event.submitter;
      if (submitter && submitter.getAttribute("formtarget") === "_blank") return;
      saving = true;
    });
    window.addEventListener("beforeunload", function (event) {
      // The body's editor writes its textarea without an input event (a toolbar's bold, a figure).
      if (saving || !(changed || (body && body.value !== bodyAsLoaded))) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  function start() {
    numberNewRows();
    warnBeforeLeaving();
    slugFollowsHeadline();
    Object.keys(LIMITS).forEach(function (id) {
      var input = document.getElementById(id);
      if (input) lengths(input);
    });
    if (document.getElementById("id_body")) pastedFromElsewhere();
    bodyCounter(50);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
