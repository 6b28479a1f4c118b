// Power Gateway settings pages: sign-in (first password with the setup code), one page per config section,
// backup/restore and the password. Talks to /api/session and /api/config (docs/settings.md). No framework, no CDN.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const SECRET = "__secret_set__";

  // One page per section. "keys" are the top-level config sections the page edits; "filter" picks list items
  // (the device list is shared by Devices and Upstream NUT); "add" offers new list items.
  const PAGES = [
    { id: "devices", title: "Devices", keys: ["devices"], filter: (d) => d.type !== "nut",
      note: "The UPS and energy meters on serial ports. Use /dev/serial/by-id/… paths: they survive a replug.",
      add: { devices: [["Add MUST UPS", { id: "ups", type: "must", port: "/dev/serial/by-id/" }], ["Add EM340 meter", { id: "meter", type: "em340", port: "/dev/serial/by-id/" }]] } },
    { id: "mqtt", title: "MQTT / Home Assistant", keys: ["mqtt"], note: "The broker the gateway publishes to, and Home Assistant discovery." },
    { id: "nut-server", title: "NUT server and its users", keys: ["nut_server"],
      note: "The gateway serves its UPSes to upsmon, Synology and Home Assistant. A Synology NAS wants the user monuser / secret, role secondary.",
      add: { "nut_server.users": [["Add user", { name: "", password: "", role: "secondary" }]] } },
    { id: "upstream", title: "Upstream NUT", keys: ["devices"], filter: (d) => d.type === "nut",
      note: "UPSes read from another NUT server (upsd).",
      add: { devices: [["Add NUT UPS", { id: "", type: "nut", host: "127.0.0.1", port: 3493, ups: "" }]] } },
    { id: "policy", title: "Shutdown policy", keys: ["policy"], note: "When the gateway decides to shut things down." },
    { id: "shutdown", title: "Shutdown steps and remote hosts", keys: ["shutdown"], note: "What runs, in order, when the policy triggers.",
      add: { "shutdown.remote_hosts": [["Add remote host", { name: "", host: "", port: 22, user: "", key_file: "", known_hosts: "/etc/gateway/known_hosts", command: "sudo poweroff" }]],
             "shutdown.unmounts": [["Add unmount", { path: "" }]],
             "shutdown.shedding": [["Add shedding stage", { name: "", after_on_battery: "5m", hosts: [], containers: [], vms: [] }]],
             "shutdown.restore.wake": [["Add host to wake", { name: "", mac: "", always: false }]] } },
    { id: "notifications", title: "Notifications", keys: ["notifications"], note: "Discord, ntfy and a JSON webhook." },
    { id: "gpio", title: "Status LED and buzzer (GPIO)", keys: ["gpio"] },
    { id: "web", title: "Web", keys: ["web"], note: "Changes to listen take effect after a restart." },
    { id: "system", title: "System", keys: ["gateway", "history", "logging", "battery"] },
    { id: "backup", title: "Backup & password", special: true },
    { id: "tools", title: "Tests & tools", special: true },
  ];

  // Lists whose items are sections (the rest are lists of words), known even while empty.
  const OBJECT_LISTS = new Set(["devices", "nut_server.users", "shutdown.remote_hosts", "shutdown.unmounts", "shutdown.shedding",
    "shutdown.restore.wake", "mqtt.publish.rules"]);

  let session = null;
  let saved = null;   // the configuration as GET /api/config returned it
  let draft = null;   // the same, edited by the form
  const page = PAGES.find((p) => location.pathname.replace(/\/+$/, "").endsWith("/" + p.id)) || PAGES[0];

  const clone = (v) => JSON.parse(JSON.stringify(v));
  const isSecret = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && SECRET in v;
  const pathText = (parts) => parts.reduce((s, p) => (typeof p === "number" ? `${s}[${p}]` : s ? `${s}.${p}` : p), "");
  const label = (key) => key.replace(/_/g, " ");
  const shape = (parts) => pathText(parts.filter((p) => typeof p !== "number"));
  const isObjectList = (parts, v) => Array.isArray(v) && (OBJECT_LISTS.has(shape(parts)) || v.some((x) => x !== null && typeof x === "object"));

  async function api(method, url, body, raw) {
    const headers = {};
    if (method !== "GET" && session && session.csrf_token) headers["X-CSRF-Token"] = session.csrf_token;
    if (body !== undefined && !raw) headers["Content-Type"] = "application/json";
    const res = await fetch(url, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : raw ? body : JSON.stringify(body) });
    let json = null;
    try { json = await res.json(); } catch { json = null; }
    return { status: res.status, ok: res.ok, json };
  }

  const problem = (r) => (r.json && (r.json.detail ? `${r.json.error}: ${r.json.detail}` : r.json.error)) || `the gateway answered ${r.status}`;

  function show(id) {
    for (const s of ["loading", "setup", "signin", "page", "backup"]) $(s).hidden = s !== id;
    const signedIn = session && session.signed_in;
    $("nav").hidden = !signedIn;
    $("signout").hidden = !signedIn;
  }

  function setError(el, text) {
    el.textContent = text || "";
    el.hidden = !text;
  }

  // ---- sign-in ----
  async function start() {
    const r = await api("GET", "/api/session");
    session = r.json;
    if (!session.password_set) { show("setup"); $("setup-code").focus(); return; }
    if (!session.signed_in) { show("signin"); $("signin-password").focus(); return; }
    await openPage();
  }

  $("setup-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if ($("setup-password").value !== $("setup-password2").value) { setError($("setup-error"), "The two passwords differ; type the same one twice."); return; }
    const r = await api("POST", "/api/session/setup", { setup_code: $("setup-code").value, password: $("setup-password").value });
    if (!r.ok) { setError($("setup-error"), problem(r)); return; }
    session = r.json;
    await openPage();
  });

  $("signin-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await api("POST", "/api/session", { password: $("signin-password").value });
    if (!r.ok) { setError($("signin-error"), problem(r)); $("signin-password").select(); return; }
    session = r.json;
    $("signin-password").value = "";
    await openPage();
  });

  $("signout").addEventListener("click", async () => {
    await api("DELETE", "/api/session");
    session = { signed_in: false, password_set: true, csrf_token: null };
    show("signin");
  });

  // ---- pages ----
  async function openPage() {
    for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("on", a.dataset.page === page.id);
    document.title = `${page.title} · Settings · Power Gateway`;
    if (page.id === "backup") { show("backup"); return; }
    if (page.id === "tools") {
      show("page");
      $("page-title").textContent = page.title;
      $("page-note").textContent = "The test buttons are not part of this build.";
      $("settings-form").hidden = true;
      return;
    }
    const r = await api("GET", "/api/config");
    if (r.status === 401) { session.signed_in = false; show("signin"); return; }
    show("page");
    $("page-title").textContent = page.title;
    $("page-note").textContent = page.note || "";
    if (!r.ok) {
      $("fields").textContent = "";
      showErrors(r.json && r.json.errors ? r.json.errors : [{ path: "", message: problem(r) }]);
      return;
    }
    saved = r.json;
    draft = clone(saved);
    render();
  }

  function render() {
    const root = $("fields");
    root.textContent = "";
    for (const key of page.keys) {
      const value = draft[key];
      if (Array.isArray(value)) root.append(renderList([key], value));
      else if (value && typeof value === "object") root.append(renderObject([key], value, page.keys.length > 1 ? label(key) : null));
    }
    clearErrors();
  }

  function renderObject(path, obj, legend) {
    const box = document.createElement(legend ? "fieldset" : "div");
    box.dataset.errorFor = pathText(path);
    if (legend) { const l = document.createElement("legend"); l.textContent = legend; box.append(l); }
    const grid = document.createElement("div");
    grid.className = "fields-grid";
    box.append(grid);
    const keys = Object.keys(obj).sort((a, b) => (a === "enabled" ? -1 : b === "enabled" ? 1 : 0));
    const nested = [];
    for (const k of keys) {
      const v = obj[k];
      if (isSecret(v) || v === null || typeof v !== "object" || (Array.isArray(v) && !isObjectList([...path, k], v))) grid.append(renderField([...path, k], v));
      else nested.push(k);
    }
    for (const k of nested) {
      const v = obj[k];
      box.append(Array.isArray(v) ? renderList([...path, k], v) : renderObject([...path, k], v, label(k)));
    }
    const err = document.createElement("p");
    err.className = "field-error";
    err.dataset.errorOf = pathText(path);
    err.hidden = true;
    box.append(err);
    return box;
  }

  function renderList(path, items) {
    const box = document.createElement("fieldset");
    const key = pathText(path);
    box.dataset.errorFor = key;
    const legend = document.createElement("legend");
    legend.textContent = label(String(path[path.length - 1]));
    box.append(legend);
    const filter = path.length === 1 && path[0] === "devices" ? page.filter : null;
    let shown = 0;
    items.forEach((item, i) => {
      if (filter && !filter(item)) return;
      shown++;
      const title = item && (item.id || item.name || item.path) ? `${label(String(path[path.length - 1]))} ${i + 1}: ${item.id || item.name || item.path}` : `item ${i + 1}`;
      const el = renderObject([...path, i], item || {}, title);
      const actions = document.createElement("div");
      actions.className = "item-actions";
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary";
      remove.textContent = "Remove";
      remove.addEventListener("click", () => { items.splice(i, 1); render(); });
      actions.append(remove);
      el.append(actions);
      box.append(el);
    });
    if (shown === 0) { const p = document.createElement("p"); p.className = "muted"; p.textContent = "None yet."; box.append(p); }
    const adds = (page.add && page.add[shape(path)]) || (items.length > 0 && !filter ? [["Add", blank(items[0])]] : []);
    for (const [text, template] of adds) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      b.textContent = text;
      b.addEventListener("click", () => { items.push(clone(template)); render(); });
      box.append(b, document.createTextNode(" "));
    }
    const err = document.createElement("p");
    err.className = "field-error";
    err.dataset.errorOf = key;
    err.hidden = true;
    box.append(err);
    return box;
  }

  function blank(item) {
    const out = {};
    for (const [k, v] of Object.entries(item || {})) out[k] = isSecret(v) ? "" : Array.isArray(v) ? [] : v && typeof v === "object" ? blank(v) : typeof v === "boolean" ? v : null;
    return out;
  }

  function renderField(path, value) {
    const key = pathText(path);
    const id = "f-" + key.replace(/[^a-z0-9]+/gi, "-");
    const wrap = document.createElement("div");
    wrap.className = "field";
    wrap.dataset.field = key;
    const lab = document.createElement("label");
    lab.htmlFor = id;
    lab.textContent = label(String(path[path.length - 1]));
    const input = document.createElement("input");
    input.id = id;
    input.dataset.path = key;
    input.name = key;
    const set = (v) => setAt(draft, path, v);
    if (typeof value === "boolean") {
      wrap.classList.add("bool");
      input.type = "checkbox";
      input.checked = value;
      input.addEventListener("change", () => set(input.checked));
      wrap.append(input, lab);
    } else if (isSecret(value)) {
      input.type = "password";
      input.autocomplete = "new-password";
      input.placeholder = value[SECRET] ? "set (leave empty to keep)" : "not set";
      input.addEventListener("input", () => set(input.value === "" ? clone(value) : input.value));
      wrap.append(lab, input);
    } else if (Array.isArray(value)) {
      input.value = value.join(", ");
      input.addEventListener("input", () => set(input.value.split(",").map((x) => x.trim()).filter((x) => x.length > 0)));
      const hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = "comma-separated";
      wrap.append(lab, input, hint);
    } else if (typeof value === "number") {
      input.inputMode = "decimal";
      input.value = String(value);
      input.addEventListener("input", () => {
        const t = input.value.trim();
        set(t === "" ? null : /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t);
      });
      wrap.append(lab, input);
    } else {
      input.value = value === null || value === undefined ? "" : String(value);
      input.spellcheck = false;
      input.addEventListener("input", () => set(input.value === "" ? null : input.value));
      wrap.append(lab, input);
    }
    const err = document.createElement("p");
    err.className = "field-error";
    err.dataset.errorOf = key;
    err.hidden = true;
    wrap.append(err);
    return wrap;
  }

  function setAt(obj, path, value) {
    let o = obj;
    for (let i = 0; i < path.length - 1; i++) o = o[path[i]];
    o[path[path.length - 1]] = value;
  }

  // What changed on this page: changed keys of objects, whole lists when any item changed.
  function diff(before, after) {
    if (Array.isArray(after) || after === null || typeof after !== "object" || isSecret(after)) {
      return JSON.stringify(before) === JSON.stringify(after) ? undefined : after;
    }
    const out = {};
    let any = false;
    for (const k of Object.keys(after)) {
      const d = diff(before ? before[k] : undefined, after[k]);
      if (d !== undefined) { out[k] = d; any = true; }
    }
    return any ? out : undefined;
  }

  $("settings-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const patch = {};
    for (const key of page.keys) {
      const d = diff(saved[key], draft[key]);
      if (d !== undefined) patch[key] = d;
    }
    const status = $("save-status");
    status.className = "";
    if (Object.keys(patch).length === 0) { status.textContent = "Nothing to save."; return; }
    $("save").disabled = true;
    status.textContent = "Saving…";
    const r = await api("PATCH", "/api/config", patch);
    $("save").disabled = false;
    if (r.status === 422 && r.json && r.json.errors) {
      status.textContent = "Not saved: fix the marked fields.";
      status.className = "bad";
      showErrors(r.json.errors);
      return;
    }
    if (!r.ok) { status.textContent = "Not saved: " + problem(r); status.className = "bad"; return; }
    const restart = r.json.needs_restart || [];
    const warnings = r.json.warnings || [];
    status.textContent = r.json.message + (restart.length ? " (" + restart.join("; ") + ")" : "") + (warnings.length ? ". Note: " + warnings.join(" ") : "");
    status.className = "ok";
    const note = status.textContent;
    await openPage();
    $("save-status").textContent = note;
    $("save-status").className = "ok";
  });

  function clearErrors() {
    for (const el of document.querySelectorAll("[data-error-of]")) setError(el, "");
    for (const el of document.querySelectorAll(".field.invalid")) el.classList.remove("invalid");
    setError($("form-errors"), "");
  }

  // Each error at its field; else at the nearest section or list shown; else in the list under the form.
  function showErrors(errors) {
    clearErrors();
    const rest = [];
    for (const e of errors) {
      let p = e.path || "";
      let target = null;
      let exact = true;
      while (p && !(target = document.querySelector(`[data-error-of="${CSS.escape(p)}"]`))) {
        exact = false;
        p = p.includes(".") || p.includes("[") ? p.replace(/(\.[^.[\]]+|\[\d+\])$/, "") : "";
      }
      if (!target || (!exact && page.keys.every((k) => !(e.path || "").startsWith(k)))) { rest.push(e); continue; }
      const text = exact ? e.message : `${e.path}: ${e.message}`;
      setError(target, target.hidden ? text : `${target.textContent} ${text}`);
      const field = target.closest(".field");
      if (field) field.classList.add("invalid");
    }
    if (rest.length) {
      const box = $("form-errors");
      box.textContent = "";
      const ul = document.createElement("ul");
      for (const e of rest) { const li = document.createElement("li"); li.textContent = e.path ? `${e.path}: ${e.message}` : e.message; ul.append(li); }
      box.append(ul);
      box.hidden = false;
    }
    const first = document.querySelector(".field.invalid input, #form-errors:not([hidden])");
    if (first) first.scrollIntoView({ block: "center" });
  }

  // ---- backup, restore, password ----
  const listErrors = (list, errors) => {
    list.textContent = "";
    for (const e of errors) { const li = document.createElement("li"); li.textContent = e.path ? `${e.path}: ${e.message}` : e.message; list.append(li); }
    list.hidden = errors.length === 0;
  };
  $("restore-button").addEventListener("click", async () => {
    const file = $("restore-file").files[0];
    const status = $("restore-status");
    const list = $("restore-errors");
    list.hidden = true;
    list.textContent = "";
    if (!file) { status.textContent = "Choose a backup file first."; status.className = "bad"; return; }
    const r = await api("POST", "/api/config/restore", await file.text(), true);
    if (r.status === 422 && r.json && r.json.errors) {
      status.textContent = "Not restored; nothing changed. The file has these problems:";
      status.className = "bad";
      listErrors(list, r.json.errors);
      return;
    }
    status.textContent = r.ok ? "Restored: " + r.json.message : "Not restored: " + problem(r);
    status.className = r.ok ? "ok" : "bad";
  });

  // ---- import from another tool: convert (writes nothing), show the report, then restore on confirmation ----
  let imported = null;   // the converted YAML waiting for "Use this configuration"
  const IMPORT_STATUS = { mapped: "mapped", review: "to check", unmapped: "not mapped" };
  $("import-button").addEventListener("click", async () => {
    const file = $("import-file").files[0];
    const status = $("import-status");
    const report = $("import-report");
    imported = null;
    $("import-use").hidden = true;
    $("import-use-status").textContent = "";
    report.hidden = true;
    report.textContent = "";
    listErrors($("import-errors"), []);
    if (!file) { status.textContent = "Choose the old tool's file first."; status.className = "bad"; return; }
    const r = await api("POST", `/api/config/import/${$("import-kind").value}?name=${encodeURIComponent(file.name)}`, await file.text(), true);
    if (!r.ok || !r.json || !r.json.ok) {
      status.textContent = "Not converted: " + (r.json && r.json.problem ? r.json.problem : problem(r));
      status.className = "bad";
      return;
    }
    status.textContent = `Converted: ${r.json.mapped} settings mapped, ${r.json.review} to check, ${r.json.unmapped} not mapped. Nothing is written yet.`;
    status.className = "ok";
    for (const i of r.json.items) {
      const li = document.createElement("li");
      const where = i.new_name ? ` → ${i.new_name}` : "";
      li.textContent = `${IMPORT_STATUS[i.status] || i.status}: ${i.old_name}${where}${i.note ? " (" + i.note + ")" : ""}`;
      report.append(li);
    }
    report.hidden = r.json.items.length === 0;
    imported = r.json.yaml;
    $("import-use").hidden = false;
  });
  $("import-use").addEventListener("click", async () => {
    if (imported === null) return;
    const status = $("import-use-status");
    const r = await api("POST", "/api/config/restore", imported, true);
    if (r.status === 422 && r.json && r.json.errors) {
      status.textContent = "Not used; nothing changed. The converted configuration has these problems:";
      status.className = "bad";
      listErrors($("import-errors"), r.json.errors);
      return;
    }
    listErrors($("import-errors"), []);
    status.textContent = r.ok ? "Configuration used: " + r.json.message : "Not used: " + problem(r);
    status.className = r.ok ? "ok" : "bad";
    if (r.ok) { imported = null; $("import-use").hidden = true; }
  });

  $("password-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await api("POST", "/api/session/password", { current_password: $("password-current").value, new_password: $("password-new").value });
    setError($("password-error"), r.ok ? "" : problem(r));
    $("password-status").textContent = r.ok ? "Password changed; other browsers are signed out." : "";
    $("password-status").className = r.ok ? "ok" : "";
    if (r.ok) { session = r.json; $("password-current").value = ""; $("password-new").value = ""; }
  });

  start().catch((err) => { $("loading").textContent = "Cannot reach the gateway: " + err; });
})();
