// Helpers both live pages use. Everything shown is built with textContent: nothing from the API is parsed as HTML.
"use strict";

/** An element with attributes (class, data-*, …) and children (nodes or text). */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replaces a table's content: columns are [title, value-of-row, "num"?]. */
function fillTable(table, columns, rows, empty) {
  const head = el("thead", {}, el("tr", {}, columns.map(([title, , kind]) => el("th", { class: kind }, title))));
  const body = el("tbody", {}, rows.length === 0
    ? el("tr", {}, el("td", { colspan: columns.length, class: "muted" }, empty || "none"))
    : rows.map(row => el("tr", {}, columns.map(([, value, kind]) => el("td", { class: kind }, value(row))))));
  table.replaceChildren(head, body);
}

async function fetchJson(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

function setConnection(text, state) {
  const badge = document.getElementById("connection");
  badge.textContent = text;
  badge.className = "badge " + (state || "");
}

function periodName(period) {
  if (!period) return "";
  return period <= 4 ? `Q${period}` : `OT${period - 4}`;
}

function timeOf(iso) {
  const at = new Date(iso);
  return isNaN(at) ? "" : at.toLocaleTimeString();
}
