// Marks the page as having JavaScript before anything paints, as the NHS.UK frontend expects.
// A static file (not an inline script) so the Content-Security-Policy needs no 'unsafe-inline'.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
