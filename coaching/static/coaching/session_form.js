// The session form: show only the fields the chosen kind uses, add action rows in place, and
// keep what has been typed in this browser too (if the server draft cannot be saved yet).
(function () {
  "use strict";
  var form = document.getElementById("session-form");
  if (!form) {
    return;
  }

  function chosenKind() {
    // A radio group, or a hidden input when the person logs only one kind of session.
    var checked = form.querySelector(
      'input[name="kind"]:checked, input[name="kind"][type="hidden"]'
    );
    return checked ? checked.value : "";
  }

  // Executives: only those of the chosen organisation (the server narrows them too).
  function narrowExecutives() {
    var organisation = form.querySelector('select[name="organisation"]');
    var chosen = organisation ? organisation.value : "";
    form.querySelectorAll('[data-group-by="organisation"] [data-group]').forEach(function (group) {
      var shown = chosen === "" || group.getAttribute("data-group") === chosen;
      group.hidden = !shown;
      if (!shown) {
        group.querySelectorAll("input[type=checkbox]").forEach(function (box) {
          box.checked = false;
        });
      }
    });
  }

  function showFieldsForKind() {
    var kind = chosenKind();
    form.querySelectorAll("[data-kinds]").forEach(function (el) {
      var kinds = el.getAttribute("data-kinds").split(" ");
      el.hidden = kind !== "" && kinds.indexOf(kind) === -1;
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") {
      showFieldsForKind();
    }
    if (event.target.name === "organisation") {
      narrowExecutives();
    }
  });
  showFieldsForKind();
  narrowExecutives();

  // Actions: add a row without reloading the page.
  var addButton = document.getElementById("add-action");
  var template = document.getElementById("action-template");
  var total = form.querySelector('input[name="actions-TOTAL_FORMS"]');
  if (addButton && template && total) {
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10) || 0;
      if (index >= 20) {
        return;
      }
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var fieldset = holder.firstElementChild;
      document.getElementById("action-rows").appendChild(fieldset);
      total.value = String(index + 1);
      var first = fieldset.querySelector("textarea, input, select");
      if (first) {
        first.focus();
      }
    });
  }

  // This browser's copy: written as the coach types, removed when the form is submitted.
  var key = form.getAttribute("data-draft-key");
  var storage = null;
  try {
    storage = window.localStorage;
  } catch (e) {
    storage = null;
  }
  function snapshot() {
    var entries = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") {
        entries.push([name, value]);
      }
    });
    return entries;
  }
  function restore(entries) {
    var byName = {};
    entries.forEach(function (pair) {
      (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]);
    });
    var wanted = parseInt((byName["actions-TOTAL_FORMS"] || ["0"])[0], 10);
    while (total && addButton && parseInt(total.value, 10) < wanted) {
      addButton.click();
    }
    Object.keys(byName).forEach(function (name) {
      if (name === "draft" || name === "actions-TOTAL_FORMS") {
        return;
      }
      form.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]').forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = byName[name].indexOf(el.value) !== -1;
        } else if (el.tagName === "SELECT" && el.multiple) {
          Array.prototype.forEach.call(el.options, function (option) {
            option.selected = byName[name].indexOf(option.value) !== -1;
          });
        } else if (el.type !== "hidden") {
          el.value = byName[name][0];
        }
      });
    });
    showFieldsForKind();
    narrowExecutives();
  }
  if (storage && key) {
    var isNew = key.slice(-4) === ":new";
    var hasErrors = document.querySelector(".nhsuk-error-summary") !== null;
    var saved = storage.getItem(key);
    if (saved && isNew && !hasErrors) {
      try {
        restore(JSON.parse(saved));
        var status = document.getElementById("autosave-status");
        if (status) {
          status.textContent = "We restored what you typed earlier in this browser.";
        }
      } catch (e) {
        storage.removeItem(key);
      }
    }
    form.addEventListener("input", function () {
      storage.setItem(key, JSON.stringify(snapshot()));
    });
    form.addEventListener("change", function () {
      storage.setItem(key, JSON.stringify(snapshot()));
    });
    form.addEventListener("submit", function () {
      storage.removeItem(key);
    });
    // Once the server holds the draft, this browser's copy of a new form is not needed.
    document.body.addEventListener("htmx:afterSettle", function () {
      var draft = document.getElementById("draft-id");
      if (draft && draft.value && isNew) {
        storage.removeItem(key);
        key = "coaching-session-draft:" + draft.value;
        isNew = false;
      }
    });
  }
})();
