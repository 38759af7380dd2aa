// GET /ops: the operator's read-only view. Reads GET /api/ops/overview and GET /api/deadletters every two seconds;
// it sends nothing that changes the system.
"use strict";

const REFRESH_MS = 2000;

function renderChart(points) {
  const svg = document.getElementById("rate-chart");
  const ns = "http://www.w3.org/2000/svg";
  const width = 600, height = 120, slots = 300;
  const max = Math.max(10, ...points);
  const grid = [0.25, 0.5, 0.75].map(f => {
    const line = document.createElementNS(ns, "line");
    line.setAttribute("x1", 0); line.setAttribute("x2", width);
    line.setAttribute("y1", height * f); line.setAttribute("y2", height * f);
    return line;
  });
  const line = document.createElementNS(ns, "polyline");
  const offset = slots - points.length;
  line.setAttribute("points", points.map((value, i) =>
    `${((offset + i) / (slots - 1) * width).toFixed(1)},${(height - value / max * (height - 4)).toFixed(1)}`).join(" "));
  svg.replaceChildren(...grid, line);
  const last = points.length ? points[points.length - 1] : 0;
  const recent = points.slice(-60);
  const average = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : 0;
  document.getElementById("rate-summary").textContent =
    `now ${last.toFixed(0)}/s · last minute ${average.toFixed(0)}/s on average · peak ${Math.max(0, ...points).toFixed(0)}/s (top of the chart: ${max.toFixed(0)}/s)`;
}

function render(overview, deadLetters) {
  document.getElementById("node").textContent = overview.node;
  fillTable(document.getElementById("members"), [
    ["address", m => m.address], ["status", m => m.status + (m.unreachable ? " (unreachable)" : "")],
    ["roles", m => m.roles.join(", ")], ["version", m => m.appVersion],
  ], overview.members, "no members");

  const ingress = overview.ingress;
  document.getElementById("stream").textContent = `of ${ingress.stream}` +
    (ingress.unanswered.length ? ` · no answer from ${ingress.unanswered.join(", ")} (partial)` : "");
  fillTable(document.getElementById("shards"), [
    ["shard", s => el("span", { class: "shard-id", "data-shard-id": s.shardId }, s.shardId)],
    ["owner", s => (s.owner ?? "none") + (s.reading ? "" : " (not reading)")],
    ["checkpoint", s => s.shardEnd ? "SHARD_END" : (s.checkpoint ?? "none")],
    ["millisBehindLatest", s => el("span", { class: "lag" }, s.millisBehindLatest === null ? "-" : `${s.millisBehindLatest} ms`), "num"],
    ["records/s", s => s.recordsPerSecond === null ? "-" : s.recordsPerSecond.toFixed(1), "num"],
  ], ingress.shards, "no shards known yet");

  renderChart(overview.eventsPerSecond);

  fillTable(document.getElementById("dead-letter-reasons"), [["reason", ([reason]) => reason], ["count", ([, n]) => n, "num"]],
    Object.entries(overview.deadLettersByReason).sort((a, b) => b[1] - a[1]), "no dead letters");
  fillTable(document.getElementById("dead-letters"), [
    ["received", d => timeOf(d.receivedAt)], ["reason", d => d.reason], ["shard", d => d.shardId],
    ["aggregate", d => d.aggregateId ?? d.partitionKey], ["message", d => d.message],
  ], deadLetters, "no dead letters");

  const rows = overview.entities.flatMap(report => report.regions.map(region => ({ type: report.typeName, ...region })));
  fillTable(document.getElementById("entities"), [
    ["type", r => r.type], ["member", r => r.member + (r.coordinator ? " (coordinator)" : "")],
    ["shards", r => r.shards ?? "-", "num"], ["entities", r => r.entities ?? (r.error || "-"), "num"],
  ], rows, "no regions");
}

async function refresh() {
  try {
    const [overview, deadLetters] = await Promise.all([fetchJson("/api/ops/overview"), fetchJson("/api/deadletters?limit=10")]);
    render(overview, deadLetters);
    setConnection(`updated ${new Date().toLocaleTimeString()}`, "live");
  } catch (error) {
    console.warn("ops page:", error.message);
    setConnection("node not answering", "down");
  } finally {
    setTimeout(refresh, REFRESH_MS);
  }
}

refresh();
