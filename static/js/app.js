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

// A form that came back with errors gets a summary at its top: one link per
// field in error, named by its label, that moves the focus to the field.
// The focus goes to the summary, so a screen reader reads it first and a
// keyboard user tabs on from it through the links (WCAG 3.3.1). The server
// marks the fields (aria-invalid) and writes each message beside its field.
function summarizeErrors(root) {
  const invalid = root.querySelectorAll('form [aria-invalid="true"]');
  if (invalid.length === 0) {
    return;
  }
  const form = invalid[0].closest("form");
  if (form.querySelector(":scope > .error-summary")) {
    return;
  }
  const box = document.createElement("div");
  box.className = "error-summary mb-4 rounded border-2 border-red-700 bg-red-50 p-3 text-red-900";
  box.setAttribute("tabindex", "-1");
  box.setAttribute("data-testid", "error-summary");
  box.setAttribute("aria-labelledby", "error-summary-heading");
  const heading = document.createElement("h2");
  heading.id = "error-summary-heading";
  heading.className = "font-semibold";
  const fields = [...form.querySelectorAll('[aria-invalid="true"]')];
  heading.textContent = fields.length === 1 ? "1 field needs a change:" : fields.length + " fields need a change:";
  const list = document.createElement("ul");
  list.className = "mt-1 list-disc pl-5";
  for (const field of fields) {
    const label = field.id ? form.querySelector('label[for="' + CSS.escape(field.id) + '"]') : null;
    const message = document.getElementById(field.getAttribute("aria-describedby") || "");
    const link = document.createElement("a");
    link.href = "#" + field.id;
    link.className = "underline";
    link.textContent = (label ? label.textContent.trim() + ": " : "") + (message ? message.textContent.trim() : "");
    link.addEventListener("click", (e) => {
      e.preventDefault();
      field.focus();
    });
    const item = document.createElement("li");
    item.append(link);
    list.append(item);
  }
  box.append(heading, list);
  form.prepend(box);
  box.focus();
}
document.addEventListener("DOMContentLoaded", () => summarizeErrors(document));
document.addEventListener("htmx:afterSettle", (e) => summarizeErrors(e.detail.elt));
