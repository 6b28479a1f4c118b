// The current or last outage as a timeline (GET /api/outages/timeline, built from the event log): power lost,
// triggers, steps with their durations, power back, and the UPS's runtime estimate over the outage (from history).
(() => {
  "use strict";
  const el = document.getElementById("outage-timeline");
  if (!el) return;
  const { esc, poll } = window.gatewayPanels;
  const hms = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const span = (s) => {
    s = Math.max(0, Math.round(s));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return h ? `${h}h ${m}m ${r}s` : m ? `${m}m ${r}s` : `${r}s`;
  };
  const outcomeClass = (o) => /^(ok|woken|started|sent)$/.test(o || "") ? "ok" : /^(failed|timeout|gave_up)$/.test(o || "") ? "bad" : "other";

  function chart(t, endMs) {
    const W = 600, H = 140, L = 40, B = 16;
    const start = Date.parse(t.started_at);
    const pts = (t.runtime || []).map((p) => [Date.parse(p.at), p.value / 60]);
    const x1 = Math.max(endMs, ...pts.map((p) => p[0]), ...t.entries.map((e) => Date.parse(e.at)));
    const x0 = Math.min(start, ...pts.map((p) => p[0]));
    const sx = (x) => L + ((x - x0) / Math.max(1, x1 - x0)) * (W - L - 4);
    const ys = pts.map((p) => p[1]);
    const y1 = Math.max(1, ...ys), y0 = 0;
    const sy = (y) => 4 + (1 - (y - y0) / (y1 - y0)) * (H - B - 8);
    const line = pts.length >= 2 ? `<polyline points="${pts.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(" ")}"/>`
      : `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no runtime history for this outage</text>`;
    const marks = t.entries.filter((e) => /^(power_lost|power_restored|trigger_fired)$/.test(e.kind)).map((e) => {
      const x = sx(Date.parse(e.at)).toFixed(1);
      return `<line class="ev ${esc(e.kind)}" x1="${x}" x2="${x}" y1="4" y2="${H - B}"><title>${esc(hms(e.at))} ${esc(e.title)}</title></line>`;
    }).join("");
    return `<svg class="runtime-chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="runtime estimate over the outage">
      <line class="axis" x1="${L}" y1="4" x2="${L}" y2="${H - B}"/><line class="axis" x1="${L}" y1="${H - B}" x2="${W}" y2="${H - B}"/>
      <text x="${L - 4}" y="12" text-anchor="end">${esc(y1.toFixed(0))} min</text><text x="${L - 4}" y="${H - B}" text-anchor="end">0</text>
      <text x="${L}" y="${H - 3}">${esc(hms(new Date(x0).toISOString()))}</text><text x="${W}" y="${H - 3}" text-anchor="end">${esc(hms(new Date(x1).toISOString()))}</text>
      ${marks}${line}</svg>`;
  }

  function render(t) {
    if (!t.outage) { el.innerHTML = '<p class="muted">No outage recorded yet.</p>'; return; }
    const now = Date.now();
    const end = t.power_back_at || t.ended_at;
    const endMs = end ? Date.parse(end) : now;
    const length = span((endMs - Date.parse(t.started_at)) / 1000);
    const summary = [
      t.live ? `<span class="live-tag">${t.power_back_at ? "power back, restoring" : "in progress"}</span>` : "last outage",
      esc(new Date(t.started_at).toLocaleString()),
      `${t.power_back_at || !t.live ? "lasted" : "on battery for"} <span data-field="length">${esc(length)}</span>`,
      t.trigger ? `shutdown trigger: ${esc(t.trigger)}` : "",
    ].filter(Boolean).join(" · ");
    const items = t.entries.map((e) => {
      const outcome = e.outcome ? ` <span class="outcome ${outcomeClass(e.outcome)}">${esc(e.outcome.replace(/_/g, " "))}</span>` : "";
      const took = e.seconds != null ? ` <span class="took">${esc(e.seconds.toFixed(1))} s</span>` : "";
      return `<li data-kind="${esc(e.kind)}"><time>${esc(hms(e.at))}</time><span class="offset">+${esc(span(e.offset_seconds))}</span><b>${esc(e.title)}</b>${outcome}${took}` +
        (e.detail ? `<span class="detail">${esc(e.detail)}</span>` : "") + "</li>";
    }).join("");
    el.innerHTML = `<p class="summary">${summary}</p>${chart(t, endMs)}<ol class="timeline">${items}</ol>`;
  }

  poll("/api/outages/timeline", 5000, render);
})();
