// Albatross's own script: what htmx does not do by itself.
//
// An error answer that htmx would drop is shown instead. The server sends a
// failed fragment request's message to the page's #request-error region
// (HX-Retarget), and a boosted form's error as the whole page, as a browser
// would show it; htmx swaps only the answers its responseHandling config
// lists (2xx, 3xx, 409, 422), so the others need this nudge.
document.addEventListener("htmx:beforeSwap", (e) => {
  const d = e.detail;
  if (d.shouldSwap || d.xhr.status < 400) {
    return;
  }
  if (d.boosted || d.xhr.getResponseHeader("HX-Retarget") === "#request-error") {
    d.shouldSwap = true;
    d.isError = false;
  }
});
