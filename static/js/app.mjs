// Starts the NHS.UK frontend components and moves focus to an error summary when a form fails.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

initAll();

const summary = document.querySelector(".nhsuk-error-summary");
if (summary) {
  summary.focus();
}

// Data entry (issue 15): a scrolling region marked data-app-scroll-end opens at its right-hand
// end, so the monthly data grid shows the latest months first.
document.querySelectorAll("[data-app-scroll-end]").forEach((region) => {
  region.scrollLeft = region.scrollWidth;
});
