// sparkplane console: draws every page from the API, under /console/api,
// where the sign-in cookie stands in for SigV4. Every string from the API is
// put in the page as text (never as HTML). Views refresh themselves every
// few seconds while shown.
"use strict";

const CSRF = document.querySelector('meta[name="csrf"]').content;
const KEY = document.querySelector('meta[name="access-key"]').content;
const REFRESH_MS = 2000;
const RUN_STATES = ["SUBMITTED", "PENDING", "SCHEDULED", "RUNNING", "SUCCESS", "FAILED", "CANCELLING", "CANCELLED", "QUEUED"];
const FINAL = ["SUCCESS", "FAILED", "CANCELLED"];
const FINAL_COLOURS = { SUCCESS: "#067647", FAILED: "#b42318", CANCELLED: "#98a2b3" };

// ---- DOM and API helpers -------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const child of children.flat()) if (child) el.append(child);
  return el;
}

class ApiError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

async function api(method, path, body) {
  const init = { method, headers: {}, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (method !== "GET") init.headers["x-sparkplane-csrf"] = CSRF;
  const response = await fetch("/console/api" + path, init);
  const text = await response.text();
  let data = {};
  try { data = text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : { text }; }
  catch (e) { data = { text }; }
  if (!response.ok) {
    const type = response.headers.get("x-amzn-errortype") || "";
    throw new ApiError(response.status, type.split(":")[0], data.message || data.Message || text || response.statusText);
  }
  return { data, headers: response.headers };
}

const enc = encodeURIComponent;
const fmtTime = (t) => (t ? new Date(Number(t) * 1000).toLocaleString() : "–");
const uuid = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());

function errorBox(err) {
  return h("p", { class: "error", role: "alert" }, err.type ? `${err.type}: ${err.message}` : err.message);
}

function stateCell(state) {
  return h("span", { class: `state state-${state}` }, state);
}

function duration(run) {
  if (run.totalExecutionDurationSeconds !== undefined) return `${run.totalExecutionDurationSeconds} s`;
  if (run.startedAt) return `${Math.max(0, Math.round(Date.now() / 1000 - Number(run.startedAt)))} s so far`;
  return "–";
}

// A form whose submit calls `action(fields)`; the API's message shows under it.
function apiForm(id, fields, label, action) {
  const status = h("div", { class: "form-status" });
  const form = h("form", { class: "inline", id }, fields, h("button", { type: "submit" }, label), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.replaceChildren();
    const values = Object.fromEntries(new FormData(form).entries());
    try {
      const message = await action(values);
      status.replaceChildren(h("span", { class: "muted" }, message || "Done."));
      refresh();
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  });
  return form;
}

function field(name, text, attrs) {
  return h("label", {}, text, h("input", Object.assign({ name, id: name }, attrs || {})));
}

function select(name, text, options) {
  return h("label", {}, text, h("select", { name, id: name }, options.map((o) => h("option", { value: o }, o))));
}

// ---- charts --------------------------------------------------------------

let samples = { everySeconds: 10, samples: [] };

async function loadSamples() {
  try { samples = (await api("GET", "/sparkplane/v1/console/samples")).data; } catch (e) { /* charts stay as they were */ }
}

// Lines of (t, value) over the samples' span; `series` is [{name, colour, points}].
function lineChart(title, series, unit) {
  const width = 360, height = 140, pad = 24;
  const all = series.flatMap((s) => s.points);
  const t0 = Math.min(...all.map((p) => p[0])), t1 = Math.max(...all.map((p) => p[0]));
  const top = Math.max(1, ...all.map((p) => p[1]));
  const x = (t) => pad + ((t - t0) / Math.max(1, t1 - t0)) * (width - 2 * pad);
  const y = (v) => height - pad - (v / top) * (height - 2 * pad);
  const paths = series.filter((s) => s.points.length).flatMap((s) => [
    svg("polyline", { fill: "none", stroke: s.colour, "stroke-width": 2, points: s.points.map((p) => `${x(p[0])},${y(p[1])}`).join(" ") }),
    // The latest value as a dot, so a single sample shows too.
    svg("circle", { cx: x(s.points[s.points.length - 1][0]), cy: y(s.points[s.points.length - 1][1]), r: 3, fill: s.colour }),
  ]);
  const axis = [
    svg("line", { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, stroke: "#d0d5dd" }),
    svg("text", { x: 2, y: pad, "font-size": 10, fill: "#667085" }, document.createTextNode(`${top} ${unit}`)),
    svg("text", { x: 2, y: height - pad, "font-size": 10, fill: "#667085" }, document.createTextNode("0")),
  ];
  return h("div", { class: "chart", "data-chart": title }, h("strong", {}, title),
    all.length ? svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title }, axis, paths)
      : h("p", { class: "muted" }, "No samples yet."),
    h("div", { class: "legend" }, series.map((s) => legendItem(s.colour, s.name))));
}

function legendItem(colour, name) {
  return h("span", {}, svg("svg", { width: 10, height: 10 }, svg("rect", { width: 10, height: 10, fill: colour })), ` ${name}`);
}

// A run's total and billed usage, side by side per resource.
function usageChart(run) {
  const width = 360, height = 140, pad = 24;
  const total = run.totalResourceUtilization || {}, billed = run.billedResourceUtilization || {};
  const kinds = [["vCPU-h", "vCPUHour"], ["memory GB-h", "memoryGBHour"], ["storage GB-h", "storageGBHour"]];
  const top = Math.max(1e-9, ...kinds.flatMap(([, k]) => [Number(total[k] || 0), Number(billed[k] || 0)]));
  const w = (width - 2 * pad) / kinds.length;
  const bars = kinds.flatMap(([label, k], i) => {
    const bar = (value, offset, colour) => {
      const hgt = (Number(value || 0) / top) * (height - 2 * pad);
      return svg("rect", { x: pad + i * w + offset, y: height - pad - hgt, width: w / 2 - 6, height: Math.max(1, hgt), fill: colour });
    };
    return [bar(total[k], 2, "#2f5bd3"), bar(billed[k], w / 2, "#dc6803"),
      svg("text", { x: pad + i * w + 2, y: height - 6, "font-size": 10, fill: "#667085" }, document.createTextNode(label))];
  });
  return h("div", { class: "chart", "data-chart": "Usage" }, h("strong", {}, "Usage"),
    svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Usage" }, bars),
    h("div", { class: "legend" }, legendItem("#2f5bd3", "total"), legendItem("#dc6803", "billed")));
}

function barChart(title, buckets) {
  const width = 360, height = 140, pad = 24;
  const top = Math.max(1, ...buckets.map((b) => FINAL.reduce((n, s) => n + (b.counts[s] || 0), 0)));
  const w = (width - 2 * pad) / Math.max(1, buckets.length);
  const bars = [];
  buckets.forEach((b, i) => {
    let base = height - pad;
    for (const state of FINAL) {
      const v = b.counts[state] || 0;
      const hgt = (v / top) * (height - 2 * pad);
      if (v) bars.push(svg("rect", { x: pad + i * w + 2, y: base - hgt, width: Math.max(1, w - 4), height: hgt, fill: FINAL_COLOURS[state] }));
      base -= hgt;
    }
    bars.push(svg("text", { x: pad + i * w + 2, y: height - 6, "font-size": 10, fill: "#667085" }, document.createTextNode(b.label)));
  });
  return h("div", { class: "chart", "data-chart": title }, h("strong", {}, title),
    buckets.length ? svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title }, bars)
      : h("p", { class: "muted" }, "No runs ended yet."),
    h("div", { class: "legend" }, FINAL.map((s) => legendItem(FINAL_COLOURS[s], s))));
}

// Runs that ended per clock hour, by final state, from the cumulative counts.
function runsPerHour(appIds) {
  const byHour = new Map();
  const list = samples.samples;
  for (let i = 1; i < list.length; i++) {
    const hour = Math.floor(list[i].at / 3600) * 3600;
    const counts = byHour.get(hour) || {};
    for (const id of appIds) {
      const now = list[i].apps[id]?.ended || {}, before = list[i - 1].apps[id]?.ended || {};
      for (const s of FINAL) counts[s] = (counts[s] || 0) + Math.max(0, (now[s] || 0) - (before[s] || 0));
    }
    byHour.set(hour, counts);
  }
  return [...byHour.entries()].map(([hour, counts]) => ({ label: new Date(hour * 1000).getHours() + ":00", counts }));
}

function capacityCharts(appIds, names) {
  const label = (id) => (names && names[id] ? `${names[id]} (${id})` : id);
  const points = (id, key) => samples.samples.filter((s) => s.apps[id]).map((s) => [s.at, s.apps[id][key] || 0]);
  const charts = [];
  for (const id of appIds) {
    charts.push(lineChart(`vCPU · ${label(id)}`, [
      { name: "in use", colour: "#2f5bd3", points: points(id, "cpuInUse") },
      { name: "maximumCapacity", colour: "#b42318", points: points(id, "cpuMaximum") },
    ], "vCPU"));
    charts.push(lineChart(`Memory · ${label(id)}`, [
      { name: "in use", colour: "#2f5bd3", points: points(id, "memoryGbInUse") },
      { name: "maximumCapacity", colour: "#b42318", points: points(id, "memoryGbMaximum") },
    ], "GB"));
  }
  const queue = samples.samples.map((s) => [s.at, appIds.reduce((n, id) => n + (s.apps[id]?.queued || 0), 0)]);
  charts.push(lineChart("Queue depth", [{ name: "runs waiting", colour: "#dc6803", points: queue }], "runs"));
  charts.push(barChart("Runs per hour by final state", runsPerHour(appIds)));
  return h("div", { class: "charts", id: "charts" }, charts);
}

// ---- views ---------------------------------------------------------------

// A view: `render(main)` draws its static parts once; `update()` refreshes
// the live parts and is called every REFRESH_MS while the view is shown.
const views = [
  [/^#?\/?$/, applicationsView],
  [/^#\/apps\/([0-9a-z]+)$/, applicationView],
  [/^#\/apps\/([0-9a-z]+)\/runs\/([0-9a-z]+)$/, runView],
  [/^#\/catalog$/, catalogView],
  [/^#\/catalog\/([^/]+)$/, catalogView],
  [/^#\/catalog\/([^/]+)\/([^/]+)$/, catalogView],
  [/^#\/hosts$/, hostsView],
];

let current = null;
let timer = null;

function route() {
  const main = document.getElementById("view");
  for (const [pattern, make] of views) {
    const match = location.hash.match(pattern);
    if (match) {
      current = make(...match.slice(1).map(decodeURIComponent));
      main.replaceChildren();
      current.render(main);
      refresh();
      return;
    }
  }
  main.replaceChildren(h("p", { class: "error" }, "No such page."));
}

async function refresh() {
  if (!current) return;
  const shown = current;
  try { await shown.update(); }
  catch (err) { if (shown === current) shown.fail?.(err); }
}

function live(container) {
  // The live region of a view: replaced wholesale on each update.
  return {
    el: container,
    // replaceChildren would print a null as the text "null".
    set(...children) { container.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false)); },
    fail(err) { container.replaceChildren(errorBox(err)); },
  };
}

function applicationsView() {
  let table, charts;
  return {
    render(main) {
      table = live(h("div", { id: "applications" }));
      charts = live(h("div"));
      main.append(
        h("h1", {}, "Applications"), table.el,
        h("h2", {}, "Create an application"),
        apiForm("create-application", [
          field("name", "Name", { required: true, placeholder: "analytics" }),
          select("type", "Type", ["SPARK", "HIVE"]),
          field("releaseLabel", "Release label", { value: "emr-7.9.0", required: true }),
          field("cpu", "Maximum vCPU", { placeholder: "e.g. 8vCPU" }),
          field("memory", "Maximum memory", { placeholder: "e.g. 32GB" }),
          field("idleTimeoutMinutes", "Auto-stop after idle minutes", { type: "number", min: 1, value: 15 }),
        ], "Create", async (v) => {
          const body = { clientToken: uuid(), name: v.name, type: v.type, releaseLabel: v.releaseLabel };
          if (v.cpu || v.memory) body.maximumCapacity = { cpu: v.cpu, memory: v.memory };
          if (v.idleTimeoutMinutes) body.autoStopConfiguration = { enabled: true, idleTimeoutMinutes: Number(v.idleTimeoutMinutes) };
          const created = (await api("POST", "/applications", body)).data;
          return `Created ${created.applicationId}.`;
        }),
        h("h2", {}, "Capacity and runs over time"), charts.el);
    },
    async update() {
      const [list] = await Promise.all([api("GET", "/applications?maxResults=50"), loadSamples()]);
      const apps = await Promise.all(list.data.applications.map(async (a) => {
        try { return (await api("GET", `/applications/${a.id}`)).data.application; } catch (e) { return a; }
      }));
      const latest = samples.samples[samples.samples.length - 1]?.apps || {};
      const rows = apps.map((a) => {
        const id = a.applicationId || a.id;
        const s = latest[id] || {};
        const max = a.maximumCapacity;
        return h("tr", { "data-app": id },
          h("td", {}, a.name), h("td", {}, h("a", { href: `#/apps/${id}` }, id)), h("td", {}, a.type), h("td", {}, a.releaseLabel),
          h("td", {}, stateCell(a.state)),
          h("td", { class: "vcpu" }, `${s.cpuInUse ?? 0} / ${max ? max.cpu : "–"}`),
          h("td", {}, `${s.memoryGbInUse ?? 0} GB / ${max ? max.memory : "–"}`),
          h("td", {}, `${s.warmIdle ?? 0} idle, ${s.warmBusy ?? 0} busy`),
          h("td", {}, a.autoStartConfiguration?.enabled === false ? "off" : "on"),
          h("td", {}, a.autoStopConfiguration?.enabled === false ? "off" : `${a.autoStopConfiguration?.idleTimeoutMinutes ?? 15} min`),
          h("td", {}, appButtons(id, a.state)));
      });
      table.set(h("table", {},
        h("tr", {}, ["Name", "ID", "Type", "Release", "State", "vCPU in use / max", "Memory in use / max", "Warm workers", "Auto-start", "Auto-stop", ""].map((c) => h("th", {}, c))),
        rows.length ? rows : h("tr", {}, h("td", { colspan: 11, class: "muted" }, "No applications yet."))));
      const names = Object.fromEntries(apps.map((a) => [a.applicationId || a.id, a.name]));
      charts.set(capacityCharts(apps.map((a) => a.applicationId || a.id), names));
    },
    fail(err) { table.fail(err); },
  };
}

function appButtons(id, state) {
  const act = (what) => async () => {
    try { await api("POST", `/applications/${id}/${what}`); refresh(); }
    catch (err) { alertBox(err); }
  };
  return [
    ["CREATED", "STOPPED"].includes(state) && h("button", { class: "secondary", onclick: act("start"), "data-action": "start" }, "Start"),
    state === "STARTED" && h("button", { class: "secondary", onclick: act("stop"), "data-action": "stop" }, "Stop"),
  ];
}

function alertBox(err) {
  const main = document.getElementById("view");
  main.prepend(errorBox(err));
}

function applicationView(appId) {
  let header, runs, sessions, charts;
  const ended = new Map();
  const filter = { states: new Set(), after: "", before: "" };
  return {
    render(main) {
      header = live(h("div"));
      runs = live(h("div", { id: "runs" }));
      sessions = live(h("div", { id: "sessions" }));
      charts = live(h("div"));
      const stateBoxes = RUN_STATES.map((s) => h("label", { class: "check" },
        h("input", { type: "checkbox", value: s, onchange: (e) => { e.target.checked ? filter.states.add(s) : filter.states.delete(s); refresh(); } }), s));
      main.append(header.el,
        h("h2", {}, "Job runs"),
        h("div", { class: "inline filters" }, stateBoxes,
          h("label", {}, "Created after", h("input", { type: "datetime-local", id: "after", onchange: (e) => { filter.after = e.target.value; refresh(); } })),
          h("label", {}, "Created before", h("input", { type: "datetime-local", id: "before", onchange: (e) => { filter.before = e.target.value; refresh(); } }))),
        runs.el,
        h("h2", {}, "Start a job run"),
        apiForm("start-job-run", [
          field("runName", "Name", { placeholder: "nightly" }),
          field("executionRoleArn", "Execution role ARN", { required: true, size: 48 }),
          field("entryPoint", "Entry point (SPARK: script or JAR; HIVE: query file)", { required: true, size: 48 }),
          field("arguments", "Arguments (SPARK, space-separated)"),
          field("parameters", "Spark submit parameters / HIVE parameters"),
        ], "Start", async (v) => {
          const app = (await api("GET", `/applications/${appId}`)).data.application;
          const args = v.arguments ? v.arguments.split(/\s+/).filter(Boolean) : undefined;
          const jobDriver = app.type === "HIVE"
            ? { hive: { query: v.entryPoint, parameters: v.parameters || undefined } }
            : { sparkSubmit: { entryPoint: v.entryPoint, entryPointArguments: args, sparkSubmitParameters: v.parameters || undefined } };
          const body = { clientToken: uuid(), executionRoleArn: v.executionRoleArn, jobDriver };
          if (v.runName) body.name = v.runName;
          const started = (await api("POST", `/applications/${appId}/jobruns`, body)).data;
          return `Started ${started.jobRunId}.`;
        }),
        h("h2", {}, "Sessions"), sessions.el,
        h("h2", {}, "Capacity and runs over time"), charts.el);
    },
    async update() {
      const query = ["maxResults=50"];
      for (const s of filter.states) query.push(`states=${enc(s)}`);
      if (filter.after) query.push(`createdAtAfter=${enc(new Date(filter.after).toISOString())}`);
      if (filter.before) query.push(`createdAtBefore=${enc(new Date(filter.before).toISOString())}`);
      const [app, list] = await Promise.all([
        api("GET", `/applications/${appId}`), api("GET", `/applications/${appId}/jobruns?${query.join("&")}`), loadSamples()]);
      const a = app.data.application;
      header.set(h("h1", {}, `${a.name} `, h("span", { class: "muted" }, appId)),
        h("p", {}, stateCell(a.state), ` · ${a.type} · ${a.releaseLabel} `, appButtons(appId, a.state)),
        a.stateDetails ? h("p", { class: "muted" }, a.stateDetails) : null);
      // Duration and billed usage are GetJobRun's: fetched for live runs on
      // each refresh, once for ended ones (which no longer change).
      const full = await Promise.all(list.data.jobRuns.map(async (r) => {
        if (ended.has(r.id)) return ended.get(r.id);
        try {
          const run = (await api("GET", `/applications/${appId}/jobruns/${r.id}`)).data.jobRun;
          if (FINAL.includes(run.state)) ended.set(r.id, run);
          return run;
        } catch (e) { return r; }
      }));
      const rows = full.map((r) => {
        const id = r.jobRunId || r.id;
        return h("tr", { "data-run": id },
          h("td", {}, h("a", { href: `#/apps/${appId}/runs/${id}` }, id)), h("td", {}, r.name || ""),
          h("td", {}, stateCell(r.state)), h("td", {}, fmtTime(r.createdAt)), h("td", {}, duration(r)),
          h("td", { class: "billed" }, r.billedResourceUtilization ? `${r.billedResourceUtilization.vCPUHour} vCPU-h` : "–"),
          h("td", {}, r.stateDetails || ""),
          h("td", {}, ["SUCCESS", "FAILED", "CANCELLED", "CANCELLING"].includes(r.state) ? "" :
            h("button", { class: "secondary", "data-action": "cancel", onclick: async () => {
              try { await api("DELETE", `/applications/${appId}/jobruns/${id}`); refresh(); } catch (err) { alertBox(err); }
            } }, "Cancel")));
      });
      runs.set(h("table", {}, h("tr", {}, ["ID", "Name", "State", "Created", "Duration", "Billed", "Details", ""].map((c) => h("th", {}, c))),
        rows.length ? rows : h("tr", {}, h("td", { colspan: 8, class: "muted" }, "No job runs match."))));
      if (a.type === "SPARK") {
        try {
          const listed = (await api("GET", `/applications/${appId}/sessions?maxResults=50`)).data.sessions;
          sessions.set(listed.length ? h("table", {}, h("tr", {}, ["ID", "Name", "State", "Created"].map((c) => h("th", {}, c))),
            listed.map((s) => h("tr", {}, h("td", {}, s.sessionId), h("td", {}, s.name || ""), h("td", {}, stateCell(s.state)), h("td", {}, fmtTime(s.createdAt)))))
            : h("p", { class: "muted" }, "No sessions."));
        } catch (err) { sessions.fail(err); }
      } else {
        sessions.set(h("p", { class: "muted" }, "HIVE applications have no sessions."));
      }
      charts.set(capacityCharts([appId], { [appId]: a.name }));
    },
    fail(err) { runs.fail(err); },
  };
}

function runView(appId, runId) {
  let details, attempts, log, dashboard, executors;
  const tail = { stream: "stdout", offset: 0, finished: false };
  return {
    render(main) {
      details = live(h("div", { id: "run" }));
      attempts = live(h("div"));
      dashboard = h("p", {}, h("button", { class: "secondary", id: "open-dashboard", onclick: async () => {
        try {
          const url = (await api("GET", `/applications/${appId}/jobruns/${runId}/dashboard`)).data.url;
          dashboard.querySelector("a")?.remove();
          dashboard.append(" ", h("a", { href: url, target: "_blank", rel: "noopener", id: "dashboard-link" }, "Spark UI / history"));
        } catch (err) { dashboard.append(errorBox(err)); }
      } }, "Get the dashboard URL"));
      const logBox = h("pre", { id: "driver-log" });
      log = { el: logBox };
      const streams = h("select", { id: "stream", onchange: (e) => { tail.stream = e.target.value; tail.offset = 0; tail.finished = false; logBox.textContent = ""; refresh(); } },
        h("option", { value: "stdout" }, "stdout"), h("option", { value: "stderr" }, "stderr"));
      executors = live(h("div", { id: "executors" }));
      main.append(h("p", {}, h("a", { href: `#/apps/${appId}` }, "← application")), details.el, dashboard, executors.el,
        h("h2", {}, "Attempts"), attempts.el, h("h2", {}, "Driver log ", streams), logBox);
    },
    async update() {
      const run = (await api("GET", `/applications/${appId}/jobruns/${runId}`)).data.jobRun;
      const usage = (u) => (u ? `${u.vCPUHour} vCPU-h, ${u.memoryGBHour} GB-h, ${u.storageGBHour} storage GB-h` : "–");
      details.set(h("h1", {}, run.name || runId),
        h("dl", {},
          h("dt", {}, "State"), h("dd", { id: "run-state" }, stateCell(run.state)),
          h("dt", {}, "Details"), h("dd", {}, run.stateDetails || "–"),
          h("dt", {}, "Created"), h("dd", {}, fmtTime(run.createdAt)),
          h("dt", {}, "Updated"), h("dd", {}, fmtTime(run.updatedAt)),
          h("dt", {}, "Duration"), h("dd", {}, duration(run)),
          h("dt", {}, "Release"), h("dd", {}, run.releaseLabel),
          h("dt", {}, "Execution role"), h("dd", {}, run.executionRole),
          h("dt", {}, "Attempt"), h("dd", {}, run.attempt ?? 1),
          h("dt", {}, "Total usage"), h("dd", {}, usage(run.totalResourceUtilization)),
          h("dt", {}, "Billed usage"), h("dd", { id: "billed" }, usage(run.billedResourceUtilization)),
          h("dt", {}, "Job driver"), h("dd", {}, h("pre", {}, JSON.stringify(run.jobDriver, null, 2))),
          h("dt", {}, "Configuration"), h("dd", {}, h("pre", {}, JSON.stringify(run.configurationOverrides || {}, null, 2)))),
        run.totalResourceUtilization || run.billedResourceUtilization ? h("div", { class: "charts" }, usageChart(run)) : null,
        !FINAL.includes(run.state) && run.state !== "CANCELLING" ? h("button", { class: "secondary", "data-action": "cancel", onclick: async () => {
          try { await api("DELETE", `/applications/${appId}/jobruns/${runId}`); refresh(); } catch (err) { alertBox(err); }
        } }, "Cancel") : null);
      try {
        const points = (await api("GET", `/sparkplane/v1/console/samples?applicationId=${appId}&jobRunId=${runId}`)).data.executors;
        // Only elastic runs have executors of their own to chart.
        executors.set(points.length ? lineChart("Executors over time", [
          { name: "held", colour: "#2f5bd3", points: points.map((p) => [p.at, p.granted]) },
          { name: "wanted by Spark", colour: "#dc6803", points: points.map((p) => [p.at, p.wanted]) },
        ], "executors") : "");
      } catch (err) { executors.fail(err); }
      try {
        const list = (await api("GET", `/applications/${appId}/jobruns/${runId}/attempts`)).data.jobRunAttempts;
        attempts.set(h("table", {}, h("tr", {}, ["Attempt", "State", "Created", "Details"].map((c) => h("th", {}, c))),
          list.map((a) => h("tr", {}, h("td", {}, a.attempt), h("td", {}, stateCell(a.state)), h("td", {}, fmtTime(a.createdAt)), h("td", {}, a.stateDetails || "")))));
      } catch (err) { attempts.fail(err); }
      if (!tail.finished) {
        const stream = tail.stream;
        const got = await api("GET", `/sparkplane/v1/applications/${appId}/jobruns/${runId}/logs?stream=${stream}&offset=${tail.offset}`);
        if (stream === tail.stream) {
          const text = got.data.text || "";
          log.el.append(document.createTextNode(text));
          tail.offset += new TextEncoder().encode(text).length;
          tail.finished = got.headers.get("x-sparkplane-finished") === "true";
          if (text) log.el.scrollTop = log.el.scrollHeight;
        }
      }
    },
    fail(err) { details.fail(err); },
  };
}

function catalogView(database, table) {
  let body;
  return {
    render(main) {
      body = live(h("div", { id: "catalog" }));
      main.append(h("h1", {}, "Catalog"), body.el);
    },
    async update() {
      if (!database) {
        const dbs = (await api("GET", "/sparkplane/v1/catalog/databases")).data.databases;
        body.set(h("table", {}, h("tr", {}, h("th", {}, "Database"), h("th", {}, "Location")),
          dbs.map((d) => h("tr", {}, h("td", {}, h("a", { href: `#/catalog/${enc(d.name)}` }, d.name)), h("td", {}, d.location || "")))));
      } else if (!table) {
        const tables = (await api("GET", `/sparkplane/v1/catalog/databases/${enc(database)}/tables`)).data.tables;
        body.set(h("p", {}, h("a", { href: "#/catalog" }, "← databases"), ` · ${database}`),
          h("table", {}, h("tr", {}, ["Table", "Type", "Stored as", "Partition keys", "Partitions", "Location"].map((c) => h("th", {}, c))),
            tables.map((t) => h("tr", {}, h("td", {}, h("a", { href: `#/catalog/${enc(database)}/${enc(t.name)}` }, t.name)),
              h("td", {}, t.tableType), h("td", {}, t.storedAs), h("td", {}, t.partitionKeys.join(", ")), h("td", {}, t.partitionCount), h("td", {}, t.location)))));
      } else {
        const t = (await api("GET", `/sparkplane/v1/catalog/databases/${enc(database)}/tables/${enc(table)}`)).data.table;
        const cols = (list) => h("table", {}, h("tr", {}, h("th", {}, "Column"), h("th", {}, "Type"), h("th", {}, "Comment")),
          list.map((c) => h("tr", {}, h("td", {}, c.name), h("td", {}, c.type), h("td", {}, c.comment || ""))));
        body.set(h("p", {}, h("a", { href: `#/catalog/${enc(database)}` }, `← ${database}`)), h("h2", {}, `${database}.${t.name}`),
          h("p", { class: "muted" }, `${t.tableType} · ${t.storage.storedAs} · ${t.location}`),
          h("h2", {}, "Schema"), cols(t.columns), h("h2", {}, "Partition keys"), cols(t.partitionKeys),
          h("h2", {}, "Partitions"), h("table", {}, h("tr", {}, h("th", {}, "Partition"), h("th", {}, "Location")),
            t.partitions.map((p) => h("tr", {}, h("td", {}, p.name), h("td", {}, p.location)))));
      }
    },
    fail(err) { body.fail(err); },
  };
}

function hostsView() {
  let body;
  return {
    render(main) {
      body = live(h("div", { id: "hosts" }));
      main.append(h("h1", {}, "Hosts"), body.el);
    },
    async update() {
      const hosts = (await api("GET", "/sparkplane/v1/hosts")).data.hosts || [];
      const keys = hosts.length ? Object.keys(hosts[0]).filter((k) => typeof hosts[0][k] !== "object") : [];
      body.set(h("table", {}, h("tr", {}, keys.map((k) => h("th", {}, k))),
        hosts.map((host) => h("tr", {}, keys.map((k) => h("td", {}, host[k] ?? ""))))));
    },
    fail(err) { body.fail(err); },
  };
}

document.getElementById("who").textContent = KEY;
window.addEventListener("hashchange", route);
timer = setInterval(refresh, REFRESH_MS);
route();
