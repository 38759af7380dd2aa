// GET /: the scoreboard. The games come from GET /api/games and then live from GET /api/games/stream (one
// projection per change; the higher version wins, so the list and the stream may overlap in any order); the
// milestone ticker from /api/milestones and its stream; standings and leaders are read again every few seconds.
"use strict";

const games = new Map();          // gameId → projection
const changedAt = new Map();      // gameId → order of the last change seen, for "newest first"
let changes = 0;
let selected = null;
let renderPending = false;

const LIVE = new Set(["InProgress", "Halftime", "Suspended"]);
const STATUS_ORDER = { InProgress: 0, Halftime: 0, Suspended: 0, Scheduled: 1, Completed: 2, Cancelled: 3 };

function upsert(game) {
  const known = games.get(game.gameId);
  if (known && known.version >= game.version) return;
  games.set(game.gameId, game);
  changedAt.set(game.gameId, ++changes);
  if (!renderPending) {
    renderPending = true;
    requestAnimationFrame(() => { renderPending = false; renderGames(); });
  }
  if (selected === game.gameId) scheduleDetail();
  if (known && known.status !== "Completed" && game.status === "Completed") scheduleLeague();
}

function topScorers(game, count) {
  return Object.entries(game.players || {})
    .sort((a, b) => b[1].points - a[1].points || a[0].localeCompare(b[0]))
    .slice(0, count);
}

function card(game) {
  const home = game.score[game.homeTeamId] ?? 0;
  const away = game.score[game.awayTeamId] ?? 0;
  const period = game.periods.length ? game.periods[game.periods.length - 1].period : null;
  const row = (side, teamId, points, other) => el("div", { class: `team-row ${side}${points > other ? " leading" : ""}` },
    el("span", { class: "team", "data-team-id": teamId }, teamId),
    el("span", { class: `score ${side}` }, String(points)));
  const scorers = topScorers(game, 2).map(([id, line]) => `${id} ${line.points}`).join(", ");
  return el("article", { class: "game", tabindex: 0, "data-game-id": game.gameId, "data-status": game.status, "data-version": game.version },
    el("div", { class: "top" },
      el("span", { class: "game-id" }, game.gameId),
      el("span", { class: `status ${game.status}` }, [game.status, LIVE.has(game.status) && period ? ` · ${periodName(period)}` : ""].join(""))),
    row("home", game.homeTeamId, home, away),
    row("away", game.awayTeamId, away, home),
    el("div", { class: "facts" },
      `lead changes ${game.leadChanges}`,
      game.largestLead ? ` · largest lead ${game.largestLead.points} (${game.largestLead.teamId})` : "",
      scorers ? el("div", { class: "scorers" }, `top: ${scorers}`) : null));
}

function renderGames() {
  const list = [...games.values()].sort((a, b) =>
    (STATUS_ORDER[a.status] ?? 9) - (STATUS_ORDER[b.status] ?? 9) || changedAt.get(b.gameId) - changedAt.get(a.gameId));
  document.getElementById("games").replaceChildren(...list.map(card));
  document.getElementById("no-games").hidden = list.length > 0;
}

// --- one game: box score and play-by-play -------------------------------------------------------------------
let detailTimer = null;
function scheduleDetail() {
  clearTimeout(detailTimer);
  detailTimer = setTimeout(showDetail, 150);
}

async function showDetail() {
  if (!selected) return;
  const gameId = selected;
  const [game, plays] = await Promise.all([
    fetchJson(`/api/games/${encodeURIComponent(gameId)}`),
    fetchJson(`/api/games/${encodeURIComponent(gameId)}/plays`),
  ]);
  if (selected !== gameId) return;
  const section = document.getElementById("detail");
  section.hidden = false;
  document.getElementById("detail-id").textContent = gameId;
  const home = game.score[game.homeTeamId] ?? 0, away = game.score[game.awayTeamId] ?? 0;
  document.getElementById("detail-summary").textContent =
    `${game.homeTeamId} ${home} – ${away} ${game.awayTeamId} · ${game.status} · ` +
    game.periods.map(p => `${periodName(p.period)} ${p.score[game.homeTeamId] ?? 0}-${p.score[game.awayTeamId] ?? 0}`).join(", ");
  const players = Object.entries(game.players).sort((a, b) => a[1].teamId.localeCompare(b[1].teamId) || b[1].points - a[1].points);
  fillTable(document.getElementById("box-score"), [
    ["player", ([id]) => id], ["team", ([, p]) => p.teamId], ["pts", ([, p]) => p.points, "num"],
    ["FT", ([, p]) => p.freeThrows, "num"], ["FG", ([, p]) => p.fieldGoals, "num"], ["3P", ([, p]) => p.threePointers, "num"],
  ], players, "no scores yet");
  fillTable(document.getElementById("plays"), [
    ["", p => periodName(p.period)], ["clock", p => p.gameTime], ["team", p => p.teamId], ["player", p => p.playerId],
    ["pts", p => `+${p.points}`, "num"], ["score", p => `${p.homeScore}-${p.awayScore}`, "num"],
  ], plays, "no plays yet");
}

function select(gameId) {
  selected = gameId;
  if (gameId) {
    history.replaceState(null, "", `#game=${encodeURIComponent(gameId)}`);
    showDetail().catch(reportError);
  } else {
    history.replaceState(null, "", location.pathname);
    document.getElementById("detail").hidden = true;
  }
}

// --- milestones ------------------------------------------------------------------------------------------------
const milestonesSeen = new Set();
function describe(m) {
  const subject = m.subject;
  switch (m.rule) {
    case "PlayerPointsInGame": return `${subject} reached ${m.threshold} points in ${m.gameId ?? m.aggregateId}`;
    case "TeamPoints": return `${subject} reached ${m.threshold} points in ${m.gameId ?? m.aggregateId}`;
    case "ScoringRun": return `${subject} on a ${m.value}-0 run in ${m.gameId ?? m.aggregateId}`;
    case "HotStreak": return `${subject} scored ${m.value} in 5 minutes in ${m.gameId ?? m.aggregateId}`;
    case "GameFinal": return `${m.aggregateId} is final`;
    case "CareerPoints": return `${subject} reached ${m.threshold} career points`;
    // A Player's milestone: its subject is the game of the record, the player is the aggregate.
    case "CareerHigh": return `${m.aggregateId} set a career high of ${m.value} in ${m.gameId ?? subject}`;
    default: return `${subject}: ${m.rule} ${m.threshold}`;
  }
}

function addMilestone(m, atTop) {
  const key = `${m.milestoneId}|${m.revoked}`;
  if (milestonesSeen.has(key)) return;
  milestonesSeen.add(key);
  const item = el("li", { class: m.revoked ? "revoked" : null, "data-milestone-id": m.milestoneId, "data-revoked": m.revoked },
    m.revoked ? el("strong", {}, "revoked: ") : null,
    el("span", { class: "what" }, describe(m)),
    el("span", { class: "when" }, timeOf(m.timestamp)));
  const ticker = document.getElementById("ticker");
  if (atTop) ticker.prepend(item); else ticker.append(item);
  while (ticker.children.length > 50) ticker.lastElementChild.remove();
}

// --- standings and leaders -------------------------------------------------------------------------------------
let leagueTimer = null;
function scheduleLeague() {
  clearTimeout(leagueTimer);
  leagueTimer = setTimeout(refreshLeague, 1500);
}

async function refreshLeague() {
  const [standings, leaders] = await Promise.all([fetchJson("/api/standings"), fetchJson("/api/leaders?limit=10")]);
  fillTable(document.getElementById("standings"), [
    ["team", s => s.teamId], ["W", s => s.wins, "num"], ["L", s => s.losses, "num"],
    ["PF", s => s.pointsFor, "num"], ["PA", s => s.pointsAgainst, "num"],
  ], standings, "no completed games yet");
  fillTable(document.getElementById("leaders"), [
    ["player", l => l.playerId], ["team", l => l.teamId], ["pts", l => l.points, "num"],
    ["games", l => l.gamesPlayed, "num"], ["ppg", l => l.pointsPerGame.toFixed(1), "num"],
  ], leaders, "no scorers yet");
}

// --- wiring ----------------------------------------------------------------------------------------------------
function reportError(error) {
  console.warn("live page:", error && error.message ? error.message : error);
}

function follow() {
  const stream = new EventSource("/api/games/stream");
  stream.addEventListener("open", () => {
    setConnection("live", "live");
    // After every (re)connect: the list fills in what the stream did not carry while it was away.
    fetchJson(`/api/games?limit=200`).then(list => list.forEach(upsert)).catch(reportError);
  });
  stream.addEventListener("game", event => upsert(JSON.parse(event.data)));
  stream.addEventListener("error", () => setConnection("reconnecting…", "down"));

  const milestones = new EventSource("/api/milestones/stream");
  milestones.addEventListener("open", () =>
    fetchJson("/api/milestones?limit=20").then(list => list.reverse().forEach(m => addMilestone(m, true))).catch(reportError));
  milestones.addEventListener("milestone", event => addMilestone(JSON.parse(event.data), true));
}

document.getElementById("games").addEventListener("click", event => {
  const target = event.target.closest(".game");
  if (target) select(target.dataset.gameId);
});
document.getElementById("games").addEventListener("keydown", event => {
  const target = event.target.closest(".game");
  if (target && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); select(target.dataset.gameId); }
});
document.getElementById("detail-close").addEventListener("click", () => select(null));

follow();
refreshLeague().catch(reportError);
setInterval(() => refreshLeague().catch(reportError), 5000);
const initial = /^#game=(.+)$/.exec(location.hash);
if (initial) select(decodeURIComponent(initial[1]));
