// The last outages as timelines (GET /api/outages): one SVG bar per outage from its start to power back (or now),
// a mark per step (shed, shutdown steps, power-cycle, wake-ups), and the list of steps with their times.
(() => {
  "use strict";
  const el = document.getElementById("outages");
  if (!el) return;
  const { esc, poll } = window.gatewayPanels;
  const hm = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const dur = (s) => s >= 3600 ? `${Math.floor(s / 3600)}h ${Math.round((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m ${Math.round(s % 60)}s` : `${Math.round(s)}s`;
  const cls = (o) => /^(ok|woken|started|sent)$/.test(o) ? "ok" : /^(failed|timeout|gave_up)$/.test(o) ? "bad" : "other";

  function timeline(o, now) {
    const start = Date.parse(o.started_at);
    const end = Date.parse(o.power_back_at || o.ended_at || now);
    const steps = o.steps || [];
    const last = Math.max(end, ...steps.map((s) => Date.parse(s.at)));
    const span = Math.max(1, last - start);
    const x = (t) => (2 + 96 * (t - start) / span).toFixed(2);
    const marks = steps.map((s) => `<circle class="mark ${cls(s.outcome)}" cx="${x(Date.parse(s.at))}" cy="10" r="1.6"><title>${esc(hm(s.at))} ${esc(s.name)} ${esc(s.outcome)}</title></circle>`).join("");
    const back = o.power_back_at ? `<line class="back" x1="${x(end)}" x2="${x(end)}" y1="2" y2="18"><title>mains back ${esc(hm(o.power_back_at))}</title></line>` : "";
    return `<svg class="outage-bar" viewBox="0 0 100 20" preserveAspectRatio="none" role="img" aria-label="timeline">
      <rect class="battery" x="${x(start)}" y="7" width="${(x(end) - x(start)).toFixed(2)}" height="6"></rect>${back}${marks}</svg>`;
  }

  function render(report) {
    const list = [];
    if (report.current) list.push({ ...report.current, live: true });
    list.push(...(report.recent || []).slice(0, 5));
    if (list.length === 0) { el.innerHTML = '<p class="muted">No outage recorded yet.</p>'; return; }
    const now = new Date().toISOString();
    el.innerHTML = list.map((o) => {
      const end = o.power_back_at || o.ended_at || now;
      const secs = (Date.parse(end) - Date.parse(o.started_at)) / 1000;
      const head = [`${new Date(o.started_at).toLocaleString()}`, o.live ? "in progress" : dur(secs),
        o.lowest_charge != null ? `lowest ${Math.round(o.lowest_charge)}%` : "", o.battery_watt_hours ? `${o.battery_watt_hours.toFixed(1)} Wh` : "",
        o.power_cycle ? `power-cycle ${o.power_cycle}` : ""].filter(Boolean).map(esc).join(" · ");
      const machines = (o.machines || []).map((m) => `<span class="machine ${cls(m.state)}">${esc(m.kind === "host" ? m.name : m.kind + " " + m.name)}: ${esc(m.action.replace("_", " "))} → ${esc(m.state.replace("_", " "))}</span>`).join(" ");
      const steps = (o.steps || []).map((s) => `<li class="${cls(s.outcome)}"><time>${esc(hm(s.at))}</time>${esc(s.name)} ${esc(s.outcome)}${s.seconds > 0 ? " " + esc(s.seconds.toFixed(1)) + "s" : ""}</li>`).join("");
      return `<article class="outage${o.live ? " live" : ""}"><h3>${head}</h3>${timeline(o, now)}<div class="machines">${machines}</div><ol class="outage-steps">${steps}</ol></article>`;
    }).join("");
  }

  poll("/api/outages", 10000, render);
})();
