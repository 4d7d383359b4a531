// Grace staff and family pages. One page, hash routes, no build step. Talks only to /api on this origin: the access
// token stays in an HttpOnly cookie, every state change echoes the grace_csrf cookie in X-CSRF-Token. Live updates
// come over Server-Sent Events (/api/notifications/stream); while the stream is unavailable the page retries with
// backoff and polls the counts, so nothing breaks. Every text from the API goes into the page as text, never HTML.
(function () {
  "use strict";

  var SEVERITIES = ["critical", "high", "medium", "low"];
  var STAFF = ["organization_admin", "facility_director", "care_manager", "care_staff"];
  var MANAGERS = ["organization_admin", "facility_director", "care_manager"];
  var ROLES = ["organization_admin", "facility_director", "care_manager", "care_staff", "family"];
  var POLL_MS = 15000;

  var state = {
    user: null,
    notifications: {},          // by id: each shown once, whether it came from the list or the stream
    delivered: {},              // by id: when (ms) and how often each came over the stream
    instances: [],              // the instances the stream was connected to, in order
    unread: 0,
    critical: [],               // open critical incidents, for the banner
    stream: null,
    lastEventId: null,
    instance: null,
    retryMs: 2000,
    retryTimer: null,
    pollTimer: null,
    refreshTimer: null,
    refreshing: null,
    route: null
  };
  window.grace = { state: state };   // read by the browser tests (live status, notifications seen)

  // ---------- small helpers ----------
  function $(id) { return document.getElementById(id); }
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) { return; }
        if (k === "text") { el.textContent = v; }
        else if (k === "class") { el.className = v; }
        else if (k.indexOf("on") === 0) { el.addEventListener(k.substring(2), v); }
        else { el.setAttribute(k, v === true ? "" : v); }
      });
    }
    for (var i = 2; i < arguments.length; i++) { append(el, arguments[i]); }
    return el;
  }
  function append(el, child) {
    if (child === null || child === undefined || child === false) { return; }
    if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
    el.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  function clear(el) { while (el.firstChild) { el.removeChild(el.firstChild); } return el; }
  function has(list, x) { return list.indexOf(x) >= 0; }
  function isStaff() { return state.user && has(STAFF, state.user.role); }
  function isAdmin() { return state.user && state.user.role === "organization_admin"; }
  function words(s) { return String(s || "").replace(/_/g, " "); }
  function say(text, error) {
    var m = $("message");
    m.textContent = text || "";
    m.className = "message" + (error ? " error" : "");
  }
  function announce(text) {
    var a = $("announce");
    a.textContent = "";
    setTimeout(function () { a.textContent = text; }, 50);
  }
  function ago(iso) {
    if (!iso) { return ""; }
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 60) { return s + " s ago"; }
    var m = Math.floor(s / 60);
    if (m < 60) { return m + " min ago"; }
    var hh = Math.floor(m / 60);
    if (hh < 48) { return hh + " h " + (m % 60) + " min ago"; }
    return Math.floor(hh / 24) + " days ago";
  }
  function when(iso) {
    if (!iso) { return ""; }
    var d = new Date(iso);
    return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }
  function timeEl(iso, relative) {
    return h("time", { datetime: iso, title: when(iso), "data-since": relative ? iso : null },
      relative ? ago(iso) : when(iso));
  }
  function duration(seconds) {
    if (seconds === null || seconds === undefined) { return "none in 7 days"; }
    var s = Math.round(seconds);
    if (s < 60) { return s + " s"; }
    if (s < 3600) { return Math.floor(s / 60) + " min " + (s % 60) + " s"; }
    return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  }
  function badge(severity) { return h("span", { class: "badge " + severity, text: severity }); }
  function statusEl(status) { return h("span", { class: "status " + status, text: words(status) }); }

  // ---------- API ----------
  function csrf() {
    var m = document.cookie.match(/(?:^|; )grace_csrf=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function raw(method, path, body, extraHeaders) {
    var headers = { "Accept": "application/json" };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    if (method !== "GET") { headers["X-CSRF-Token"] = csrf(); }
    Object.keys(extraHeaders || {}).forEach(function (k) { headers[k] = extraHeaders[k]; });
    return fetch(path, { method: method, headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
        if (r.status === 204) { return { status: 204, body: null }; }
        return r.text().then(function (t) {
          var j = null;
          try { j = t ? JSON.parse(t) : null; } catch (e) { j = { message: t }; }
          return { status: r.status, body: j };
        });
      }, function () { return { status: 0, body: { message: "The server cannot be reached; trying again shortly." } }; });
  }
  // A call that refreshes the access token once on 401 and signs the user out when that fails too.
  function api(method, path, body) {
    return raw(method, path, body).then(function (r) {
      if (r.status !== 401 || path.indexOf("/api/auth/") === 0) { return r; }
      return refreshToken().then(function (ok) {
        if (!ok) { signedOut("Your session has ended; please sign in again."); return r; }
        return raw(method, path, body);
      });
    });
  }
  function must(r) {
    if (r.status >= 200 && r.status < 300) { return r.body; }
    var e = new Error(r.body && r.body.message ? r.body.message : "The request failed (" + r.status + ")");
    e.status = r.status;
    e.body = r.body;
    throw e;
  }
  function get(path) { return api("GET", path).then(must); }
  function post(path, body) { return api("POST", path, body).then(must); }
  function failed(e) { say(e.message || String(e), true); }

  // ---------- sign-in and tokens ----------
  function refreshToken() {
    if (!state.refreshing) {
      state.refreshing = raw("POST", "/api/auth/refresh").then(function (r) {
        state.refreshing = null;
        if (r.status === 200) { tokenExpires(r.body.accessTokenExpiresAt); return true; }
        return false;
      });
    }
    return state.refreshing;
  }
  // Refreshes the access token in the background a minute before it expires.
  function tokenExpires(iso) {
    clearTimeout(state.refreshTimer);
    if (!iso) { return; }
    var wait = Date.parse(iso) - Date.now() - 60000;
    state.refreshTimer = setTimeout(function () {
      refreshToken().then(function (ok) { if (!ok) { signedOut("Your session has ended; please sign in again."); } });
    }, Math.max(5000, wait));
  }
  function boot() {
    raw("GET", "/api/auth/me").then(function (r) {
      if (r.status === 200) { return signedIn(r.body); }
      if (r.status === 401 && csrf()) {
        return refreshToken().then(function (ok) {
          return ok ? raw("GET", "/api/auth/me").then(function (r2) {
            return r2.status === 200 ? signedIn(r2.body) : showSignInOrSetup();
          }) : showSignInOrSetup();
        });
      }
      return showSignInOrSetup();
    });
  }
  function showSignInOrSetup() {
    return raw("GET", "/api/setup").then(function (r) {
      if (r.status === 200 && r.body && r.body.open) { renderSetup(); } else { renderSignIn(); }
    });
  }
  function signedIn(user, expiresAt) {
    state.user = user;
    tokenExpires(expiresAt);
    $("top").hidden = false;
    $("who").textContent = user.displayName + " (" + words(user.role) + ")";
    Array.prototype.forEach.call(document.querySelectorAll("#nav li"), function (li) {
      var roles = li.getAttribute("data-roles");
      li.hidden = !(roles === "staff" ? isStaff() : user.role === roles);
    });
    say("");
    loadNotifications();
    loadCritical();
    openStream();
    route();
  }
  function signedOut(text) {
    closeStream();
    clearTimeout(state.refreshTimer);
    clearTimeout(state.pollTimer);
    state.user = null;
    state.notifications = {};
    state.critical = [];
    state.lastEventId = null;
    $("top").hidden = true;
    $("notifications").hidden = true;
    $("banner").hidden = true;
    $("live-status").textContent = "Not connected";
    renderSignIn();
    say(text || "");
  }
  function fieldErrors(form, e) {
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (p) { p.remove(); });
    var fields = e.body && e.body.fields;
    if (fields) {
      Object.keys(fields).forEach(function (name) {
        var input = form.querySelector("[name='" + name + "']");
        if (input) {
          var id = input.id + "-error";
          input.setAttribute("aria-invalid", "true");
          input.setAttribute("aria-describedby", id);
          input.insertAdjacentElement("afterend", h("p", { class: "field-error", id: id, text: fields[name] }));
        }
      });
    }
    failed(e);
  }
  function field(id, label, attrs) {
    var a = { id: id, name: attrs.name || id };
    var input;
    if (attrs.hint) { a["aria-describedby"] = id + "-hint"; }
    if (attrs.tag === "select") {
      input = h("select", a, attrs.options.map(function (o) { return h("option", { value: o, text: words(o) }); }));
    } else {
      Object.keys(attrs).forEach(function (k) { if (k !== "tag" && k !== "hint" && k !== "options") { a[k] = attrs[k]; } });
      input = h(attrs.tag === "textarea" ? "textarea" : "input", a);
    }
    return [h("label", { for: id, text: label }), input, attrs.hint ? h("p", { class: "hint", id: id + "-hint", text: attrs.hint }) : null];
  }
  function values(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) { if (el.name) { out[el.name] = el.value; } });
    return out;
  }
  function view(title, children) {
    var main = clear($("view"));
    var heading = h("h1", { tabindex: "-1", text: title });
    append(main, [heading, children]);
    document.title = title + " · Grace";
    return heading;
  }
  function focusHeading() {
    var heading = $("view").querySelector("h1");
    if (heading) { heading.focus(); }
  }
  function renderSignIn() {
    var form = h("form", { id: "signin-form", class: "card narrow", novalidate: true },
      field("email", "E-mail address", { type: "email", autocomplete: "username", required: true }),
      field("password", "Password", { type: "password", autocomplete: "current-password", required: true }),
      h("button", { type: "submit", text: "Sign in" }));
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      say("");
      var v = values(form);
      raw("POST", "/api/auth/login", { email: v.email, password: v.password }).then(function (r) {
        if (r.status === 200) { form.reset(); signedIn(r.body.user, r.body.accessTokenExpiresAt); }
        else { fieldErrors(form, { message: r.body && r.body.message ? r.body.message : "Sign-in failed (" + r.status + ")", body: r.body }); }
      });
    });
    view("Sign in", form);
    $("email").focus();
  }
  function renderSetup() {
    var form = h("form", { id: "setup-form", class: "card narrow", novalidate: true },
      h("p", { text: "Nobody has signed in to this installation yet. Create the organisation and its first administrator." }),
      field("organizationName", "Organisation name", { type: "text", required: true }),
      field("displayName", "Your name", { type: "text", autocomplete: "name", required: true }),
      field("setup-email", "E-mail address", { name: "email", type: "email", autocomplete: "username", required: true }),
      field("setup-password", "Password", { name: "password", type: "password", autocomplete: "new-password",
        required: true, minlength: "12", hint: "At least 12 characters." }),
      field("setupToken", "Set-up token (only if the installation asks for one)", { type: "password", autocomplete: "off" }),
      h("button", { type: "submit", text: "Create administrator" }));
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      say("");
      var v = values(form);
      var headers = v.setupToken ? { "X-Setup-Token": v.setupToken } : {};
      raw("POST", "/api/setup", { organizationName: v.organizationName, displayName: v.displayName, email: v.email,
        password: v.password }, headers).then(function (r) {
        if (r.status === 201) { location.hash = "#/"; signedIn(r.body.user, r.body.accessTokenExpiresAt); say("Welcome: your organisation is ready."); }
        else if (r.status === 409) { say("Set-up is already done; please sign in.", true); renderSignIn(); }
        else { fieldErrors(form, { message: r.body && r.body.message ? r.body.message : "Set-up failed (" + r.status + ")", body: r.body }); }
      });
    });
    view("Set up Grace", form);
  }
  $("signout").addEventListener("click", function () {
    raw("POST", "/api/auth/logout").then(function () { location.hash = "#/"; signedOut("You are signed out."); });
  });

  // ---------- notifications and the bell ----------
  function loadNotifications() {
    return api("GET", "/api/notifications?limit=50").then(function (r) {
      if (r.status !== 200) { return; }
      r.body.items.forEach(function (n) { state.notifications[n.id] = n; });
      renderNotifications();
      return loadUnread();
    });
  }
  function loadUnread() {
    return api("GET", "/api/notifications/unread-count").then(function (r) {
      if (r.status === 200) { setUnread(r.body.unread); }
    });
  }
  function setUnread(n) {
    state.unread = n;
    var c = $("unread");
    c.textContent = String(n);
    c.setAttribute("aria-label", n + " unread");
    c.className = "count" + (n > 0 ? " has-unread" : "");
  }
  function sortedNotifications() {
    return Object.keys(state.notifications).map(function (k) { return state.notifications[k]; })
      .sort(function (a, b) { return (a.readAt ? 1 : 0) - (b.readAt ? 1 : 0) || b.id - a.id; });
  }
  function renderNotifications() {
    var list = clear($("notification-list"));
    var all = sortedNotifications();
    if (all.length === 0) { append(list, h("li", { class: "muted", text: "No notifications." })); }
    all.slice(0, 100).forEach(function (n) {
      var actions = [];
      if (!n.readAt) {
        actions.push(h("button", { type: "button", class: "quiet", text: "Mark read", "data-read": n.id,
          onclick: function () { markRead(n.id); } }));
      }
      if (n.incidentId && !n.acknowledgedAt && isStaff()) {
        actions.push(h("button", { type: "button", text: "Acknowledge", "data-ack-incident": n.incidentId,
          onclick: function () { acknowledge(n.incidentId); } }));
      }
      append(list, h("li", { class: n.readAt ? "read" : "unread", "data-notification": n.id },
        h("div", { class: "note-body" },
          h("div", { class: "note-title" }, n.priority ? badge(n.priority) : null, " ",
            n.incidentId && isStaff() ? h("a", { href: "#/incidents/" + n.incidentId, text: n.title }) : n.title),
          h("div", { text: n.message }),
          h("div", { class: "note-meta" }, timeEl(n.createdAt, true),
            n.acknowledgedAt ? " · acknowledged" : "")),
        actions));
    });
  }
  function markRead(id) {
    post("/api/notifications/" + id + "/read").then(function (b) {
      if (state.notifications[id]) { state.notifications[id].readAt = new Date().toISOString(); }
      setUnread(b.unread);
      renderNotifications();
    }, failed);
  }
  $("read-all").addEventListener("click", function () {
    post("/api/notifications/read-all").then(function (b) {
      var now = new Date().toISOString();
      Object.keys(state.notifications).forEach(function (k) { state.notifications[k].readAt = state.notifications[k].readAt || now; });
      setUnread(b.unread);
      renderNotifications();
    }, failed);
  });
  $("bell").addEventListener("click", function () {
    var panel = $("notifications");
    panel.hidden = !panel.hidden;
    $("bell").setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) { var first = panel.querySelector("button, a"); if (first) { first.focus(); } }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !$("notifications").hidden) {
      $("notifications").hidden = true;
      $("bell").setAttribute("aria-expanded", "false");
      $("bell").focus();
    }
  });
  function notificationArrived(n) {
    var seen = state.notifications[n.id];
    state.notifications[n.id] = n;
    if (seen) { return; }
    renderNotifications();
    loadUnread();
    announce((n.priority === "critical" ? "Critical alert: " : "New notification: ") + n.title);
  }

  // ---------- incidents: acknowledge, banner ----------
  function acknowledge(incidentId) {
    return api("POST", "/api/incidents/" + incidentId + "/acknowledge").then(function (r) {
      if (r.status === 200) { say("Incident acknowledged."); }
      else if (r.status === 409) { say(r.body && r.body.message ? r.body.message : "Already acknowledged."); }
      else { failed(new Error(r.body && r.body.message ? r.body.message : "Acknowledging failed (" + r.status + ")")); }
      Object.keys(state.notifications).forEach(function (k) {
        var n = state.notifications[k];
        if (n.incidentId === incidentId && !n.acknowledgedAt) { n.acknowledgedAt = new Date().toISOString(); }
      });
      renderNotifications();
      loadUnread();
      refreshAll();
    });
  }
  function loadCritical() {
    if (!isStaff()) { renderBanner(); return Promise.resolve(); }
    return api("GET", "/api/incidents?status=open&severity=critical&limit=20").then(function (r) {
      if (r.status === 200) { state.critical = r.body.items; renderBanner(); }
    });
  }
  function renderBanner() {
    var list = clear($("banner-list"));
    var items = isStaff() ? state.critical : [];
    $("banner").hidden = items.length === 0;
    items.forEach(function (i) {
      append(list, h("li", { "data-banner-incident": i.id },
        h("span", { class: "banner-text" }, h("strong", { text: "Critical, not acknowledged: " }),
          h("a", { href: "#/incidents/" + i.id, text: i.residentName }), " · " + i.summary + " · detected ",
          timeEl(i.detectedAt, true)),
        h("button", { type: "button", text: "Acknowledge", onclick: function () { acknowledge(i.id); } })));
    });
  }

  // ---------- live stream ----------
  function openStream() {
    closeStream();
    if (!state.user || typeof EventSource === "undefined") { startPolling(); return; }
    var url = "/api/notifications/stream" + (state.lastEventId !== null ? "?lastEventId=" + encodeURIComponent(state.lastEventId) : "");
    var es = new EventSource(url, { withCredentials: true });
    state.stream = es;
    live("Connecting…");
    es.addEventListener("open", function () { state.retryMs = 2000; });
    es.addEventListener("ready", function (e) {
      var d = parse(e.data);
      state.instance = d.instance || null;
      state.instances.push(state.instance);
      if (e.lastEventId) { state.lastEventId = e.lastEventId; }
      if (d.accessTokenExpiresAt) { tokenExpires(d.accessTokenExpiresAt); }
      stopPolling();
      live("Live" + (state.instance ? " · instance " + state.instance : ""));
      loadNotifications();
      refreshAll();
    });
    es.addEventListener("notification", function (e) {
      if (e.lastEventId) { state.lastEventId = e.lastEventId; }
      var n = parse(e.data);
      if (n && n.id !== undefined) {
        var d = state.delivered[n.id] || { at: Date.now(), times: 0 };
        d.times++;
        state.delivered[n.id] = d;
      }
      if (n && n.id !== undefined) { notificationArrived(n); if (n.priority === "critical") { loadCritical(); } }
    });
    es.addEventListener("notification-updated", function (e) {
      var d = parse(e.data);
      (d.notificationIds || []).forEach(function (id) {
        var n = state.notifications[id];
        if (!n) { return; }
        if (d.change === "read") { n.readAt = n.readAt || d.at; }
        else if (d.change === "unread") { n.readAt = null; }
        else if (d.change === "acknowledged") { n.acknowledgedAt = n.acknowledgedAt || d.at; }
      });
      renderNotifications();
      loadUnread();
    });
    es.addEventListener("incident-updated", function (e) {
      var d = parse(e.data);
      if (d.change === "acknowledged") {
        Object.keys(state.notifications).forEach(function (k) {
          var n = state.notifications[k];
          if (n.incidentId === d.incidentId && !n.acknowledgedAt) { n.acknowledgedAt = d.at; }
        });
        renderNotifications();
      }
      refreshAll();
    });
    es.addEventListener("reauthenticate", function () {
      closeStream();
      refreshToken().then(function (ok) {
        if (ok) { openStream(); } else { signedOut("Your session has ended; please sign in again."); }
      });
    });
    es.addEventListener("error", function () {
      if (es.readyState === EventSource.CLOSED) {
        // Refused (401, 404, 429, 503...): EventSource gives up; the page tries again with backoff.
        retryStream();
      } else {
        live("Reconnecting…");
        startPolling();
      }
    });
  }
  function retryStream() {
    closeStream();
    startPolling();
    var wait = state.retryMs;
    state.retryMs = Math.min(60000, state.retryMs * 2);
    live("Live updates unavailable; checking every " + Math.round(POLL_MS / 1000) + " s, trying again in " + Math.round(wait / 1000) + " s");
    state.retryTimer = setTimeout(function () {
      if (!state.user) { return; }
      raw("GET", "/api/auth/me").then(function (r) {
        if (r.status === 401) {
          refreshToken().then(function (ok) { if (ok) { openStream(); } else { signedOut("Your session has ended; please sign in again."); } });
        } else { openStream(); }
      });
    }, wait);
  }
  function closeStream() {
    clearTimeout(state.retryTimer);
    if (state.stream) { state.stream.close(); state.stream = null; }
  }
  function live(text) { $("live-status").textContent = text; }
  function parse(s) { try { return JSON.parse(s); } catch (e) { return {}; } }
  function startPolling() {
    if (state.pollTimer) { return; }
    state.pollTimer = setInterval(function () {
      if (!state.user) { stopPolling(); return; }
      loadNotifications();
      refreshAll();
    }, POLL_MS);
  }
  function stopPolling() { clearInterval(state.pollTimer); state.pollTimer = null; }

  var refreshQueued = null;
  // Redraws what depends on incidents (banner, counts, the current view), at most once per 300 ms.
  function refreshAll() {
    if (refreshQueued) { return; }
    refreshQueued = setTimeout(function () {
      refreshQueued = null;
      loadCritical();
      if (state.route && state.route.live) { state.route.render(false); }
    }, 300);
  }
  setInterval(function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-since]"), function (t) {
      t.textContent = ago(t.getAttribute("data-since"));
    });
  }, 30000);

  // ---------- routes ----------
  var routes = [
    { re: /^#?\/?$/, staff: true, live: true, render: renderDashboard },
    { re: /^#\/incidents$/, staff: true, live: true, render: renderIncidents },
    { re: /^#\/incidents\/(\d+)$/, staff: false, live: true, render: renderIncident },
    { re: /^#\/residents$/, staff: true, render: renderResidents },
    { re: /^#\/residents\/(\d+)$/, staff: false, live: true, render: renderResident },
    { re: /^#\/family$/, staff: false, live: true, render: renderFamily },
    { re: /^#\/admin$/, staff: true, render: renderAdmin }
  ];
  function route() {
    if (!state.user) { return; }
    var hash = location.hash || "#/";
    if (!isStaff() && (hash === "#/" || hash === "" || hash === "#")) { hash = "#/family"; }
    var found = null, args = null;
    routes.some(function (r) { var m = hash.match(r.re); if (m) { found = r; args = m.slice(1); } return !!m; });
    Array.prototype.forEach.call(document.querySelectorAll("#nav a"), function (a) {
      if (a.getAttribute("href") === (hash === "#" ? "#/" : hash)) { a.setAttribute("aria-current", "page"); }
      else { a.removeAttribute("aria-current"); }
    });
    say("");
    if (!found) { view("Page not found", h("p", {}, "There is nothing here. ", h("a", { href: "#/", text: "Go to the start page" }))); return; }
    if (found.staff && !isStaff()) {
      view("Not available", h("p", { text: "This page is for care staff." }));
      return;
    }
    state.route = { live: found.live, render: function (focus) { return found.render.apply(null, [focus].concat(args)); } };
    state.route.render(true);
  }
  window.addEventListener("hashchange", function () {
    $("notifications").hidden = true;
    $("bell").setAttribute("aria-expanded", "false");
    route();
  });
  function loading(first, title) {
    if (first) { view(title, h("p", { class: "muted", text: "Loading…" })); focusHeading(); }
  }
  // Renders into the view only if the route has not changed meanwhile.
  function stillOn(routeObj) { return state.route === routeObj; }

  function incidentItem(i, withResident) {
    var urgent = i.severity === "critical" && i.status === "open";
    return h("li", { class: "incident sev-" + i.severity + (urgent ? " urgent" : ""), "data-incident": i.id },
      badge(i.severity),
      h("div", { class: "incident-main" },
        h("a", { href: "#/incidents/" + i.id }, withResident ? i.residentName : i.summary),
        withResident ? h("div", { text: i.summary }) : null,
        h("div", {}, statusEl(i.status), " · detected ", h("span", { class: "since" }, timeEl(i.detectedAt, true)),
          i.acknowledgedByName ? " · acknowledged by " + i.acknowledgedByName : "")),
      i.status === "open" && isStaff() ? h("button", { type: "button", text: "Acknowledge", "data-ack": i.id,
        onclick: function () { acknowledge(i.id); } }) : null);
  }
  function openIncidents() {
    return Promise.all([get("/api/incidents?status=open&limit=200"), get("/api/incidents?status=acknowledged&limit=200")])
      .then(function (pages) {
        return pages[0].items.concat(pages[1].items).sort(function (a, b) {
          return SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity)
            || (a.status === "open" ? 0 : 1) - (b.status === "open" ? 0 : 1)
            || Date.parse(a.detectedAt) - Date.parse(b.detectedAt);
        });
      });
  }
  function renderDashboard(first) {
    loading(first, "Dashboard");
    var me = state.route;
    Promise.all([get("/api/dashboard"), openIncidents()]).then(function (res) {
      if (!stillOn(me)) { return; }
      var s = res[0], open = res[1];
      var counts = h("ul", { class: "counts", id: "counts" },
        h("li", { "data-count": "open" }, h("span", { class: "n", text: s.openIncidents }), "Open incidents"),
        h("li", { "data-count": "critical-unacknowledged", class: s.criticalUnacknowledged > 0 ? "alarm" : null },
          h("span", { class: "n", text: s.criticalUnacknowledged }), "Critical, not acknowledged"),
        h("li", { "data-count": "resolved-today" }, h("span", { class: "n", text: s.resolvedToday }), "Resolved today"),
        h("li", { "data-count": "average-response" }, h("span", { class: "n", text: duration(s.averageResponseSeconds7d) }),
          "Average response (7 days)"));
      var sections = SEVERITIES.map(function (sev) {
        var items = open.filter(function (i) { return i.severity === sev; });
        if (items.length === 0) { return null; }
        return h("section", { "aria-labelledby": "sev-" + sev },
          h("h2", { id: "sev-" + sev }, words(sev).replace(/^./, function (c) { return c.toUpperCase(); }) + " (" + items.length + ")"),
          h("ul", { class: "incidents" }, items.map(function (i) { return incidentItem(i, true); })));
      });
      var heading = $("view").querySelector("h1");
      var main = clear($("view"));
      append(main, [heading || h("h1", { tabindex: "-1", text: "Dashboard" }), counts,
        h("h2", { text: "Open incidents" }),
        open.length === 0 ? h("p", { class: "card", id: "no-open", text: "No open incidents. All is calm." }) : sections]);
    }).catch(failed);
  }
  function renderIncidents(first) {
    loading(first, "Incidents");
    var me = state.route;
    get("/api/incidents?limit=100").then(function (page) {
      if (!stillOn(me)) { return; }
      var heading = $("view").querySelector("h1");
      append(clear($("view")), [heading, page.items.length === 0 ? h("p", { text: "No incidents recorded." })
        : h("ul", { class: "incidents" }, page.items.map(function (i) { return incidentItem(i, true); }))]);
    }).catch(failed);
  }
  function renderIncident(first, id) {
    loading(first, "Incident");
    var me = state.route;
    get("/api/incidents/" + id).then(function (d) {
      if (!stillOn(me)) { return; }
      var i = d.incident || d;     // family users get the incident without its trail
      var heading = $("view").querySelector("h1");
      heading.textContent = "Incident: " + i.residentName;
      var facts = h("dl", { class: "facts" },
        h("dt", { text: "Resident" }), h("dd", {}, isStaff() ? h("a", { href: "#/residents/" + i.residentId, text: i.residentName }) : i.residentName),
        h("dt", { text: "Severity" }), h("dd", {}, badge(i.severity)),
        h("dt", { text: "Status" }), h("dd", { id: "incident-status" }, statusEl(i.status)),
        h("dt", { text: "Summary" }), h("dd", { text: i.summary }),
        h("dt", { text: "Detected" }), h("dd", {}, timeEl(i.detectedAt, false), " (", timeEl(i.detectedAt, true), ")"),
        i.categories ? [h("dt", { text: "Categories" }), h("dd", { text: i.categories.map(words).join(", ") })] : null,
        i.matchedPhrases && i.matchedPhrases.length ? [h("dt", { text: "Matched phrases" }), h("dd", { text: i.matchedPhrases.join(", ") })] : null,
        i.confidence !== undefined ? [h("dt", { text: "Confidence" }), h("dd", { text: Math.round(i.confidence * 100) + " %" })] : null,
        i.source ? [h("dt", { text: "Source" }), h("dd", { text: words(i.source) })] : null,
        i.acknowledgedAt ? [h("dt", { text: "Acknowledged" }), h("dd", {}, (i.acknowledgedByName || "") + " · ", timeEl(i.acknowledgedAt, false),
          i.responseTimeMs !== null ? " · response " + duration(i.responseTimeMs / 1000) : "")] : null,
        i.resolvedAt ? [h("dt", { text: "Resolved" }), h("dd", {}, (i.resolvedByName || "") + " · ", timeEl(i.resolvedAt, false),
          i.resolutionNote ? " · " + i.resolutionNote : "")] : null);
      var actions = null;
      if (isStaff()) {
        actions = h("div", { class: "card" }, h("h2", { text: "Actions" }));
        if (i.status === "open") {
          append(actions, h("button", { type: "button", id: "acknowledge", text: "Acknowledge", onclick: function () { acknowledge(i.id); } }));
        }
        if (i.status !== "resolved") {
          append(actions, incidentNoteForm(i.id, "resolve", { fieldId: "note", label: "Resolution note",
            button: { type: "submit", text: "Resolve" }, done: "Incident resolved." }));
        } else if (has(MANAGERS, state.user.role)) {
          append(actions, incidentNoteForm(i.id, "reopen", { fieldId: "reopen-note", label: "Why reopen it?",
            button: { type: "submit", class: "quiet", text: "Reopen" }, done: "Incident reopened." }));
        }
      }
      var trail = d.trail ? h("section", { class: "card", "aria-labelledby": "trail-h" },
        h("h2", { id: "trail-h", text: "Audit trail" }),
        h("ol", { class: "timeline", id: "trail" }, d.trail.map(function (t) {
          return h("li", {}, h("strong", { text: words(t.kind) }), " · ", t.actorName || "Grace", " · ",
            timeEl(t.occurredAt, false),
            t.detail && t.detail.note ? h("blockquote", { text: t.detail.note }) : null);
        }))) : null;
      var suggested = i.suggestedActions && i.suggestedActions.length ? h("section", { class: "card" },
        h("h2", { text: "Suggested actions" }), h("ul", {}, i.suggestedActions.map(function (a) { return h("li", { text: a }); }))) : null;
      append(clear($("view")), [heading, h("div", { class: "grid2" }, h("div", { class: "card" }, facts), actions), suggested, trail]);
    }).catch(failed);
  }
  function renderResidents(first) {
    loading(first, "Residents");
    var me = state.route;
    Promise.all([get("/api/residents"), get("/api/incidents?status=open&limit=200")]).then(function (res) {
      if (!stillOn(me)) { return; }
      var openBy = {};
      res[1].items.forEach(function (i) { openBy[i.residentId] = (openBy[i.residentId] || 0) + 1; });
      var heading = $("view").querySelector("h1");
      var table = h("div", { class: "table-wrap" }, h("table", { id: "residents" },
        h("caption", { class: "visually-hidden", text: "Residents" }),
        h("thead", {}, h("tr", {}, ["Name", "Room", "Home", "Status", "Open incidents"].map(function (c) { return h("th", { scope: "col", text: c }); }))),
        h("tbody", {}, res[0].map(function (r) {
          return h("tr", { "data-resident": r.id },
            h("td", {}, h("a", { href: "#/residents/" + r.id, text: r.fullName }), r.preferredName ? " (" + r.preferredName + ")" : ""),
            h("td", { text: r.room || "" }), h("td", { text: r.facilityName || "" }), h("td", { text: words(r.status) }),
            h("td", { text: String(openBy[r.id] || 0) }));
        }))));
      append(clear($("view")), [heading, res[0].length ? table : h("p", { text: "No residents yet." })]);
    }).catch(failed);
  }
  function renderResident(first, id) {
    loading(first, "Resident");
    var me = state.route;
    var staff = isStaff();
    Promise.all([get("/api/residents/" + id),
      staff ? get("/api/residents/" + id + "/reminders") : Promise.resolve(null),
      staff ? get("/api/residents/" + id + "/interactions?limit=10") : Promise.resolve(null),
      get("/api/incidents?residentId=" + id + "&limit=50")]).then(function (res) {
      if (!stillOn(me)) { return; }
      var r = res[0];
      var heading = $("view").querySelector("h1");
      heading.textContent = r.fullName;
      var profile = h("section", { class: "card", "aria-labelledby": "profile-h" }, h("h2", { id: "profile-h", text: "Profile" }),
        h("dl", { class: "facts", id: "profile" },
          h("dt", { text: "Preferred name" }), h("dd", { text: r.preferredName || "—" }),
          h("dt", { text: "Home" }), h("dd", { text: r.facilityName || "" }),
          h("dt", { text: "Room" }), h("dd", { text: r.room || "—" }),
          r.dateOfBirth !== undefined ? [h("dt", { text: "Date of birth" }), h("dd", { text: r.dateOfBirth || "—" })] : null,
          h("dt", { text: "Status" }), h("dd", { text: words(r.status) }),
          r.notes ? [h("dt", { text: "Notes" }), h("dd", { text: r.notes })] : null));
      var reminders = res[1] ? h("section", { class: "card", "aria-labelledby": "rem-h" }, h("h2", { id: "rem-h", text: "Care reminders" }),
        res[1].length === 0 ? h("p", { class: "muted", text: "No reminders." }) : h("ul", { class: "plain", id: "reminders" }, res[1].map(function (m) {
          return h("li", {}, h("strong", { text: words(m.kind) }), ": " + m.text,
            h("div", { class: "muted" }, m.active && m.nextDueAt ? ["Next: ", timeEl(m.nextDueAt, false)] : "Inactive",
              m.assignedRole ? " · for " + words(m.assignedRole) : ""));
        }))) : null;
      var interactions = res[2] ? h("section", { class: "card", "aria-labelledby": "int-h" }, h("h2", { id: "int-h", text: "Recent interactions" }),
        res[2].length === 0 ? h("p", { class: "muted", text: "No conversations recorded." }) : h("ul", { class: "plain", id: "interactions" }, res[2].map(function (c) {
          var text = c.text || (c.turns || []).map(function (t) { return t.speaker + ": " + t.text; }).join(" / ");
          return h("li", {}, h("div", { class: "muted" }, timeEl(c.startedAt || c.createdAt, false), c.location ? " · " + c.location : "",
            " · " + words(c.source)), h("blockquote", { text: text.length > 300 ? text.substring(0, 300) + "…" : text }),
            c.incidentId ? h("a", { href: "#/incidents/" + c.incidentId, text: "Incident raised" }) : null);
        }))) : null;
      var incidents = res[3].items;
      var timeline = h("section", { class: "card", "aria-labelledby": "inc-h" }, h("h2", { id: "inc-h", text: "Incidents" }),
        incidents.length === 0 ? h("p", { class: "muted", text: "No incidents." }) : h("ol", { class: "timeline", id: "resident-incidents" }, incidents.map(function (i) {
          return h("li", { "data-incident": i.id }, badge(i.severity), " ", h("a", { href: "#/incidents/" + i.id, text: i.summary }),
            h("div", { class: "muted" }, statusEl(i.status), " · ", timeEl(i.detectedAt, false)));
        })));
      var note = staff ? noteForm(r.id) : null;
      append(clear($("view")), [heading, h("div", { class: "grid2" }, profile, timeline), h("div", { class: "grid2" }, reminders, interactions), note]);
    }).catch(failed);
  }
  // Resolving and reopening an incident both take a note: the form "<action>-form" posts it to
  // /api/incidents/<id>/<action>, says opts.done and refreshes; the API's field errors show by the field.
  function incidentNoteForm(incidentId, action, opts) {
    var form = h("form", { id: action + "-form", novalidate: true },
      field(opts.fieldId, opts.label, { name: "note", tag: "textarea", required: true }),
      h("button", opts.button));
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      post("/api/incidents/" + incidentId + "/" + action, { note: values(form).note }).then(function () {
        say(opts.done); refreshAll();
      }, function (err) { fieldErrors(form, err); });
    });
    return form;
  }
  function noteForm(residentId) {
    var form = h("form", { id: "note-form", class: "card", novalidate: true }, h("h2", { text: "Add a care note" }),
      field("note-text", "What happened or was said", { name: "text", tag: "textarea", required: true,
        hint: "Notes are screened for incidents like companion conversations." }),
      h("button", { type: "submit", text: "Save note" }));
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      post("/api/residents/" + residentId + "/interactions", { text: values(form).text, location: "care note" }).then(function () {
        form.reset(); say("Note saved; it is being screened."); setTimeout(refreshAll, 1500);
      }, function (err) { fieldErrors(form, err); });
    });
    return form;
  }
  function renderFamily(first) {
    loading(first, "My family");
    var me = state.route;
    Promise.all([get("/api/residents"), get("/api/incidents?limit=50")]).then(function (res) {
      if (!stillOn(me)) { return; }
      var heading = $("view").querySelector("h1");
      var cards = res[0].map(function (r) {
        var theirs = res[1].items.filter(function (i) { return i.residentId === r.id; });
        return h("section", { class: "card", "data-resident": r.id, "aria-labelledby": "fam-" + r.id },
          h("h2", { id: "fam-" + r.id, text: r.fullName + (r.preferredName ? " (" + r.preferredName + ")" : "") }),
          h("dl", { class: "facts" }, h("dt", { text: "Home" }), h("dd", { text: r.facilityName || "" }),
            h("dt", { text: "Room" }), h("dd", { text: r.room || "—" })),
          h("h3", { text: "Recent events" }),
          theirs.length === 0 ? h("p", { class: "muted", text: "Nothing to report." }) : h("ul", { class: "plain" }, theirs.map(function (i) {
            return h("li", {}, badge(i.severity), " " + i.summary, h("div", { class: "muted" }, statusEl(i.status), " · ", timeEl(i.detectedAt, false)));
          })));
      });
      append(clear($("view")), [heading, cards.length ? cards : h("p", { text: "No resident is linked to your account yet; the care home can link one." })]);
    }).catch(failed);
  }
  function renderAdmin(first) {
    loading(first, "Administration");
    if (!isAdmin()) {
      var heading0 = $("view").querySelector("h1");
      heading0.textContent = "Not available";
      append(clear($("view")), [heading0, h("p", { id: "not-allowed", text: "Only an organisation administrator can open the administration." })]);
      return;
    }
    var me = state.route;
    Promise.all([get("/api/users"), get("/api/facilities")]).then(function (res) {
      if (!stillOn(me)) { return; }
      var heading = $("view").querySelector("h1");
      var users = h("section", { class: "card", "aria-labelledby": "users-h" }, h("h2", { id: "users-h", text: "Users" }),
        h("div", { class: "table-wrap" }, h("table", { id: "users" },
          h("thead", {}, h("tr", {}, ["Name", "E-mail", "Role"].map(function (c) { return h("th", { scope: "col", text: c }); }))),
          h("tbody", {}, res[0].map(function (u) {
            return h("tr", {}, h("td", { text: u.displayName }), h("td", { text: u.email }), h("td", { text: words(u.role) }));
          })))));
      var userForm = h("form", { id: "user-form", class: "card", novalidate: true }, h("h2", { text: "Add a user" }),
        field("u-name", "Name", { name: "displayName", type: "text", required: true }),
        field("u-email", "E-mail address", { name: "email", type: "email", required: true }),
        field("u-role", "Role", { name: "role", tag: "select", options: ROLES }),
        field("u-password", "First password", { name: "password", type: "password", autocomplete: "new-password", required: true, hint: "At least 12 characters." }),
        h("button", { type: "submit", text: "Add user" }));
      userForm.addEventListener("submit", function (e) {
        e.preventDefault();
        post("/api/users", values(userForm)).then(function (u) { say("Added " + u.displayName + "."); renderAdmin(false); },
          function (err) { fieldErrors(userForm, err); });
      });
      var facilities = h("section", { class: "card", "aria-labelledby": "fac-h" }, h("h2", { id: "fac-h", text: "Care homes" }),
        h("ul", { class: "plain", id: "facilities" }, res[1].map(function (f) {
          return h("li", {}, h("strong", { text: f.name }), " · " + (f.timeZone || ""), f.address ? " · " + f.address : "");
        })));
      var facilityForm = h("form", { id: "facility-form", class: "card", novalidate: true }, h("h2", { text: "Add a care home" }),
        field("f-name", "Name", { name: "name", type: "text", required: true }),
        field("f-tz", "Time zone", { name: "timeZone", type: "text", value: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", hint: "For example Europe/London." }),
        field("f-address", "Address", { name: "address", type: "text" }),
        h("button", { type: "submit", text: "Add care home" }));
      facilityForm.addEventListener("submit", function (e) {
        e.preventDefault();
        var v = values(facilityForm);
        post("/api/facilities", { name: v.name, timeZone: v.timeZone || null, address: v.address || null }).then(function (f) {
          say("Added " + f.name + "."); renderAdmin(false);
        }, function (err) { fieldErrors(facilityForm, err); });
      });
      append(clear($("view")), [heading, h("div", { class: "grid2" }, users, userForm), h("div", { class: "grid2" }, facilities, facilityForm)]);
    }).catch(failed);
  }

  boot();
}());
