// Warns before an idle session is signed out, lets the person stay signed in, and keeps what they
// had typed: if the session ends, the page's unsaved form fields are kept in sessionStorage and
// put back when the person signs in again and returns to the page.
(() => {
  "use strict";

  const DRAFT_PREFIX = "coc-draft:";
  const MARGIN_MS = 5000; // the server's clock starts a moment before ours
  const draftKey = () => DRAFT_PREFIX + window.location.pathname;

  const keptFields = (form) =>
    Array.from(form.elements).filter(
      (el) =>
        el.name &&
        !el.disabled &&
        !["hidden", "password", "file", "submit", "button", "reset"].includes(el.type),
    );

  const changed = (el) => {
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") return Array.from(el.options).some((o) => o.selected !== o.defaultSelected);
    return el.value !== el.defaultValue;
  };

  const userForms = () =>
    Array.from(document.forms).filter(
      (form) => form.method === "post" && !form.hasAttribute("data-keepalive") && !form.closest("header"),
    );

  function saveDrafts() {
    const forms = userForms().map((form, index) => {
      const fields = keptFields(form);
      if (!fields.some(changed)) return null;
      return {
        index,
        action: form.getAttribute("action") || "",
        fields: fields.map((el) => ({
          name: el.name,
          type: el.type,
          value: el.tagName === "SELECT" && el.multiple
            ? Array.from(el.selectedOptions).map((o) => o.value)
            : el.value,
          checked: el.checked,
        })),
      };
    }).filter(Boolean);
    if (forms.length) {
      try {
        window.sessionStorage.setItem(draftKey(), JSON.stringify(forms));
      } catch (error) {
        // Storage full or switched off: nothing more we can do without sending it anywhere.
      }
    }
  }

  function restoreDrafts() {
    let saved;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(draftKey()) || "null");
      window.sessionStorage.removeItem(draftKey());
    } catch (error) {
      return;
    }
    if (!Array.isArray(saved)) return;
    const forms = userForms();
    saved.forEach((draft) => {
      const form =
        forms.find((f) => (f.getAttribute("action") || "") === draft.action && forms.indexOf(f) === draft.index) ||
        forms.find((f) => (f.getAttribute("action") || "") === draft.action);
      if (!form) return;
      draft.fields.forEach((field) => {
        const matches = Array.from(form.elements).filter((el) => el.name === field.name);
        matches.forEach((el) => {
          if (el.type === "checkbox" || el.type === "radio") {
            if (el.value === field.value) el.checked = field.checked;
          } else if (el.tagName === "SELECT" && el.multiple && Array.isArray(field.value)) {
            Array.from(el.options).forEach((o) => { o.selected = field.value.includes(o.value); });
          } else if (el.type === field.type || el.tagName.toLowerCase() === field.type || field.type.startsWith("select")) {
            el.value = field.value;
          }
        });
      });
      const notice = document.createElement("div");
      notice.className = "nhsuk-inset-text app-draft-restored";
      notice.setAttribute("role", "status");
      const text = document.createElement("p");
      text.textContent =
        "You were signed out before saving. We have put back what you had typed: check it, then save.";
      notice.appendChild(text);
      form.parentNode.insertBefore(notice, form);
    });
  }

  restoreDrafts();

  const dialog = document.getElementById("session-warning");
  if (!dialog || typeof dialog.showModal !== "function") return;

  const timeoutMs = Number(dialog.dataset.timeout) * 1000;
  const warningMs = Math.min(Number(dialog.dataset.warning) * 1000, timeoutMs);
  const countdown = dialog.querySelector("[data-countdown]");
  const keepalive = dialog.querySelector("form[data-keepalive]");
  let deadline = 0;
  let timers = [];

  const minutesLeft = () => Math.max(1, Math.ceil((deadline - Date.now()) / 60000));

  function expire() {
    saveDrafts();
    // Asking for this page again lets the server sign out and send the person to sign in, and
    // back here afterwards.
    window.location.assign(window.location.href);
  }

  function warn() {
    if (countdown) {
      const left = minutesLeft();
      countdown.textContent = left === 1 ? "1 minute" : `${left} minutes`;
    }
    if (!dialog.open) dialog.showModal();
  }

  function restart() {
    timers.forEach(clearTimeout);
    deadline = Date.now() + timeoutMs + MARGIN_MS;
    timers = [
      setTimeout(warn, timeoutMs - warningMs),
      setTimeout(expire, timeoutMs + MARGIN_MS),
    ];
  }

  async function stayed(event) {
    if (event) event.preventDefault();
    try {
      const response = await fetch(keepalive.action, {
        method: "POST",
        body: new FormData(keepalive),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      dialog.close();
      restart();
    } catch (error) {
      expire();
    }
  }

  keepalive.addEventListener("submit", stayed);
  dialog.addEventListener("cancel", stayed); // Escape means "stay signed in", not "sign me out"
  document.body.addEventListener("htmx:afterRequest", restart);
  // A form sent after the session ended (a laptop that slept) would be refused: keep it first.
  document.addEventListener("submit", (event) => {
    if (Date.now() > deadline && event.target !== keepalive) {
      event.preventDefault();
      expire();
    }
  }, true);
  restart();
})();
