// The test buttons of /settings/tools: each calls one /api/setup endpoint and shows the answer in words.
(() => {
  "use strict";
  const TOKEN_KEY = "gateway.token";
  let token = localStorage.getItem(TOKEN_KEY) || "";
  let csrf = null;
  const $ = id => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  function headers(json) {
    const h = {};
    if (json) h["Content-Type"] = "application/json";
    if (csrf) h["X-CSRF-Token"] = csrf;
    // A signed-in session wins: a stale token kept in this browser must not shadow it.
    if (token && !csrf) h.Authorization = "Bearer " + token;
    return h;
  }

  // Signed-in sessions (cookie + CSRF token) when the gateway has them; the API token otherwise.
  async function loadSession() {
    try {
      const r = await fetch("/api/session", { credentials: "same-origin" });
      if (r.ok) { const s = await r.json(); csrf = s.csrf_token || null; }
    } catch (e) { /* an older gateway without sessions: the token form covers it */ }
  }

  async function call(method, path, body) {
    const r = await fetch(path, { method, credentials: "same-origin", headers: headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body) });
    let data = null;
    try { data = await r.json(); } catch (e) { data = null; }
    if (r.status === 401 || r.status === 403) showAuth(data);
    return { status: r.status, data };
  }

  function showAuth(data) {
    $("auth").hidden = false;
    if (data && data.error) $("auth-why").textContent = data.error + (data.detail ? ": " + data.detail : "") + ".";
  }

  // One answer, in words: what happened, what to do, what was learnt, step by step.
  function show(box, res) {
    box.hidden = false;
    box.replaceChildren();
    const d = res.data || {};
    if (res.status >= 400 || d.ok === undefined) {
      box.className = "result bad";
      box.dataset.status = "error";
      box.append(el("p", { class: "msg", text: (d.error || ("HTTP " + res.status)) + (d.detail ? ": " + d.detail : "") }));
      return d;
    }
    box.className = "result " + (d.ok ? "ok" : d.status === "busy" || d.status === "unknown_host_key" ? "busy" : "bad");
    box.dataset.status = d.status;
    box.append(el("p", { class: "msg", text: d.message }));
    if (d.fix) box.append(el("p", { class: "fix", text: "What to do: " + d.fix }));
    if (d.facts && d.facts.length) {
      const dl = el("dl");
      for (const f of d.facts) dl.append(el("dt", { text: f.name }), el("dd", { text: f.value }));
      box.append(dl);
    }
    if (d.steps && d.steps.length) {
      const ol = el("ol");
      for (const s of d.steps) ol.append(el("li", { class: s.ok ? "ok" : "bad", text: (s.ok ? "✓ " : "✗ ") + s.text }));
      box.append(ol);
    }
    return d;
  }

  async function run(button, box, method, path, body) {
    button.disabled = true;
    const label = button.textContent;
    button.textContent = "Testing…";
    box.hidden = false;
    box.className = "result";
    box.dataset.status = "running";
    box.replaceChildren(el("p", { class: "muted", text: "Working…" }));
    try {
      return show(box, await call(method, path, body));
    } catch (e) {
      return show(box, { status: 0, data: { error: "The gateway did not answer", detail: String(e.message || e) } });
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  }

  const val = id => { const v = $(id).value.trim(); return v === "" ? null : v; };
  const num = id => { const v = val(id); return v === null ? null : Number(v); };

  // ---- serial ports ----
  async function loadPorts() {
    const list = $("serial-ports");
    const res = await call("GET", "/api/setup/serial/ports");
    list.replaceChildren();
    if (res.status !== 200) { list.append(el("li", { class: "muted", text: (res.data && res.data.error) || "Cannot list the ports." })); return; }
    $("serial-note").hidden = !res.data.note;
    $("serial-note").textContent = res.data.note || "";
    res.data.ports.forEach((p, i) => {
      const radio = el("input", { type: "radio", name: "serial-port", value: p.path, checked: i === 0 });
      const text = el("span", {}, el("span", { text: p.path }));
      if (p.target && p.target !== p.path) text.append(el("span", { class: "muted", text: " → " + p.target }));
      if (!p.target) text.append(el("span", { class: "tag", text: "missing" }));
      if (p.stable) text.append(el("span", { class: "tag", text: "stable name" }));
      if (p.used_by.length) text.append(el("span", { class: "tag", text: "used by " + p.used_by.join(", ") }));
      list.append(el("li", {}, el("label", {}, radio, text)));
    });
  }

  $("serial-type").addEventListener("change", () => { $("serial-address").placeholder = $("serial-type").value === "must" ? "10" : "1"; });
  $("serial-refresh").addEventListener("click", loadPorts);
  $("serial-form").addEventListener("submit", ev => {
    ev.preventDefault();
    const picked = document.querySelector("input[name=serial-port]:checked");
    run($("serial-probe"), $("serial-result"), "POST", "/api/setup/serial/probe",
      { port: picked ? picked.value : null, type: $("serial-type").value, address: num("serial-address"), baud: Number($("serial-baud").value) });
  });

  // ---- NUT ----
  $("nut-form").addEventListener("submit", ev => {
    ev.preventDefault();
    run(ev.submitter || ev.target.querySelector("button"), $("nut-result"), "POST", "/api/setup/nut/test",
      { host: val("nut-host"), port: num("nut-port"), ups: val("nut-ups"), username: val("nut-user"), password: val("nut-password") });
  });

  // ---- MQTT ----
  $("mqtt-form").addEventListener("submit", ev => {
    ev.preventDefault();
    run(ev.submitter || ev.target.querySelector("button"), $("mqtt-result"), "POST", "/api/setup/mqtt/test",
      { host: val("mqtt-host"), port: num("mqtt-port"), username: val("mqtt-user"), password: val("mqtt-password"), tls: $("mqtt-tls").checked, ca_file: val("mqtt-ca") });
  });

  // ---- SSH: check the key, then accept exactly the fingerprint shown, then the login ----
  async function sshScan(button, box, host) {
    const d = await run(button, box, "POST", "/api/setup/ssh/scan", host);
    if (!d || !d.host_key) return;
    box.append(el("div", {}, el("span", { class: "muted", text: d.host_key.type + " " }), el("span", { class: "fingerprint", text: d.host_key.fingerprint })));
    const actions = el("div", { class: "row" });
    if (d.status === "unknown_host_key") {
      const accept = el("button", { type: "button", class: "primary", text: "Accept this key" });
      accept.dataset.action = "ssh-accept";
      accept.addEventListener("click", () => run(accept, box, "POST", "/api/setup/ssh/accept", { ...host, fingerprint: d.host_key.fingerprint }));
      actions.append(accept);
    }
    if (d.status === "trusted") {
      const login = el("button", { type: "button", text: "Test login" });
      login.addEventListener("click", () => run(login, box, "POST", "/api/setup/ssh/login", host));
      actions.append(login);
    }
    if (actions.childElementCount) box.append(actions);
  }

  $("ssh-form").addEventListener("submit", ev => {
    ev.preventDefault();
    sshScan(ev.submitter || ev.target.querySelector("button"), $("ssh-result"),
      { host: val("ssh-host"), port: num("ssh-port"), user: val("ssh-user"), key_file: val("ssh-key"), known_hosts: val("ssh-known") });
  });

  // ---- rehearsal: the existing POST /api/shutdown/test, step by step ----
  $("rehearsal-run").addEventListener("click", async () => {
    const button = $("rehearsal-run"), box = $("rehearsal-result");
    button.disabled = true;
    box.hidden = false;
    box.className = "result";
    box.replaceChildren(el("p", { class: "muted", text: "Rehearsing every step (this can take a while: hosts are contacted)…" }));
    try {
      const res = await call("POST", "/api/shutdown/test");
      if (res.status !== 200) { show(box, res); return; }
      const r = res.data;
      const failed = r.steps.filter(s => s.outcome === "failed" || s.outcome === "timeout");
      box.className = "result " + (failed.length ? "bad" : "ok");
      box.dataset.status = failed.length ? "problems" : "ok";
      box.replaceChildren(el("p", { class: "msg", text: failed.length
        ? failed.length + " of " + r.steps.length + " steps would fail; see below and fix them before a real outage."
        : "All " + r.steps.length + " steps would work (dry run, " + r.duration_seconds + " s)." }));
      const ol = el("ol");
      for (const s of r.steps) {
        const bad = s.outcome === "failed" || s.outcome === "timeout";
        ol.append(el("li", { class: bad ? "bad" : "ok", text: (bad ? "✗ " : "✓ ") + s.step + " (" + s.outcome + ", " + s.duration_seconds + " s): " + s.detail }));
      }
      box.append(ol);
    } catch (e) {
      show(box, { status: 0, data: { error: "The gateway did not answer", detail: String(e.message || e) } });
    } finally {
      button.disabled = false;
    }
  });

  // ---- what is configured: one button per NUT device, SSH host, channel, pattern ----
  async function loadOverview() {
    const res = await call("GET", "/api/setup");
    if (res.status !== 200) return;
    const o = res.data;
    const nut = $("nut-devices");
    nut.replaceChildren();
    for (const d of o.nut_devices) {
      const b = el("button", { type: "button", text: "Test" });
      b.addEventListener("click", () => run(b, $("nut-result"), "POST", "/api/setup/nut/test", { device: d.device }));
      nut.append(el("div", { class: "target" }, el("span", { class: "name", text: d.device + " — " + d.ups + "@" + d.host + ":" + d.port }), b));
    }
    if (o.mqtt) {
      $("mqtt-host").placeholder = o.mqtt.host || "";
      $("mqtt-port").placeholder = String(o.mqtt.port);
      $("mqtt-user").placeholder = o.mqtt.username || "";
      $("mqtt-password").placeholder = o.mqtt.password_set ? "(saved; leave empty to use it)" : "";
      $("mqtt-tls").checked = o.mqtt.tls;
      $("mqtt-ca").placeholder = o.mqtt.ca_file || $("mqtt-ca").placeholder;
    }
    const hosts = $("ssh-hosts");
    hosts.replaceChildren();
    for (const h of o.remote_hosts) {
      const box = el("div", { class: "result", hidden: true });
      box.id = "ssh-result-" + h.name;
      const scan = el("button", { type: "button", text: "Check host key" });
      scan.dataset.host = h.name;
      scan.addEventListener("click", () => sshScan(scan, box, { name: h.name }));
      const login = el("button", { type: "button", text: "Test login" });
      login.addEventListener("click", () => run(login, box, "POST", "/api/setup/ssh/login", { name: h.name }));
      hosts.append(el("div", { class: "target" }, el("span", { class: "name", text: h.name + " — " + h.user + "@" + h.host + ":" + h.port }), scan, login), box);
    }
    const channels = $("notify-channels");
    channels.replaceChildren();
    if (!o.notification_channels.length) channels.append(el("span", { class: "muted", text: "No channel is configured (Settings → Notifications)." }));
    for (const c of o.notification_channels) {
      const b = el("button", { type: "button", text: "Send a test to " + c });
      b.addEventListener("click", () => run(b, $("notify-result"), "POST", "/api/setup/notifications/" + encodeURIComponent(c) + "/test"));
      channels.append(b);
    }
    $("indicators-status").textContent = "Now: " + o.indicators.status + ".";
    const patterns = $("indicator-patterns");
    patterns.replaceChildren();
    for (const p of o.indicators.patterns) {
      const b = el("button", { type: "button", text: p.name.replace(/_/g, " "), title: p.description });
      b.addEventListener("click", () => run(b, $("indicators-result"), "POST", "/api/setup/indicators/test", { pattern: p.name, seconds: 5 }));
      patterns.append(b);
    }
    $("rehearsal-run").disabled = !o.rehearsal_available;
  }

  $("auth-form").addEventListener("submit", ev => {
    ev.preventDefault();
    token = $("auth-token").value.trim();
    localStorage.setItem(TOKEN_KEY, token);
    $("auth").hidden = true;
    start();
  });

  async function start() {
    await loadSession();
    await Promise.all([loadOverview(), loadPorts()]);
  }
  start();
})();
