// The battery section (GET /api/battery): age, health, and a small chart of the health over time — the measured
// runtime against the UPS's own estimate for each real outage (100 % = as calibrated), and each self-test as a mark
// on the bottom line (passed, warning, failed). The list under it gives each point's numbers.
(() => {
  "use strict";
  const el = document.getElementById("battery");
  if (!el) return;
  const { esc, poll } = window.gatewayPanels;
  const day = (iso) => new Date(iso).toLocaleDateString();
  const mins = (s) => `${Math.round(s / 60)} min`;

  function chart(points) {
    if (points.length === 0) return "";
    const times = points.map((p) => Date.parse(p.at));
    const t0 = Math.min(...times), t1 = Math.max(...times);
    const span = Math.max(1, t1 - t0);
    const x = (t) => (6 + 88 * (points.length === 1 ? 0.5 : (t - t0) / span)).toFixed(2);
    const y = (pct) => (4 + 30 * (1 - Math.min(150, Math.max(0, pct)) / 150)).toFixed(2);
    const rated = points.filter((p) => p.source === "outage" && p.ratio != null);
    const line = rated.length > 1 ? `<polyline points="${rated.map((p) => `${x(Date.parse(p.at))},${y(p.ratio * 100)}`).join(" ")}"></polyline>` : "";
    const dots = rated.map((p) => `<circle class="health" cx="${x(Date.parse(p.at))}" cy="${y(p.ratio * 100)}" r="1.4"><title>${esc(day(p.at))}: ${Math.round(p.ratio * 100)} % of the UPS's estimate${p.runtime_at_full ? ", " + esc(mins(p.runtime_at_full)) + " at full charge" : ""}</title></circle>`).join("");
    const tests = points.filter((p) => p.source === "self_test").map((p) =>
      `<rect class="test ${esc(p.outcome)}" x="${(x(Date.parse(p.at)) - 0.8).toFixed(2)}" y="36" width="1.6" height="3"><title>${esc(day(p.at))} self-test: ${esc(p.outcome)} (${esc(p.result)})</title></rect>`).join("");
    return `<svg class="battery-chart" viewBox="0 0 100 40" preserveAspectRatio="none" role="img" aria-label="battery health over time">
      <line class="axis" x1="6" x2="94" y1="${y(100)}" y2="${y(100)}"></line><text x="0" y="${(+y(100) + 1).toFixed(2)}">100%</text>${line}${dots}${tests}</svg>`;
  }

  function row(p) {
    if (p.source === "self_test") return `<li class="test ${esc(p.outcome)}"><time>${esc(day(p.at))}</time>self-test ${esc(p.outcome)}: ${esc(p.result)}</li>`;
    const parts = [p.ratio != null ? `${Math.round(p.ratio * 100)} % of the estimate` : "", p.runtime_at_full ? `${mins(p.runtime_at_full)} at full` : "",
      p.capacity_watt_hours ? `${p.capacity_watt_hours} Wh` : "", p.sag_volts != null ? `sag ${p.sag_volts} V` : "",
      p.resistance_ohms != null ? `${(p.resistance_ohms * 1000).toFixed(0)} mΩ` : ""].filter(Boolean);
    return `<li class="outage"><time>${esc(day(p.at))}</time>outage: ${esc(parts.join(" · "))}</li>`;
  }

  function render(b) {
    const head = [b.installed ? `installed ${b.installed}` : "", b.age_years != null ? `${b.age_years} years old` : "",
      b.health_percent != null ? `health ${b.health_percent} %` : "", b.end_of_life ? `replace by ${b.end_of_life}` : ""].filter(Boolean).map(esc).join(" · ");
    const warn = b.age_warning ? '<p class="warn">The battery is near or past its expected life: plan its replacement.</p>' : "";
    const history = b.history || [];
    const body = history.length === 0 ? '<p class="muted">No outage or self-test has measured the battery yet.</p>'
      : `${chart(history)}<ol class="battery-points">${history.slice(-6).reverse().map(row).join("")}</ol>`;
    el.innerHTML = `<p class="battery-head">${head || "No battery.installed in the configuration."}</p>${warn}${body}`;
  }

  poll("/api/battery", 60000, render);
})();
