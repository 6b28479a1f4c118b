// What the dashboard's read-only panels (outages.js, battery.js) share: HTML escaping, and one GET of a JSON API with
// the stored token, rendered at once and again every few seconds (a failed fetch waits for the next round).
window.gatewayPanels = (() => {
  "use strict";
  const TOKEN_KEY = "gateway.token";
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  function poll(path, everyMs, render) {
    async function load() {
      try {
        const token = localStorage.getItem(TOKEN_KEY) || "";
        const r = await fetch(path, { headers: token ? { Authorization: "Bearer " + token } : {} });
        if (r.ok) render(await r.json());
      } catch { /* next round */ }
    }
    load();
    setInterval(load, everyMs);
  }
  return { esc, poll };
})();
