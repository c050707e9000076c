// Steps that take something off the site, or put several stories on it at once, ask first: a story
// unpublished, a comment removed or an embargoed story published by a slip of the mouse is done for readers
// at once. Loaded as Media by the article and comment admins; no inline script.
(function () {
  "use strict";
  // The list's bulk actions, by name (articles.admin, comments.admin, sharing.admin), and the question each
  // one asks.
  var ACTIONS = {
    unpublish_selected: "Take the selected stories off the site? Readers will no longer see them.",
    publish_selected: "Publish the selected stories now? Readers see them at once, and they are shared. (Scheduled ones keep their time.)",
    remove: "Remove the selected comments from the site?",
    mark_spam: "Mark the selected comments as spam and remove them from the site?",
    retry_selected: "Try the selected failed posts again? They go out to the social networks at once.",
    share_again_selected:
      "Post the selected stories once more, as new posts, on the same accounts? They go out at once.",
    erase_personal_data:
      "Erase the name, email, website and IP address of every comment by the selected commenters? " +
      "This cannot be undone.",
  };
  // The same steps from one comment's own page.
  var ONE = {
    remove: "Remove this comment from the site?",
    mark_spam: "Mark this comment as spam and remove it from the site?",
  };

  function question(button, form) {
    if (button && button.dataset.confirm) {
      return button.dataset.confirm;
    }
    // The comment page's decision buttons carry the action's name as their value.
    if (button && button.name === "action" && ONE[button.value]) {
      return ONE[button.value];
    }
    var select = form && form.id === "changelist-form" ? form.querySelector("select[name=action]") : null;
    return select && ACTIONS[select.value] ? ACTIONS[select.value] : null;
  }

  document.addEventListener("submit", function (event) {
    var text = question(event.submitter, event.target);
    if (text && !window.confirm(text)) {
      event.preventDefault();
    }
  });
})();
