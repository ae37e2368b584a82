// Small progressive enhancements; every page works without this file.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// Move focus to the error summary so screen-reader and keyboard users hear what went wrong.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});
// A read-only link to copy (an invitation): select it all when focused, so one copy takes the whole link.
document.addEventListener("focusin", function (event) {
  if (event.target.hasAttribute && event.target.hasAttribute("data-select-on-focus")) { event.target.select(); }
});
