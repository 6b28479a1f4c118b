// Power Gateway dashboard: live state over Server-Sent Events (/api/stream), polling every 2 s as a
// fallback, charts drawn as inline SVG. No libraries, nothing from outside the gateway.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const TOKEN_KEY = "gateway.token";
  let token = localStorage.getItem(TOKEN_KEY) || "";
  let clockOffset = 0; // server time - local time, ms
  let lastState = null;
  let range = "1h";
  let historyMissing = false;
  let chartKeys = "";
  let eventsLoadedAt = 0, eventsTimer = 0;
  const series = new Map(); // "device|metric" -> [[t, v], ...] from /api/history
  const live = new Map(); // "device|metric" -> [[t, v], ...] collected while the page is open
  const LIVE_MAX = 5000;

  const UPS_TILES = [
    ["battery.charge", "Battery"], ["battery.runtime", "Runtime"], ["input.voltage", "Input"], ["output.voltage", "Output"],
    ["ups.load", "Load"], ["ups.realpower", "Power"], ["ups.temperature", "Temp"], ["battery.voltage", "Batt V"], ["input.frequency", "Freq"],
  ];
  const METER_TILES = [
    ["total.power", "Power"], ["total.current", "Current"], ["frequency", "Freq"], ["import_energy", "Import"], ["export_energy", "Export"],
    ["total.power_factor", "PF"],
  ];
  const CHARTS = { ups: [["battery.charge", "Battery"], ["input.voltage", "Input voltage"], ["ups.load", "Load"]], meter: [["total.power", "Power"]] };

  function headers() { return token ? { Authorization: "Bearer " + token } : {}; }

  function fmt(v, unit) {
    if (v === null || v === undefined) return "–";
    if (unit === "s") return v >= 3600 ? (v / 3600).toFixed(1) + " h" : v >= 60 ? Math.round(v / 60) + " min" : Math.round(v) + " s";
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a >= 1000 ? v.toFixed(0) : a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  }
  // A number as JSON carried it: the shortest text that reads back as the same value, never rounded.
  function native(v) { return v === null || v === undefined ? "–" : String(v); }
  function dur(sec) {
    if (sec === null || sec === undefined) return "–";
    sec = Math.max(0, Math.round(sec));
    const h = Math.floor(sec / 3600), m = Math.floor((sec % 3600) / 60), s = sec % 60;
    return h ? `${h}h ${m}m` : m ? `${m}m ${s}s` : `${s}s`;
  }
  const now = () => Date.now() + clockOffset;
  const timeOf = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

  function setConn(state, text) { const c = $("conn"); c.dataset.state = state; c.textContent = text; }

  function tile(dev, key, label) {
    const m = dev.values[key];
    if (!m) return "";
    const unit = m.unit === "s" ? "" : m.unit;
    return `<div class="tile" data-key="${esc(key)}"><div class="k">${esc(label)}</div><div class="v">${esc(fmt(m.value, m.unit))}<span class="u">${esc(unit)}</span></div></div>`;
  }

  function phases(dev) {
    const v = dev.values, rows = [];
    for (const p of ["l1", "l2", "l3"]) {
      if (!v[p + ".voltage"] && !v[p + ".power"]) continue;
      const cell = (k) => `<td data-key="${p}.${k}">${v[p + "." + k] ? esc(fmt(v[p + "." + k].value)) : "–"}</td>`;
      rows.push(`<tr><td>${p.toUpperCase()}</td>${cell("voltage")}${cell("current")}${cell("power")}</tr>`);
    }
    return rows.length ? `<table class="phases"><tr><th></th><th>V</th><th>A</th><th>W</th></tr>${rows.join("")}</table>` : "";
  }

  function card(dev) {
    const tiles = (dev.kind === "ups" ? UPS_TILES : METER_TILES).map(([k, l]) => tile(dev, k, l)).join("");
    const age = dev.timestamp ? `updated ${timeOf(dev.timestamp)}${dev.fresh ? "" : " (not fresh)"}` : "no reading yet";
    const status = dev.status !== undefined ? `<div class="flags" data-key="ups.status">${esc(dev.status || "–")}</div>` : "";
    const alarms = dev.alarms.length ? `<ul class="alarms">${dev.alarms.map((a) => `<li data-alarm="${esc(a.kind)}">${esc(a.message)}</li>`).join("")}</ul>` : "";
    // The table shows each value exactly as the device reported it (229.1 V stays 229.1); only the tiles round.
    const all = Object.entries(dev.values).map(([k, m]) => `<tr><td>${esc(k)}</td><td class="num" data-value="${esc(k)}">${esc(native(m.value))} ${esc(m.unit)}</td></tr>`).join("");
    const reason = dev.link !== "connected" && dev.link_reason ? ` – ${esc(dev.link_reason)}` : "";
    return `<div class="dev-head"><h2>${esc(dev.id)}</h2><span class="badge link" data-state="${esc(dev.link)}">${esc(dev.link)}</span></div>
      <div class="sub">${esc(dev.type)} ${esc(dev.kind)} · ${esc(age)}${reason}</div>${status}
      <div class="tiles">${tiles}</div>${dev.kind === "meter" ? phases(dev) : ""}${alarms}
      ${all ? `<details><summary>All values</summary><table>${all}</table></details>` : ""}`;
  }

  function renderDevices(t) {
    const box = $("devices");
    if (!t.devices.length) { box.innerHTML = '<p class="muted">No devices are configured.</p>'; return; }
    const seen = new Set();
    for (const dev of t.devices) {
      const id = "dev-" + dev.id;
      seen.add(id);
      let el = document.getElementById(id);
      if (!el) {
        box.querySelector("p.muted")?.remove();
        el = document.createElement("article");
        el.className = "card device";
        el.id = id;
        el.dataset.device = dev.id;
        box.appendChild(el);
      }
      const open = el.querySelector("details")?.open;
      el.innerHTML = card(dev);
      if (open) el.querySelector("details").open = true;
    }
    for (const el of [...box.children]) if (el.id && !seen.has(el.id)) el.remove();
  }

  function renderPolicy(p) {
    const onBatt = p.on_battery_since ? (now() - Date.parse(p.on_battery_since)) / 1000 : null;
    const eta = p.next_trigger_at ? (Date.parse(p.next_trigger_at) - now()) / 1000 : p.next_trigger_eta_seconds;
    const item = (k, v, attr) => `<div class="tile"${attr || ""}><div class="k">${esc(k)}</div><div class="v">${v}</div></div>`;
    $("policy").querySelector(".body").innerHTML =
      item("State", `<span class="badge" data-state="${esc(p.state)}">${esc(p.state.replace(/_/g, " "))}</span>${p.dry_run ? " (dry run)" : ""}`, ' data-key="policy.state"') +
      item("Protects", esc(p.protected_device || "nothing")) +
      item("On battery", onBatt === null ? "no" : esc(dur(onBatt)), ' data-key="policy.on_battery"') +
      item("Next trigger", p.next_trigger ? `${esc(p.next_trigger)} in ${esc(dur(eta))}` : "–", ' data-key="policy.eta"') +
      item("Runtime left", p.runtime_seconds == null ? "–" : `${esc(dur(p.runtime_seconds))}${p.runtime_estimated ? " (estimate)" : ""}`, ' data-key="policy.runtime"') +
      (p.failsafe_at ? item("Link lost: failsafe", `fires at ${esc(new Date(p.failsafe_at).toLocaleTimeString())}`, ' data-key="policy.failsafe"') : "") +
      item("Last decision", esc(p.last_decision || "–"), ' data-key="policy.decision"');
  }

  function remember(t) {
    for (const dev of t.devices) {
      if (!dev.timestamp || !dev.fresh) continue;
      const at = Date.parse(dev.timestamp);
      for (const [key] of CHARTS[dev.kind] || []) {
        const m = dev.values[key];
        if (!m) continue;
        const k = dev.id + "|" + key;
        const s = live.get(k) || [];
        if (!s.length || s[s.length - 1][0] !== at) s.push([at, m.value]);
        if (s.length > LIVE_MAX) s.splice(0, s.length - LIVE_MAX);
        live.set(k, s);
      }
    }
  }

  function apply(state) {
    lastState = state;
    clockOffset = Date.parse(state.server_time) - Date.now();
    renderDevices(state.telemetry);
    renderPolicy(state.policy);
    remember(state.telemetry);
    const charts = chartList().map((c) => c.dev + "|" + c.key).join();
    if (charts !== chartKeys) { chartKeys = charts; loadHistory(); }
    else drawCharts();
    // Alarms and link changes are events too: refresh the list after a change, at most every 3 s.
    if (!eventsTimer) eventsTimer = setTimeout(() => { eventsTimer = 0; loadEvents(); }, Math.max(0, 3000 - (Date.now() - eventsLoadedAt)));
  }

  // ---- charts ----

  function chartSvg(points, unit) {
    const W = 300, H = 100, L = 34, B = 14;
    if (points.length < 2) return `<svg viewBox="0 0 ${W} ${H}" role="img"><text x="${W / 2}" y="${H / 2}" text-anchor="middle">not enough data yet</text></svg>`;
    const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
    const x0 = Math.min(...xs), x1 = Math.max(...xs);
    let y0 = Math.min(...ys), y1 = Math.max(...ys);
    if (y1 - y0 < 1e-9) { y0 -= 1; y1 += 1; }
    const sx = (x) => L + ((x - x0) / (x1 - x0 || 1)) * (W - L - 2), sy = (y) => 2 + (1 - (y - y0) / (y1 - y0)) * (H - B - 4);
    const pts = points.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(" ");
    const t = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return `<svg viewBox="0 0 ${W} ${H}" role="img">
      <line class="axis" x1="${L}" y1="2" x2="${L}" y2="${H - B}"/><line class="axis" x1="${L}" y1="${H - B}" x2="${W}" y2="${H - B}"/>
      <text x="${L - 3}" y="9" text-anchor="end">${esc(fmt(y1))}</text><text x="${L - 3}" y="${H - B}" text-anchor="end">${esc(fmt(y0))}</text>
      <text x="${L}" y="${H - 2}">${t(x0)}</text><text x="${W}" y="${H - 2}" text-anchor="end">${t(x1)}</text>
      <polyline points="${pts}"/></svg>`;
  }

  function chartList() {
    const list = [];
    for (const dev of lastState?.telemetry.devices || [])
      for (const [key, label] of CHARTS[dev.kind] || []) {
        const k = dev.id + "|" + key;
        // A device that never reported this value (or has not answered yet) gets no empty chart.
        if (!dev.values[key] && !series.get(k)?.length && !live.get(k)?.length) continue;
        list.push({ dev: dev.id, key, label, unit: dev.values[key]?.unit || "" });
      }
    return list;
  }

  function drawCharts() {
    const box = $("charts");
    const since = now() - (range === "1h" ? 3600e3 : 86400e3);
    box.innerHTML = chartList().map((c) => {
      const k = c.dev + "|" + c.key;
      // History up to its last point, then what the stream brought since: the chart moves between refreshes.
      const stored = historyMissing ? [] : series.get(k) || [];
      const lastStored = stored.length ? stored[stored.length - 1][0] : -Infinity;
      const pts = stored.concat((live.get(k) || []).filter((p) => p[0] > lastStored)).filter((p) => p[0] >= since);
      const last = pts.length ? fmt(pts[pts.length - 1][1]) + " " + c.unit : "–";
      return `<div class="chart" data-chart="${esc(k)}"><div class="t"><span>${esc(c.dev)} · ${esc(c.label)}</span><span>${esc(last)}</span></div>${chartSvg(pts, c.unit)}</div>`;
    }).join("");
  }

  async function loadHistory() {
    const list = chartList();
    if (!list.length) return;
    let missing = false;
    await Promise.all(list.map(async (c) => {
      try {
        const r = await fetch(`/api/history/${encodeURIComponent(c.dev)}?metric=${encodeURIComponent(c.key)}&from=-${range}&points=300`, { headers: headers() });
        if (r.status === 503) { missing = true; return; }
        if (!r.ok) return;
        const h = await r.json();
        series.set(c.dev + "|" + c.key, h.points.map((p) => [Date.parse(p.at), p.value]));
      } catch { /* next refresh */ }
    }));
    historyMissing = missing;
    const note = $("charts-note");
    note.hidden = !missing;
    note.textContent = missing ? "History is not available on this gateway; the charts show values received since this page was opened." : "";
    drawCharts();
  }

  // ---- events ----
  async function loadEvents() {
    eventsLoadedAt = Date.now();
    try {
      const r = await fetch("/api/events?limit=10", { headers: headers() });
      if (!r.ok) return;
      const e = await r.json();
      $("events").innerHTML = e.events.map((x) =>
        `<li class="sev-${esc(x.severity)}"><time>${esc(timeOf(x.at))}</time>${x.device ? esc(x.device) + ": " : ""}${esc(x.message)}</li>`).join("") || '<li class="muted">No events yet.</li>';
    } catch { /* next refresh */ }
  }

  // ---- live data: SSE over fetch (so the token header works), polling as the fallback ----
  function needToken() {
    $("auth").hidden = false;
    setConn("offline", "token required");
  }

  async function stream() {
    const r = await fetch("/api/stream", { headers: headers(), cache: "no-store" });
    if (r.status === 401) { needToken(); throw new Error("unauthorized"); }
    if (!r.ok || !r.body) throw new Error("stream " + r.status);
    setConn("live", "live");
    const reader = r.body.getReader(), dec = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
        if (data) apply(JSON.parse(data));
      }
    }
    throw new Error("stream ended");
  }

  async function poll() {
    const [t, p] = await Promise.all([fetch("/api/telemetry", { headers: headers() }), fetch("/api/policy", { headers: headers() })]);
    if (t.status === 401) { needToken(); return false; }
    if (!t.ok || !p.ok) throw new Error("poll failed");
    const telemetry = await t.json(), policy = await p.json();
    apply({ server_time: telemetry.generated_at, telemetry, policy });
    return true;
  }

  async function run() {
    for (;;) {
      try { await stream(); } catch { /* fall back below */ }
      if (!$("auth").hidden) return;
      setConn("polling", "polling");
      // Poll every 2 s for a while, then try the stream again.
      for (let i = 0; i < 15; i++) {
        try { if (!(await poll())) return; } catch { setConn("offline", "offline"); }
        await new Promise((res) => setTimeout(res, 2000));
      }
    }
  }

  $("auth-form").addEventListener("submit", (e) => {
    e.preventDefault();
    token = $("auth-token").value.trim();
    localStorage.setItem(TOKEN_KEY, token);
    $("auth").hidden = true;
    run();
    loadHistory();
    loadEvents();
  });
  for (const b of document.querySelectorAll(".range button")) {
    b.addEventListener("click", () => {
      range = b.dataset.range;
      for (const o of document.querySelectorAll(".range button")) o.classList.toggle("on", o === b);
      loadHistory();
    });
  }

  run();
  setInterval(loadHistory, 60000);
  loadEvents();
  setInterval(loadEvents, 10000);
  setInterval(() => { if (lastState) renderPolicy(lastState.policy); }, 1000);
})();
