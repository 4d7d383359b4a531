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
  function clear(el) {
    // Only the view's own clearing ends a live redraw: a view builds parts (a form slot) before it clears itself.
    var kept = null;
    if (el.id === "view") {
      kept = keepTyping ? typed(el) : null;
      keepTyping = false;
    }
    while (el.firstChild) { el.removeChild(el.firstChild); }
    if (kept) { Promise.resolve().then(function () { retype(kept); }); }     // after the new view is appended
    return el;
  }
  // A live redraw of the view (refreshAll) keeps what the person was typing: the fields they changed, by id, and
  // the focus. Any other redraw (a new route, after a save) starts from clean forms.
  var keepTyping = false;
  function typed(view) {
    var a = document.activeElement;
    var out = { fields: {}, focus: a && a.id && view.contains(a) ? a.id : null };
    Array.prototype.forEach.call(view.querySelectorAll("[data-touched]"), function (f) { if (f.id) { out.fields[f.id] = f.value; } });
    return out;
  }
  function retype(kept) {
    Object.keys(kept.fields).forEach(function (id) {
      var f = $(id);
      if (f) { f.value = kept.fields[id]; f.setAttribute("data-touched", ""); }
    });
    var a = document.activeElement;
    if (kept.focus && $(kept.focus) && (!a || a === document.body)) { $(kept.focus).focus(); }
  }
  ["input", "change"].forEach(function (type) {
    $("view").addEventListener(type, function (e) { if (e.target.id) { e.target.setAttribute("data-touched", ""); } });
  });
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
  function send(method, path, body) { return api(method, path, body).then(must); }
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
      li.hidden = !(roles === "staff" ? isStaff() : has(roles.split(" "), user.role));
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
        // "schedule.weekdays[1]" shows by the field named "weekdays", else by "schedule".
        var parts = name.split(/[.\[]/);
        var input = form.querySelector("[name='" + name + "']") || form.querySelector("[name='" + parts[1] + "']")
          || form.querySelector("[name='" + parts[0] + "']");
        if (input && !document.getElementById(input.id + "-error")) {
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
      // Options are values shown in words, or {value, label}; attrs.value is the one selected.
      input = h("select", a, attrs.options.map(function (o) {
        var value = typeof o === "object" ? o.value : o;
        return h("option", { value: value, text: typeof o === "object" ? o.label : words(o),
          selected: attrs.value !== undefined && String(attrs.value) === String(value) });
      }));
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
      if (state.route && state.route.live) { keepTyping = true; state.route.render(false); }
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
    shownCredential = null;
    editingReminder = null;
    keepTyping = false;
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
      var reminders = res[1] ? reminderSection(r.id, res[1]) : null;
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
  // ---------- a resident's care reminders (managers change them) ----------
  var KINDS = ["medication", "meal", "hydration", "personal_care", "appointment"];
  function scheduleText(s) {
    if (!s) { return ""; }
    return s.cron ? s.cron : (s.times || []).join(", ");
  }
  function reminderSection(residentId, list) {
    var manager = has(MANAGERS, state.user.role);
    var formSlot = h("div", { id: "reminder-form-slot" });
    var items = list.length === 0 ? h("p", { class: "muted", text: "No reminders." }) : h("ul", { class: "plain", id: "reminders" }, list.map(function (m) {
      return h("li", { "data-reminder": m.id }, h("strong", { text: words(m.kind) }), ": " + m.text,
        h("div", { class: "muted" }, m.active && m.nextDueAt ? ["Next: ", timeEl(m.nextDueAt, false)] : "Inactive",
          m.assignedRole ? " · for " + words(m.assignedRole) : "", " · " + scheduleText(m.schedule)),
        manager ? h("div", { class: "actions" },
          rowButton("Edit", "reminder " + m.text, { "data-edit-reminder": m.id }, null, function () {
            showReminderForm(formSlot, residentId, m);
            return Promise.resolve();
          }),
          rowButton("Delete", "reminder " + m.text, { "data-delete-reminder": m.id, class: "danger" },
            "Delete the reminder \u201c" + m.text + "\u201d?", function () {
              return send("DELETE", "/api/residents/" + residentId + "/reminders/" + m.id).then(function () {
                say("Reminder deleted."); state.route.render(false);
              });
            })) : null);
    }));
    if (manager) { showReminderForm(formSlot, residentId, list.filter(function (m) { return m.id === editingReminder; })[0] || null); }
    return h("section", { class: "card", "aria-labelledby": "rem-h" }, h("h2", { id: "rem-h", text: "Care reminders" }), items, formSlot);
  }
  // The form adds a reminder, or (m given) changes m; times of day or a cron expression, in the home's time zone.
  var editingReminder = null;      // id of the reminder whose form is open, kept through live redraws
  function showReminderForm(slot, residentId, m) {
    editingReminder = m ? m.id : null;
    var s = m ? m.schedule || {} : {};
    var form = h("form", { id: "reminder-form", novalidate: true, "aria-labelledby": "rem-form-h" },
      h("h3", { id: "rem-form-h", tabindex: "-1", text: m ? "Change the reminder" : "Add a reminder" }),
      field("rm-kind", "Kind", { name: "kind", tag: "select", options: KINDS, value: m ? m.kind : undefined }),
      field("rm-text", "What to do", { name: "text", tag: "textarea", required: true, value: m ? m.text : undefined }),
      field("rm-schedule", "When", { name: "schedule", type: "text", required: true, value: scheduleText(s) || undefined,
        hint: "Times of day separated by commas (08:00, 20:00), or a cron expression (0 8 * * MON-FRI), in the care home's time." }),
      field("rm-weekdays", "Only on these days (optional)", { name: "weekdays", type: "text", value: (s.weekdays || []).join(", ") || undefined,
        hint: "For example MON, THU. Empty: every day. Not with a cron expression." }),
      field("rm-role", "Who is reminded", { name: "assignedRole", tag: "select", options: ["care_staff", "care_manager", "facility_director"],
        value: m ? m.assignedRole : undefined }),
      h("div", { class: "actions" }, h("button", { type: "submit", text: m ? "Save reminder" : "Add reminder" }),
        m ? h("button", { type: "button", class: "quiet", text: "Cancel", onclick: function () { showReminderForm(slot, residentId, null); } }) : null));
    var text = m ? form.querySelector("#rm-text") : null;
    if (text) { text.value = m.text; }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      say("");
      var v = values(form);
      var when = v.schedule.trim();
      var schedule = /^\d{1,2}:\d{2}/.test(when)
        ? { times: when.split(/\s*,\s*/).filter(Boolean) } : { cron: when };
      var days = v.weekdays.trim();
      if (days) { schedule.weekdays = days.toUpperCase().split(/[\s,]+/).filter(Boolean); }
      var body = { kind: v.kind, text: v.text, schedule: schedule, assignedRole: v.assignedRole,
        assignedUserIds: m ? m.assignedUserIds : null, active: m ? m.active : true };
      (m ? send("PUT", "/api/residents/" + residentId + "/reminders/" + m.id, body)
        : post("/api/residents/" + residentId + "/reminders", body)).then(function () {
        editingReminder = null;
        clear(slot);                 // nothing of this form is kept by a redraw
        say(m ? "Reminder saved." : "Reminder added."); state.route.render(false);
      }, function (err) { fieldErrors(form, err); });
    });
    append(clear(slot), form);
    if (m) { form.querySelector("h3").focus(); }
  }
  // ---------- administration ----------
  // A card form: submit sends values(form) through run(v), which returns a promise; the API's field errors show by
  // their fields, its message on top.
  function cardForm(id, title, fields, button, run) {
    var form = h("form", { id: id, class: "card", novalidate: true }, h("h2", { text: title }), fields,
      h("button", { type: "submit", text: button }));
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      say("");
      run(values(form)).then(null, function (err) { fieldErrors(form, err); });
    });
    return form;
  }
  // A button in a table row: its visible label plus, for screen readers, what it acts on. When confirmText is
  // given the browser asks first; then run() and show done(result).
  function rowButton(label, about, attrs, confirmText, run) {
    var a = { type: "button", class: attrs.class || "quiet" };
    Object.keys(attrs).forEach(function (k) { if (k !== "class") { a[k] = attrs[k]; } });
    a.onclick = function () {
      if (confirmText && !window.confirm(confirmText)) { return; }
      say("");
      run().then(null, failed);
    };
    return h("button", a, label, h("span", { class: "visually-hidden", text: " " + about }));
  }
  function table(id, caption, columns, rows) {
    return h("div", { class: "table-wrap" }, h("table", { id: id },
      h("caption", { class: "visually-hidden", text: caption }),
      h("thead", {}, h("tr", {}, columns.map(function (c) { return h("th", { scope: "col", text: c }); }))),
      h("tbody", {}, rows)));
  }
  function idOrNull(v) { return v === "" || v === undefined ? null : Number(v); }
  function canAdminister() { return state.user && has(["organization_admin", "facility_director"], state.user.role); }
  var shownCredential = null;      // {name, credential} of the device just created: shown until the page changes

  function renderAdmin(first) {
    loading(first, "Administration");
    if (!canAdminister()) {
      var heading0 = $("view").querySelector("h1");
      heading0.textContent = "Not available";
      append(clear($("view")), [heading0, h("p", { id: "not-allowed",
        text: "Only an organisation administrator or a facility director can open the administration." })]);
      return;
    }
    var me = state.route;
    Promise.all([get("/api/users"), get("/api/facilities"), get("/api/residents"), get("/api/devices")]).then(function (res) {
      var active = res[2].filter(function (r) { return r.status === "active"; });
      return Promise.all([Promise.all(res[1].map(function (f) { return get("/api/facilities/" + f.id + "/staff"); })),
        Promise.all(active.map(function (r) { return get("/api/residents/" + r.id + "/family"); }))])
        .then(function (more) { return { users: res[0], facilities: res[1], residents: res[2], active: active,
          devices: res[3], staffOf: more[0], familyOf: more[1] }; });
    }).then(function (d) {
      if (!stillOn(me)) { return; }
      var heading = $("view").querySelector("h1");
      // Lists full width (their tables need it), the forms that go with them side by side below.
      var people = isAdmin() ? [usersSection(d), h("div", { class: "grid2" }, userForm(), staffForm(d)),
        h("div", { class: "grid2" }, facilitiesSection(d), facilityForm())] : [h("div", { class: "grid2" }, facilitiesSection(d), staffForm(d))];
      append(clear($("view")), [heading, people, residentsSection(d),
        h("div", { class: "grid2" }, residentForm(d), familyForm(d)),
        devicesSection(d), h("div", { class: "grid2" }, deviceForm(d))]);
    }).catch(failed);
  }
  function adminDone(text) { say(text); renderAdmin(false); }
  function facilityName(d, id) {
    var f = d.facilities.filter(function (x) { return x.id === id; })[0];
    return f ? f.name : "";
  }
  function usersSection(d) {
    return h("section", { class: "card", "aria-labelledby": "users-h" }, h("h2", { id: "users-h", text: "Users" }),
      table("users", "Users", ["Name", "E-mail", "Role", "Status", "Actions"], d.users.map(function (u) {
        var self = u.id === state.user.id;
        var role = self ? words(u.role) : h("div", { class: "inline" },
          h("label", { for: "role-" + u.id, class: "visually-hidden", text: "Role of " + u.displayName }),
          h("select", { id: "role-" + u.id, "data-role-of": u.id }, ROLES.map(function (r) {
            return h("option", { value: r, text: words(r), selected: r === u.role });
          })),
          rowButton("Change role", "of " + u.displayName, { "data-change-role": u.id }, null, function () {
            var to = $("role-" + u.id).value;
            return send("PATCH", "/api/users/" + u.id, { role: to }).then(function (x) {
              adminDone(x.displayName + " is now " + words(x.role) + ".");
            });
          }));
        var actions = self ? h("span", { class: "muted", text: "You" }) : u.deactivatedAt
          ? rowButton("Reactivate", u.displayName, { "data-reactivate": u.id }, null, function () {
            return post("/api/users/" + u.id + "/reactivate").then(function (x) { adminDone(x.displayName + " can sign in again."); });
          })
          : rowButton("Deactivate", u.displayName, { "data-deactivate": u.id, class: "danger" },
            "Deactivate " + u.displayName + "? They will no longer be able to sign in; their records stay.", function () {
              return post("/api/users/" + u.id + "/deactivate").then(function (x) { adminDone(x.displayName + " is deactivated."); });
            });
        return h("tr", { "data-user": u.id }, h("td", { text: u.displayName }), h("td", { text: u.email }), h("td", {}, role),
          h("td", { "data-status": u.deactivatedAt ? "deactivated" : "active" },
            u.deactivatedAt ? ["Deactivated ", timeEl(u.deactivatedAt, false)] : "Active"), h("td", {}, actions));
      })));
  }
  function userForm() {
    return cardForm("user-form", "Add a user", [
      field("u-name", "Name", { name: "displayName", type: "text", required: true }),
      field("u-email", "E-mail address", { name: "email", type: "email", required: true }),
      field("u-role", "Role", { name: "role", tag: "select", options: ROLES }),
      field("u-password", "First password", { name: "password", type: "password", autocomplete: "new-password", required: true, hint: "At least 12 characters." })],
      "Add user", function (v) { return post("/api/users", v).then(function (u) { adminDone("Added " + u.displayName + "."); }); });
  }
  function facilitiesSection(d) {
    return h("section", { class: "card", "aria-labelledby": "fac-h" }, h("h2", { id: "fac-h", text: "Care homes and their staff" }),
      h("ul", { class: "plain", id: "facilities" }, d.facilities.map(function (f, i) {
        return h("li", { "data-facility": f.id }, h("strong", { text: f.name }), " · " + (f.timeZone || ""), f.address ? " · " + f.address : "",
          d.staffOf[i].length === 0 ? h("p", { class: "muted", text: "No staff assigned." }) : h("ul", { class: "staff" }, d.staffOf[i].map(function (m) {
            return h("li", { "data-staff": m.userId }, m.displayName + " (" + words(m.role) + ") ",
              rowButton("Remove", m.displayName + " from " + f.name, { "data-remove-staff": f.id + ":" + m.userId }, null, function () {
                return send("DELETE", "/api/facilities/" + f.id + "/staff/" + m.userId).then(function () {
                  adminDone(m.displayName + " no longer works at " + f.name + ".");
                });
              }));
          })));
      })));
  }
  function facilityForm() {
    return cardForm("facility-form", "Add a care home", [
      field("f-name", "Name", { name: "name", type: "text", required: true }),
      field("f-tz", "Time zone", { name: "timeZone", type: "text", value: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", hint: "For example Europe/London." }),
      field("f-address", "Address", { name: "address", type: "text" })],
      "Add care home", function (v) {
        return post("/api/facilities", { name: v.name, timeZone: v.timeZone || null, address: v.address || null })
          .then(function (f) { adminDone("Added " + f.name + "."); });
      });
  }
  function facilityOptions(d) { return d.facilities.map(function (f) { return { value: f.id, label: f.name }; }); }
  function staffForm(d) {
    var staffUsers = d.users.filter(function (u) { return u.role !== "family" && !u.deactivatedAt; });
    return cardForm("staff-form", "Assign staff to a care home", [
      field("s-facility", "Care home", { name: "facilityId", tag: "select", options: facilityOptions(d) }),
      field("s-user", "Staff member", { name: "userId", tag: "select", options: staffUsers.map(function (u) {
        return { value: u.id, label: u.displayName + " (" + words(u.role) + ")" };
      }) })], "Assign", function (v) {
      return send("PUT", "/api/facilities/" + v.facilityId + "/staff/" + v.userId).then(function () {
        adminDone("Assigned to " + facilityName(d, Number(v.facilityId)) + ".");
      });
    });
  }
  function residentsSection(d) {
    return h("section", { class: "card", "aria-labelledby": "res-h" }, h("h2", { id: "res-h", text: "Residents and family" }),
      table("admin-residents", "Residents and family", ["Name", "Home", "Family", "Status"], d.residents.map(function (r) {
        var i = d.active.indexOf(r);
        var family = i < 0 ? [] : d.familyOf[i];
        return h("tr", { "data-resident": r.id }, h("td", {}, h("a", { href: "#/residents/" + r.id, text: r.fullName }), r.room ? " · " + r.room : ""),
          h("td", { text: r.facilityName || "" }),
          h("td", { class: "family" }, family.map(function (l) { return h("div", { text: l.displayName + " (" + l.relationship + ")" }); })),
          h("td", {}, r.status === "active" ? rowButton("Discharge", r.fullName, { "data-discharge": r.id },
            "Discharge " + r.fullName + "? Their records stay; they leave the lists of current residents.", function () {
              return send("PATCH", "/api/residents/" + r.id, { status: "discharged" }).then(function (x) { adminDone(x.fullName + " is discharged."); });
            }) : words(r.status)));
      })));
  }
  function residentForm(d) {
    return cardForm("resident-form", "Add a resident", [
      field("r-facility", "Care home", { name: "facilityId", tag: "select", options: facilityOptions(d) }),
      field("r-name", "Full name", { name: "fullName", type: "text", required: true }),
      field("r-preferred", "Preferred name", { name: "preferredName", type: "text" }),
      field("r-room", "Room", { name: "room", type: "text" }),
      field("r-dob", "Date of birth", { name: "dateOfBirth", type: "date" })], "Add resident", function (v) {
      return post("/api/residents", { facilityId: idOrNull(v.facilityId), fullName: v.fullName, preferredName: v.preferredName || null,
        room: v.room || null, dateOfBirth: v.dateOfBirth || null }).then(function (r) { adminDone("Added " + r.fullName + "."); });
    });
  }
  function familyForm(d) {
    var family = d.users.filter(function (u) { return u.role === "family" && !u.deactivatedAt; });
    return cardForm("family-form", "Link a family member", [
      field("l-resident", "Resident", { name: "residentId", tag: "select", options: d.active.map(function (r) {
        return { value: r.id, label: r.fullName + (r.room ? " (" + r.room + ")" : "") };
      }) }),
      field("l-user", "Family member", { name: "userId", tag: "select", options: family.map(function (u) {
        return { value: u.id, label: u.displayName + " (" + u.email + ")" };
      }), hint: family.length ? null : "Add a user with the role family first." }),
      field("l-relationship", "Relationship", { name: "relationship", type: "text", required: true, hint: "For example daughter or nephew." })],
      "Link", function (v) {
        return post("/api/residents/" + v.residentId + "/family", { userId: idOrNull(v.userId), relationship: v.relationship })
          .then(function (l) { adminDone(l.displayName + " is linked as " + l.relationship + "."); });
      });
  }
  function devicesSection(d) {
    var names = {};
    d.residents.forEach(function (r) { names[r.id] = r.fullName; });
    var shown = shownCredential ? h("div", { class: "credential", id: "new-credential", role: "status" },
      h("p", {}, h("strong", { text: "Credential for " + shownCredential.name + ": " }), h("code", { id: "credential", text: shownCredential.credential })),
      h("p", { text: "Enter it on the device now: it is shown only this once and cannot be shown again." })) : null;
    return h("section", { class: "card", "aria-labelledby": "dev-h" }, h("h2", { id: "dev-h", text: "Companion devices" }), shown,
      d.devices.length === 0 ? h("p", { class: "muted", text: "No devices yet." }) :
        table("devices", "Companion devices", ["Name", "Home and resident", "Credential starts", "Status"], d.devices.map(function (x) {
          return h("tr", { "data-device": x.id }, h("td", { text: x.name }),
            h("td", { text: facilityName(d, x.facilityId) + (x.residentId ? " · " + (names[x.residentId] || "") : "") }),
            h("td", {}, h("code", { text: x.credentialHint })),
            h("td", {}, x.revokedAt ? ["Revoked ", timeEl(x.revokedAt, false)] : [x.lastSeenAt ? ["Seen ", timeEl(x.lastSeenAt, true), " "] : "Never seen ",
              rowButton("Revoke", x.name, { "data-revoke": x.id, class: "danger" },
                "Revoke " + x.name + "? The device stops working at once.", function () {
                  return post("/api/devices/" + x.id + "/revoke").then(function (y) { shownCredential = null; adminDone(y.name + " is revoked."); });
                })]));
        })));
  }
  function deviceForm(d) {
    return cardForm("device-form", "Add a companion device", [
      field("d-facility", "Care home", { name: "facilityId", tag: "select", options: facilityOptions(d) }),
      field("d-resident", "Resident (optional)", { name: "residentId", tag: "select", options: [{ value: "", label: "Shared by the care home" }]
        .concat(d.active.map(function (r) { return { value: r.id, label: r.fullName + " · " + (r.facilityName || "") }; })) }),
      field("d-name", "Name", { name: "name", type: "text", required: true, hint: "For example Lounge tablet." })],
      "Create device", function (v) {
        return post("/api/devices", { facilityId: idOrNull(v.facilityId), residentId: idOrNull(v.residentId), name: v.name }).then(function (c) {
          shownCredential = { name: c.device.name, credential: c.credential };
          adminDone("Created " + c.device.name + ": copy its credential now.");
        });
      });
  }

  boot();
}());
