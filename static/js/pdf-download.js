// PDF downloads show their progress: a PDF takes a moment to make, and a link that seems to do nothing gets
// pressed again. Links marked data-pdf-link (and forms marked data-pdf-form) are fetched here while a status
// line says "Preparing…"; the file is then saved under the server's name, or the server's message is shown in
// place (a PDF that was too long or took too long). Without this file the links and forms work as usual.
(function () {
  "use strict";

  var BUSY = "Preparing the PDF… this can take a few seconds.";

  // One status line after the group the link belongs to (a form, a row of buttons, handout links, volumes).
  function statusFor(trigger) {
    var holder = trigger.closest("form, .actions, .handout-links, .volume-list") || trigger;
    var status = holder.nextElementSibling;
    if (!status || !status.classList.contains("pdf-status")) {
      status = document.createElement("p");
      status.className = "pdf-status";
      status.setAttribute("role", "status");
      holder.insertAdjacentElement("afterend", status);
    }
    return status;
  }

  function show(status, text, state) {
    status.textContent = text;
    status.setAttribute("data-state", state);
  }

  function fileName(response) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename="?([^";]+)"?/.exec(header);
    return match ? match[1] : "document.pdf";
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  // The words of the app's error page (its heading and message), without the page around them.
  function messageOf(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var parts = page.querySelectorAll(".error-page h1, .error-page p:not(.error-code):not(:last-child)");
    return Array.prototype.map.call(parts, function (part) { return part.textContent.trim().replace(/[.:]$/, ""); })
      .filter(Boolean).join(": ") + (parts.length ? "." : "");
  }

  function fetchPdf(trigger, url, options) {
    if (trigger.getAttribute("aria-busy") === "true") { return; }  // already on its way
    var status = statusFor(trigger);
    trigger.setAttribute("aria-busy", "true");
    show(status, BUSY, "busy");
    fetch(url, Object.assign({ credentials: "same-origin", headers: { Accept: "application/pdf" } }, options))
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.ok && type.indexOf("application/pdf") === 0) {
          return response.blob().then(function (blob) {
            var name = fileName(response);
            save(blob, name);
            show(status, "Your PDF is ready: " + name + " has been downloaded.", "done");
          });
        }
        if (response.ok) {  // a page instead of a PDF (the login page, or a page with a message): go there
          window.location.assign(response.url);
          return null;
        }
        return response.text().then(function (html) {
          show(status, messageOf(html) || "The PDF could not be made (error " + response.status + "). Please try again.", "error");
        });
      })
      .catch(function () {
        show(status, "The PDF could not be downloaded: the connection failed. Please try again.", "error");
      })
      .then(function () { trigger.removeAttribute("aria-busy"); });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-pdf-link]");
    if (!link || !window.fetch || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
    event.preventDefault();
    fetchPdf(link, link.href, { method: "GET" });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-pdf-form") || !window.fetch || event.defaultPrevented) { return; }
    event.preventDefault();
    fetchPdf(form.querySelector("[type=submit]") || form, form.action, { method: "POST", body: new FormData(form) });
  });
}());
