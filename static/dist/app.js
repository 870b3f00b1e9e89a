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

// The airport search boxes are ARIA combobox widgets: in the input, Down and
// Up move through the listed airports (aria-activedescendant), Enter picks
// the one moved to (or the only one) instead of submitting the form, and
// Escape closes the list. Picking swaps the box for its picked state, and
// the focus comes back to the new box's input instead of the page's top.
function comboboxParts(input) {
  const box = input.closest('[data-testid="airport-search"]');
  const results = box && document.getElementById(box.id + "-results");
  return { box, results, options: results ? [...results.querySelectorAll('[role="option"]')] : [] };
}
function moveTo(input, options, i) {
  options.forEach((o, j) => o.setAttribute("aria-selected", String(j === i)));
  if (i < 0) {
    input.removeAttribute("aria-activedescendant");
    return;
  }
  input.setAttribute("aria-activedescendant", options[i].id);
  options[i].scrollIntoView({ block: "nearest" });
}
let refocusBox = "";
document.addEventListener("keydown", (e) => {
  const input = e.target;
  if (!(input instanceof HTMLInputElement) || input.getAttribute("role") !== "combobox") {
    return;
  }
  const { box, results, options } = comboboxParts(input);
  if (!box || options.length === 0) {
    return; // no list open: Enter submits what was typed, as a search box does
  }
  const current = options.findIndex((o) => o.getAttribute("aria-selected") === "true");
  switch (e.key) {
    case "ArrowDown":
      e.preventDefault();
      moveTo(input, options, (current + 1) % options.length);
      break;
    case "ArrowUp":
      e.preventDefault();
      moveTo(input, options, current <= 0 ? options.length - 1 : current - 1);
      break;
    case "Enter":
      e.preventDefault();
      if (current >= 0 || options.length === 1) {
        refocusBox = box.id;
        htmx.trigger(options[Math.max(current, 0)], "click");
      } else {
        moveTo(input, options, 0); // several and none chosen: show the first
      }
      break;
    case "Escape":
      e.preventDefault();
      closeList(input, results);
      break;
  }
});
// closeList closes a box's list until its text changes again: a search
// still on its way (typing slower than the box's delay sends several) is
// dropped rather than opening the list again.
function closeList(input, results) {
  input.dataset.listClosed = "true";
  htmx.trigger(input, "htmx:abort");
  results.replaceChildren();
  input.setAttribute("aria-expanded", "false");
  input.removeAttribute("aria-activedescendant");
}
document.addEventListener("input", (e) => {
  if (e.target instanceof HTMLInputElement && e.target.getAttribute("role") === "combobox") {
    delete e.target.dataset.listClosed;
  }
});
document.addEventListener("htmx:beforeSwap", (e) => {
  const target = e.detail.target;
  if (target && target.id && target.id.endsWith("-results")) {
    const input = document.getElementById(target.id.slice(0, -"-results".length) + "-input");
    if (input && input.dataset.listClosed) {
      e.detail.shouldSwap = false;
    }
  }
});
document.addEventListener("click", (e) => {
  const option = e.target instanceof Element && e.target.closest('[data-testid="airport-option"]');
  const box = option && option.closest('[data-testid="airport-search"]');
  if (box) {
    refocusBox = box.id;
  }
});
document.addEventListener("htmx:afterSettle", (e) => {
  const target = e.detail.target;
  // New results: the input says whether a list is open, and no option is
  // chosen yet.
  if (target && target.id && target.id.endsWith("-results")) {
    // (an outerHTML swap: the target is the element swapped out)
    const results = document.getElementById(target.id);
    const input = document.getElementById(target.id.slice(0, -"-results".length) + "-input");
    if (input && results) {
      input.setAttribute("aria-expanded", String(results.querySelector('[role="option"]') !== null));
      input.removeAttribute("aria-activedescendant");
    }
  }
});
// The picked box's new input takes the focus as soon as it is in the page
// (at the swap, not the later settle), so a Tab pressed right after a pick
// goes on from the box rather than from the top of the page.
document.addEventListener("htmx:afterSwap", () => {
  if (refocusBox) {
    const input = document.getElementById(refocusBox + "-input");
    refocusBox = "";
    if (input) {
      input.focus();
    }
  }
});

// A "select all" box (data-select-all names the form its boxes belong to)
// ticks or clears every row's box, and shows whether all, some or none are.
document.addEventListener("change", (e) => {
  const box = e.target;
  if (!(box instanceof HTMLInputElement)) {
    return;
  }
  if (box.dataset.selectAll) {
    for (const row of document.querySelectorAll('input[type="checkbox"][form="' + CSS.escape(box.dataset.selectAll) + '"]')) {
      row.checked = box.checked;
    }
    return;
  }
  const form = box.getAttribute("form");
  const all = form && document.querySelector('[data-select-all="' + CSS.escape(form) + '"]');
  if (all) {
    const rows = [...document.querySelectorAll('input[type="checkbox"][form="' + CSS.escape(form) + '"]')];
    const ticked = rows.filter((r) => r.checked).length;
    all.checked = ticked === rows.length;
    all.indeterminate = ticked > 0 && ticked < rows.length;
  }
});

// A copy button (data-copy names the element whose text it copies) puts the
// text on the clipboard and says so, for sighted and screen reader users.
document.addEventListener("click", async (e) => {
  const button = e.target instanceof Element && e.target.closest("[data-copy]");
  if (!button) {
    return;
  }
  const source = document.getElementById(button.dataset.copy);
  if (!source) {
    return;
  }
  let box = button.parentElement;
  while (box && !box.querySelector("[data-copied]")) {
    box = box.parentElement;
  }
  const status = box && box.querySelector("[data-copied]");
  try {
    await navigator.clipboard.writeText(source.textContent.trim());
    if (status) {
      status.textContent = "Copied.";
    }
    button.textContent = "Copied";
  } catch {
    if (status) {
      status.textContent = "Copying is not allowed here: select the text and copy it.";
    }
  }
});

// A disclosure button (data-disclosure) shows or hides the element its
// aria-controls names, as the airline's tab menu on a phone. Escape closes
// it again and gives the focus back to its button.
document.addEventListener("click", (e) => {
  const button = e.target instanceof Element && e.target.closest("[data-disclosure]");
  const list = button && document.getElementById(button.getAttribute("aria-controls"));
  if (list) {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    list.classList.toggle("hidden", !open);
  }
});
document.addEventListener("keydown", (e) => {
  if (e.key !== "Escape" || !(e.target instanceof Element)) {
    return;
  }
  for (const button of document.querySelectorAll('[data-disclosure][aria-expanded="true"]')) {
    const list = document.getElementById(button.getAttribute("aria-controls"));
    if (list && (button === e.target || list.contains(e.target))) {
      button.setAttribute("aria-expanded", "false");
      list.classList.add("hidden");
      button.focus();
    }
  }
});

// An address slug is suggested from the field its input names
// (data-slug-from, the airline's name): lower case, accents dropped, other
// characters as hyphens, at most 40, as the domain's slug rule takes them.
// Once the user types into the slug box it is theirs and is left alone.
function slugOf(text) {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
}
document.addEventListener("input", (e) => {
  const box = e.target;
  if (box.dataset && box.dataset.slugFrom !== undefined) {
    box.dataset.slugTyped = box.value === "" ? "" : "1";
    return;
  }
  if (!box.id) {
    return;
  }
  for (const slug of document.querySelectorAll('[data-slug-from="' + CSS.escape(box.id) + '"]')) {
    if (slug.dataset.slugTyped !== "1") {
      slug.value = slugOf(box.value);
    }
  }
});
