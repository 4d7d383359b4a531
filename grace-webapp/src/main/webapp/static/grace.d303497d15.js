// Grace staff page: sign in, see who you are, sign out. Talks only to /api on this origin; the access token stays
// in an HttpOnly cookie, and every state change echoes the grace_csrf cookie in X-CSRF-Token.
(function () {
  "use strict";
  function csrf() {
    var m = document.cookie.match(/(?:^|; )grace_csrf=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function call(method, path, body) {
    var headers = { "Accept": "application/json" };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    if (method !== "GET") { headers["X-CSRF-Token"] = csrf(); }
    return fetch(path, { method: method, headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
        return r.status === 204 ? { status: 204, body: null }
          : r.json().then(function (j) { return { status: r.status, body: j }; });
      });
  }
  function show(id, on) { document.getElementById(id).hidden = !on; }
  function say(text) { document.getElementById("message").textContent = text || ""; }
  function me() {
    return call("GET", "/api/auth/me").then(function (r) {
      if (r.status === 401 && csrf()) {
        return call("POST", "/api/auth/refresh").then(function (rr) { return rr.status === 200 ? me() : r; });
      }
      return r;
    }).then(function (r) {
      var signedIn = r.status === 200;
      show("signin", !signedIn);
      show("profile", signedIn);
      if (signedIn) {
        document.getElementById("name").textContent = r.body.displayName;
        document.getElementById("role").textContent = r.body.role.replace(/_/g, " ");
        document.getElementById("organization").textContent = r.body.organizationName;
      }
      return r;
    });
  }
  document.getElementById("signin").addEventListener("submit", function (e) {
    e.preventDefault();
    say("");
    call("POST", "/api/auth/login", {
      email: document.getElementById("email").value,
      password: document.getElementById("password").value
    }).then(function (r) {
      if (r.status === 200) { document.getElementById("password").value = ""; return me(); }
      say(r.body && r.body.message ? r.body.message : "Sign-in failed (" + r.status + ")");
    });
  });
  document.getElementById("signout").addEventListener("click", function () {
    call("POST", "/api/auth/logout").then(function () { say("Signed out."); me(); });
  });
  me();
}());
