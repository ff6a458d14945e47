// "In trang này": a button that opens the browser's print dialog. Shown only when JavaScript
// runs (without it, the browser's own Print menu does the same). No inline handler: the
// Content-Security-Policy allows scripts from our own files only.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
