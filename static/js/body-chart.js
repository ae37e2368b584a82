// Body chart (templates/intake/_body_chart.html): clickable front and back figures that tick the
// intake's pain-area checkboxes. The checkboxes are the real form controls and work without this
// file; here we reveal the drawing and keep both in step. No libraries.
(function () {
  "use strict";

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function setUp(chart) {
    var boxes = {};      // region key -> checkbox
    var shapes = {};     // region key -> [shapes drawn for it]
    var summary = chart.querySelector(".bc-summary");

    each(chart.querySelectorAll('.bc-list input[type="checkbox"]'), function (box) {
      boxes[box.value] = box;
    });
    each(chart.querySelectorAll("[data-region]"), function (shape) {
      var key = shape.getAttribute("data-region");
      if (!boxes[key]) {  // no checkbox for it: leave it drawn but inert
        shape.removeAttribute("tabindex");
        shape.removeAttribute("role");
        shape.setAttribute("aria-hidden", "true");
        shape.classList.add("is-inert");
        return;
      }
      (shapes[key] = shapes[key] || []).push(shape);
    });

    function labelFor(box) {
      var label = box.id && chart.querySelector('label[for="' + box.id + '"]');
      return label ? label.textContent.trim() : box.value;
    }

    function showSummary() {
      if (!summary) { return; }
      var names = [];
      each(chart.querySelectorAll('.bc-list input[type="checkbox"]'), function (box) {
        if (box.checked) { names.push(labelFor(box)); }
      });
      summary.textContent = "Selected: " + (names.length ? names.join("; ") : "none");
    }

    function showRegion(key) {
      var state = boxes[key].checked ? "true" : "false";
      each(shapes[key] || [], function (shape) { shape.setAttribute("aria-checked", state); });
    }

    function showAll() {
      Object.keys(boxes).forEach(showRegion);
      showSummary();
    }

    function toggle(key) {
      var box = boxes[key];
      if (!box || box.disabled) { return; }
      box.checked = !box.checked;
      // Let anything else listening to the form hear about it, as if the box had been clicked.
      box.dispatchEvent(new Event("input", { bubbles: true }));
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }

    each(Object.keys(shapes), function (key) {
      each(shapes[key], function (shape) {
        shape.addEventListener("click", function () { toggle(key); });
        shape.addEventListener("keydown", function (event) {
          if (event.key === " " || event.key === "Spacebar" || event.key === "Enter") {
            event.preventDefault();  // Space would scroll the page; Enter must not submit
            if (!event.repeat) { toggle(key); }
          }
        });
      });
    });

    chart.addEventListener("change", function (event) {
      var box = event.target;
      if (box && boxes[box.value] === box) {
        showRegion(box.value);
        showSummary();
      }
    });
    // The browser may restore ticked boxes when the user comes back with the Back button,
    // and a reset button clears them without a change event.
    window.addEventListener("pageshow", showAll);
    var form = chart.closest("form");
    if (form) {
      form.addEventListener("reset", function () { window.setTimeout(showAll, 0); });
    }

    chart.classList.remove("is-static");
    showAll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    each(document.querySelectorAll(".body-chart"), setUp);
  });
})();
