// Starts the NHS.UK frontend components and moves focus to an error summary when a form fails.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

initAll();

const summary = document.querySelector(".nhsuk-error-summary");
if (summary) {
  summary.focus();
}
