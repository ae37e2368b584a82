// Long forms (marked data-keep-draft) lose nothing when the login expires or the connection drops.
//
// While someone types, what they changed from the page as it came from the server is kept in this tab's
// sessionStorage: it never leaves the device, disappears when the tab closes, belongs to one login, and
// logging out clears it. When the form comes back (after logging in again, or a reload once the connection
// returns) those answers are put back and a notice says they are not saved yet. The first page after a submit
// discards them only when it shows a success message (or the form again with its errors), so a save that never
// arrived keeps them. If the record was saved elsewhere since (its row_version changed), the notice asks first.
(function () {
  "use strict";

  var PREFIX = "draft:";
  var PENDING = "draft-pending";
  var MAX_AGE_MS = 24 * 60 * 60 * 1000;
  var isLoggingOut = false;  // from then on nothing is kept, not even as the page goes

  function storage() {
    try { return window.sessionStorage; } catch (error) { return null; }  // storage blocked: do nothing
  }

  function read(store, key) {
    try { return JSON.parse(store.getItem(key)); } catch (error) { return null; }
  }

  function isChoice(element) { return element.type === "checkbox" || element.type === "radio"; }

  function kept(element) {
    var type = (element.type || "").toLowerCase();
    return element.name && !element.disabled && ["hidden", "password", "file", "submit", "button", "reset"]
      .indexOf(type) === -1 && element.tagName !== "BUTTON" && element.tagName !== "FIELDSET";
  }

  // The option a select shows: as the page came from the server, or now.
  function selected(select, asLoaded) {
    var options = Array.prototype.filter.call(select.options, function (option) {
      return asLoaded ? option.defaultSelected : option.selected;
    });
    if (!options.length && asLoaded && !select.multiple && select.options.length) { options = [select.options[0]]; }
    return options.map(function (option) { return option.value; });
  }

  // The form's fields as [name, value] pairs in document order; a box or radio counts only when ticked. With
  // asLoaded, the values the server's HTML gave them (typing may have started before this script ran).
  function fieldsOf(form, asLoaded) {
    var pairs = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element)) { return; }
      if (isChoice(element)) {
        if (asLoaded ? element.defaultChecked : element.checked) { pairs.push([element.name, element.value]); }
      } else if (element.tagName === "SELECT") {
        selected(element, asLoaded).forEach(function (value) { pairs.push([element.name, value]); });
      } else {
        pairs.push([element.name, asLoaded ? element.defaultValue : element.value]);
      }
    });
    return pairs;
  }

  // {name: [values]}: fields that share a name (a group of boxes, the activity rows) keep their order.
  function byName(pairs) {
    var values = {};
    pairs.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    return values;
  }

  // The fields whose values differ from the form as it was loaded: only what the person typed.
  function changesFrom(original, current) {
    var changes = {};
    Object.keys(original).concat(Object.keys(current)).forEach(function (name) {
      if (JSON.stringify(original[name] || []) !== JSON.stringify(current[name] || [])) { changes[name] = current[name] || []; }
    });
    return changes;
  }

  // Put the typed values back into their fields, leaving every other field as the page shows it.
  function putBack(form, changes) {
    var texts = {};
    Object.keys(changes).forEach(function (name) { texts[name] = changes[name].slice(); });
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element) || !Object.prototype.hasOwnProperty.call(texts, element.name)) { return; }
      var values = texts[element.name];
      var before = isChoice(element) ? element.checked : element.value;
      if (isChoice(element)) {
        element.checked = values.indexOf(element.value) !== -1;
      } else if (element.tagName === "SELECT" && element.multiple) {
        Array.prototype.forEach.call(element.options, function (option) { option.selected = values.indexOf(option.value) !== -1; });
      } else {
        element.value = values.length ? values.shift() : "";
      }
      var after = isChoice(element) ? element.checked : element.value;
      if (after !== before) {  // let the body chart and other listeners catch up
        element.dispatchEvent(new Event("input", { bubbles: true }));
        element.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function rowVersion(form) {
    var field = form.querySelector('input[name="row_version"]');
    return field ? field.value : "";
  }

  function clockTime(milliseconds) {
    return new Date(milliseconds).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function notice(form, text, buttons) {
    var box = document.createElement("div");
    box.className = "notice draft-notice";
    box.setAttribute("role", "status");
    var paragraph = document.createElement("p");
    paragraph.textContent = text;
    box.appendChild(paragraph);
    var actions = document.createElement("p");
    actions.className = "actions";
    buttons.forEach(function (button) {
      var element = document.createElement("button");
      element.type = "button";
      element.className = "button " + (button.primary ? "button-primary" : "button-quiet");
      element.textContent = button.label;
      element.addEventListener("click", function () { button.action(); box.remove(); });
      actions.appendChild(element);
    });
    box.appendChild(actions);
    form.parentNode.insertBefore(box, form);
    return box;
  }

  function setUp(form, store) {
    var user = document.body.getAttribute("data-user") || "";
    var key = PREFIX + window.location.pathname;
    var saved = read(store, key);
    var original = byName(fieldsOf(form, true));

    var isDiscarded = false;  // the person chose the saved version: nothing more is kept from this page

    function keep() {
      if (isDiscarded || isLoggingOut) { return; }
      var changes = changesFrom(original, byName(fieldsOf(form)));
      if (!Object.keys(changes).length) { store.removeItem(key); return; }
      store.setItem(key, JSON.stringify({ user: user, base: rowVersion(form), at: Date.now(), changes: changes }));
    }
    function discard() { store.removeItem(key); }

    if (saved && (saved.user !== user || !saved.changes || Date.now() - saved.at > MAX_AGE_MS)) { discard(); saved = null; }
    if (saved && !Object.keys(changesFrom(original, Object.assign({}, original, saved.changes))).length) {
      discard(); saved = null;  // the page already shows every typed answer
    }
    if (saved && saved.base === rowVersion(form)) {
      putBack(form, saved.changes);
      notice(form, "Your unsaved answers from " + clockTime(saved.at) + " are back in the form. They are not saved " +
        "yet: check them, then save.", [{ label: "Discard them and show the saved version", action: function () {
          isDiscarded = true; discard(); window.location.reload();
        } }]);
    } else if (saved) {
      notice(form, "This form was saved again (by a colleague, or by you in another tab) after you typed answers at " +
        clockTime(saved.at) + " that were never saved. It shows the saved version now.", [
        { label: "Put my unsaved answers back", primary: true, action: function () { putBack(form, saved.changes); keep(); } },
        { label: "Discard them", action: discard }]);
    }

    var timer = null;
    function keepSoon() { clearTimeout(timer); timer = setTimeout(keep, 300); }
    form.addEventListener("input", keepSoon);
    form.addEventListener("change", keepSoon);
    window.addEventListener("pagehide", function () { clearTimeout(timer); keep(); });

    form.addEventListener("submit", function (event) {
      clearTimeout(timer);
      keep();
      if (navigator.onLine === false) {  // a post now would only show the browser's error page
        event.preventDefault();
        var old = form.parentNode.querySelector(".offline-notice");
        if (old) { old.remove(); }
        var box = document.createElement("p");
        box.className = "notice notice-warn offline-notice";
        box.setAttribute("role", "alert");
        box.textContent = "You are offline, so nothing was saved. Your answers are kept on this device: " +
          "press save again when the connection is back.";
        form.parentNode.insertBefore(box, form);
        return;
      }
      store.setItem(PENDING, key);
    });
  }

  // The page a submit led to: a success message means the copy was saved and can go; so can a form that came
  // back with its errors, since the server shows the posted answers again.
  function settlePending(store) {
    var key = store.getItem(PENDING);
    if (!key) { return; }
    store.removeItem(PENDING);
    var echoed = key === PREFIX + window.location.pathname && document.querySelector(".error-summary, .flash-error");
    if (document.querySelector(".flash-success") || echoed) { store.removeItem(key); }
  }

  // Logging out forgets every copy kept in this tab: the next person to use the device must not find them.
  document.addEventListener("submit", function (event) {
    var store = storage();
    if (!store || !event.target.hasAttribute("data-clears-drafts")) { return; }
    isLoggingOut = true;
    Object.keys(store).forEach(function (key) { if (key.indexOf("draft") === 0) { store.removeItem(key); } });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var store = storage();
    if (!store) { return; }
    settlePending(store);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-keep-draft]"), function (form) { setUp(form, store); });
  });
}());
