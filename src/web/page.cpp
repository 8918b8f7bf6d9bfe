#include "web/page.hpp"

namespace declouder {
namespace {

// What the page shows, for whom: docs/web.md. Each chart's canvas carries data-points (how
// many points it drew) and data-last (the newest value, as shown) once Chart.js has drawn it,
// and <body data-ready="1"> when everything is loaded: what a person sees, in a form the
// browser test (tests/cli/web_browser.sh) can compare with the database.
constexpr std::string_view kPage = R"page(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>declouder</title>
<style>
 body { font-family: system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d232b; }
 header { background: #22303c; color: #fff; padding: .6em 1em; display: flex; gap: 1em; align-items: center; flex-wrap: wrap; }
 header h1 { font-size: 1.2em; margin: 0; }
 nav button, .ranges button { border: 0; border-radius: 4px; padding: .35em .8em; cursor: pointer; background: #dde3ea; }
 nav button.on, .ranges button.on { background: #2f7de1; color: #fff; }
 main { padding: 1em; max-width: 1200px; margin: auto; }
 section { background: #fff; border-radius: 6px; padding: 1em; margin-bottom: 1em; box-shadow: 0 1px 2px #0002; }
 .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 1em; }
 .chart h3 { font-size: .95em; margin: .2em 0; }
 .chart { position: relative; height: 220px; padding-bottom: 1.6em; }
 table { border-collapse: collapse; width: 100%; font-size: .9em; }
 th, td { text-align: left; padding: .25em .5em; border-bottom: 1px solid #e4e7eb; }
 td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
 .latest { font-size: 1.4em; }
 .muted { color: #6b7785; }
 #status { color: #b3261e; }
 .scroll { max-height: 420px; overflow: auto; }
</style>
</head>
<body>
<header><h1>declouder</h1><nav id="people"></nav><span id="status"></span></header>
<main>
 <section id="person" hidden>
  <div class="latest"><span id="person-name"></span>: <b id="latest-weight"></b> <span class="muted" id="latest-when"></span></div>
  <div class="ranges" id="ranges">
   <button data-range="7">week</button><button data-range="31">month</button><button data-range="365">year</button><button data-range="0">all</button>
   <span class="muted" id="range-note"></span>
  </div>
  <div class="charts" id="charts"></div>
  <h2>Measurements</h2>
  <div class="scroll"><table id="table"><thead></thead><tbody></tbody></table></div>
 </section>
 <section><h2>Unassigned weighings</h2>
  <p class="muted">Weighings nobody could be matched to: assign each to a person, or delete it (same rules as <code>declouder assign</code>).</p>
  <table id="unassigned"><thead><tr><th>id</th><th>measured at</th><th class="n">weight</th><th>scale</th><th>why</th><th></th></tr></thead><tbody></tbody></table>
 </section>
 <section><h2>Devices heard</h2>
  <table id="devices"><thead><tr><th>kind</th><th>device</th><th>address</th><th>name</th><th>last heard</th><th class="n">battery</th><th class="n">readings</th><th class="n">weighings</th></tr></thead><tbody></tbody></table>
 </section>
 <section id="band" hidden><h2>Mi Band</h2><div class="charts" id="band-charts"></div></section>
 <section id="armband" hidden><h2>BodyBugg armband</h2>
  <label>channel <select id="armband-channel"></select></label>
  <div class="charts" id="armband-charts"></div>
 </section>
</main>
<script src="/assets/chart.js"></script>
<script>
"use strict";
const METRICS = [
  ["weight", "Weight", null, 2], ["bmi", "BMI", "", 1], ["fat_percent", "Body fat", "%", 1],
  ["water_percent", "Water", "%", 1], ["muscle_kg", "Muscle", "kg", 2], ["bone_kg", "Bone", "kg", 2],
  ["visceral_fat", "Visceral fat", "", 1]];
const state = { people: [], person: null, data: [], range: 31, charts: [] };
const $ = (id) => document.getElementById(id);
const day = (ms) => new Date(ms).toISOString().slice(0, 10);
const when = (iso) => iso.replace("T", " ").replace("Z", " UTC");
function status(text) { $("status").textContent = text || ""; }
async function api(path, options) {
  const r = await fetch(path, options);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.status);
  return body;
}
function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
function fmt(v, d) { return v === null || v === undefined ? "" : Number(v).toFixed(d); }

// Marks a canvas once Chart.js has drawn it: how many points, and the newest value shown.
const drawnMark = { id: "drawnMark", afterRender(chart) {
  const pts = chart.data.datasets[0].data;
  chart.canvas.dataset.points = pts.length;
  chart.canvas.dataset.last = pts.length ? chart.canvas.lastText(pts[pts.length - 1].y) : "";
  chart.canvas.dataset.drawn = "1";
  // Since navigation started: what bench/web_times.sh reports as "time to the first chart".
  if (!document.body.dataset.firstChartMs) document.body.dataset.firstChartMs = Math.round(performance.now());
} };

function lineChart(parent, title, points, opts) {
  const box = el("div", undefined, "chart");
  box.appendChild(el("h3", title));
  const canvas = el("canvas");
  canvas.dataset.metric = opts.key || title;
  box.appendChild(canvas);
  parent.appendChild(box);
  if (typeof Chart === "undefined") { status("Chart.js is missing (apt install libjs-chart.js): tables only"); return; }
  const datasets = [{ label: title, data: points, borderColor: opts.color || "#2f7de1", backgroundColor: opts.color || "#2f7de1",
    pointRadius: points.length > 120 ? 0 : 2, borderWidth: 1.5, tension: 0.2, type: opts.bar ? "bar" : "line" }];
  if (opts.goal !== undefined && opts.goal !== null && points.length)
    datasets.push({ label: "goal", data: [{ x: points[0].x, y: opts.goal }, { x: points[points.length - 1].x, y: opts.goal }],
      borderColor: "#2e9d57", borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 });
  canvas.lastText = (y) => fmt(y, opts.decimals);  // not in the options: Chart.js would call it as a scriptable option
  const chart = new Chart(canvas, {
    type: opts.bar ? "bar" : "line", data: { datasets }, plugins: [drawnMark],
    options: { animation: false, maintainAspectRatio: false, parsing: false, normalized: true,
      plugins: { legend: { display: datasets.length > 1 },
        tooltip: { callbacks: { title: (items) => new Date(items[0].parsed.x).toISOString().slice(0, 16).replace("T", " "),
                                label: (item) => fmt(item.parsed.y, opts.decimals) + (opts.unit ? " " + opts.unit : "") } } },
      scales: { x: { type: "linear", ticks: { maxTicksLimit: 4, callback: (v) => day(v) } },
                y: { title: { display: !!opts.unit, text: opts.unit } } } } });
  state.charts.push(chart);
}

function showPeople() {
  const nav = $("people");
  nav.replaceChildren();
  for (const p of state.people) {
    const b = el("button", p.name);
    b.dataset.person = p.id;
    b.onclick = () => selectPerson(p.id);
    nav.appendChild(b);
  }
}

async function selectPerson(id) {
  state.person = state.people.find((p) => p.id === id);
  for (const b of $("people").children) b.classList.toggle("on", b.dataset.person === id);
  state.data = await api("/api/measurements?person=" + encodeURIComponent(id));
  $("person").hidden = false;
  drawPerson();
}

function drawPerson() {
  const p = state.person, data = state.data;
  for (const c of state.charts) c.destroy();
  state.charts = [];
  $("person-name").textContent = p.name;
  const latest = data.length ? data[data.length - 1] : null;
  $("latest-weight").textContent = latest ? fmt(latest.weight, 2) + " " + latest.unit : "no weighings yet";
  $("latest-when").textContent = latest ? when(latest.time) : "";
  for (const b of $("ranges").querySelectorAll("button")) b.classList.toggle("on", Number(b.dataset.range) === state.range);
  const end = latest ? Date.parse(latest.measured_at) : Date.now();
  const start = state.range ? end - state.range * 86400000 : -Infinity;
  const shown = data.filter((m) => Date.parse(m.measured_at) > start);
  $("range-note").textContent = shown.length + " of " + data.length + " weighings";
  const charts = $("charts");
  charts.replaceChildren();
  for (const [key, label, unit, decimals] of METRICS) {
    const pts = shown.filter((m) => m[key] !== undefined && m[key] !== null).map((m) => ({ x: Date.parse(m.measured_at), y: m[key] }));
    if (key !== "weight" && !pts.length) continue;
    lineChart(charts, label + (key === "weight" ? " (" + p.unit + ")" : ""), pts,
      { key, unit: unit === null ? p.unit : unit, decimals, goal: key === "weight" ? p.goal_weight : undefined });
  }
  const head = $("table").tHead, body = $("table").tBodies[0];
  head.replaceChildren();
  const hr = el("tr");
  for (const h of ["id", "measured at", "weight (" + p.unit + ")", "BMI", "fat %", "water %", "muscle kg", "bone kg", "visceral", "scale", ""])
    hr.appendChild(el("th", h, h === "id" || h === "measured at" || h === "scale" ? "" : "n"));
  head.appendChild(hr);
  body.replaceChildren();
  for (const m of shown.slice().reverse()) {
    const tr = el("tr");
    tr.dataset.id = m.id;
    tr.appendChild(el("td", m.id));
    tr.appendChild(el("td", when(m.time)));
    for (const [k, d] of [["weight", 2], ["bmi", 1], ["fat_percent", 1], ["water_percent", 1], ["muscle_kg", 2], ["bone_kg", 2], ["visceral_fat", 1]])
      tr.appendChild(el("td", fmt(m[k], d), "n"));
    tr.appendChild(el("td", m.model));
    const td = el("td");
    td.appendChild(assignControls(m, true));
    tr.appendChild(td);
    body.appendChild(tr);
  }
}

// A person menu with "assign" and a "delete" button; for a person's own table the menu
// re-assigns (or unassigns).
function assignControls(m, reassign) {
  const span = el("span");
  const select = el("select");
  select.appendChild(new Option(reassign ? "move to..." : "person...", ""));
  for (const p of state.people) if (!reassign || p.name !== m.person) select.appendChild(new Option(p.name, p.id));
  if (reassign) select.appendChild(new Option("(unassigned)", "-"));
  const go = el("button", reassign ? "re-assign" : "assign");
  go.onclick = async () => {
    if (!select.value) return;
    try {
      await api("/api/measurements/" + m.id + "/assign", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ person: select.value === "-" ? null : select.value }) });
      await reload();
    } catch (e) { status(e.message); }
  };
  const del = el("button", "delete");
  del.onclick = async () => {
    if (!confirm("Delete measurement " + m.id + " (" + fmt(m.weight, 2) + " " + m.unit + ", " + when(m.time) + ")?")) return;
    try { await api("/api/measurements/" + m.id, { method: "DELETE" }); await reload(); } catch (e) { status(e.message); }
  };
  span.append(select, " ", go, " ", del);
  return span;
}

async function showUnassigned() {
  const body = $("unassigned").tBodies[0];
  body.replaceChildren();
  const list = await api("/api/unassigned");
  if (!list.length) { const tr = el("tr"); const td = el("td", "none", "muted"); td.colSpan = 6; tr.appendChild(td); body.appendChild(tr); }
  for (const m of list) {
    const tr = el("tr");
    tr.dataset.id = m.id;
    for (const [t, c] of [[m.id], [when(m.time)], [fmt(m.weight, 2) + " " + m.unit, "n"], [m.model], [m.assigned_by, "muted"]]) tr.appendChild(el("td", t, c));
    const td = el("td");
    td.appendChild(assignControls(m, false));
    tr.appendChild(td);
    body.appendChild(tr);
  }
}

async function showDevices() {
  const body = $("devices").tBodies[0];
  body.replaceChildren();
  for (const d of await api("/api/devices")) {
    const tr = el("tr");
    for (const [t, c] of [[d.kind], [d.family], [d.address], [d.name || ""], [when(d.last_seen)],
                          [d.battery_percent === null ? "" : d.battery_percent + " %", "n"], [d.readings, "n"], [d.measurements, "n"]])
      tr.appendChild(el("td", t, c));
    body.appendChild(tr);
  }
}

async function showBand() {
  const { bands } = await api("/api/band");
  const box = $("band-charts");
  box.replaceChildren();
  $("band").hidden = !bands.length;
  for (const b of bands) {
    lineChart(box, "Steps per day, " + b.address, b.steps_per_day.map((d) => ({ x: Date.parse(d.date + "T12:00:00Z"), y: d.steps })),
      { key: "steps", bar: true, decimals: 0, color: "#e1892f" });
    if (b.heart_rate.length)
      lineChart(box, "Heart rate, " + b.address, b.heart_rate.map(([t, v]) => ({ x: Date.parse(t + ":00Z"), y: v })),
        { key: "heart_rate", unit: "bpm", decimals: 0, color: "#c62f4b" });
  }
}

async function showArmband() {
  const { channels } = await api("/api/armband");
  $("armband").hidden = !channels.length;
  if (!channels.length) return;
  const select = $("armband-channel");
  select.replaceChildren(...channels.map((c) => new Option(c, c)));
  const draw = async () => {
    const d = await api("/api/armband?channel=" + encodeURIComponent(select.value));
    const box = $("armband-charts");
    box.replaceChildren();
    const calibrated = d.unit !== null;
    lineChart(box, d.channel + (calibrated ? " (" + d.unit + ")" : " (raw counts)"),
      d.samples.filter((s) => s[1] !== null).map((s) => ({ x: s[0], y: calibrated ? s[2] : s[1] })),
      { key: "armband", unit: calibrated ? d.unit : "", decimals: calibrated ? 2 : 0, color: "#7a3fc4" });
  };
  select.onchange = draw;
  await draw();
}

async function reload() {
  state.people = await api("/api/people");
  showPeople();
  await showUnassigned();
  if (state.person) await selectPerson(state.person.id);
}

async function main() {
  for (const b of $("ranges").querySelectorAll("button")) b.onclick = () => { state.range = Number(b.dataset.range); drawPerson(); };
  try {
    state.people = await api("/api/people");
    showPeople();
    const wanted = new URLSearchParams(location.search).get("person");
    const first = state.people.find((p) => p.id === wanted) || state.people.find((p) => p.measurements > 0) || state.people[0];
    const r = Number(new URLSearchParams(location.search).get("range"));
    if (!Number.isNaN(r) && new URLSearchParams(location.search).has("range")) state.range = r;
    if (first) await selectPerson(first.id);
    await Promise.all([showUnassigned(), showDevices(), showBand(), showArmband()]);
  } catch (e) { status(e.message); }
  document.body.dataset.ready = "1";
}
main();
</script>
</body>
</html>
)page";

}  // namespace

std::string_view web_page_html() { return kPage; }

}  // namespace declouder
