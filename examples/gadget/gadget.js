// A gadget that points at finessed with nothing but the event tunnel and
// REST: it signs in to the tunnel, shows the user's state as events
// arrive, and changes it over REST. docs/tunnel.md is the tunnel's
// protocol. The page must be served on the REST API's origin (main.go
// beside it proxies /finesse/ there), as a gadget container would.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  // The notification service: ?notify=URL, else Finesse's 7071 on this host.
  var notify = new URLSearchParams(location.search).get("notify") || "http://" + location.hostname + ":7071";
  var tunnelOrigin = new URL(notify).origin;
  var frame = null, auth = "", id = "";

  function rest(method, path, body) {
    return fetch("/finesse/api/" + path, {
      method: method,
      headers: { Authorization: auth, "Content-Type": "application/xml" },
      body: body
    }).then(function (r) { return r.text().then(function (t) { return { status: r.status, text: t }; }); });
  }

  function showState(xml) {
    var doc = new DOMParser().parseFromString(xml, "application/xml");
    var s = doc.getElementsByTagName("state")[0];
    if (s) $("state").textContent = s.textContent;
  }

  $("login").addEventListener("submit", function (ev) {
    ev.preventDefault();
    id = $("id").value.trim();
    var password = $("password").value;
    auth = "Basic " + btoa(id + ":" + password);
    rest("GET", "SystemInfo").then(function (r) {
      if (r.status !== 200) { $("status").textContent = "REST refused: " + r.status; return; }
      var domain = new DOMParser().parseFromString(r.text, "application/xml").getElementsByTagName("xmppDomain")[0].textContent;
      if (frame) frame.remove();
      frame = document.createElement("iframe");
      frame.hidden = true;
      frame.title = "event tunnel";
      frame.src = notify + "/tunnel/";
      document.body.appendChild(frame);
      window.onmessage = function (e) {
        if (e.source !== frame.contentWindow || e.origin !== tunnelOrigin) return;
        var m = e.data;
        if (m.type === "ready") {
          frame.contentWindow.postMessage({ type: "connect", id: id, password: password, domain: domain, resource: "gadget" }, tunnelOrigin);
        } else if (m.type === "status") {
          $("status").textContent = m.status;
          if (m.status === "connected") rest("GET", "User/" + id).then(function (u) { showState(u.text); });
        } else if (m.type === "error") {
          $("status").textContent = "error: " + m.condition;
        } else if (m.type === "notification") {
          var li = document.createElement("li");
          li.textContent = m.node + ": " + m.payload.replace(/\s+/g, " ").slice(0, 160);
          $("log").prepend(li);
          if (m.node === "/finesse/api/User/" + id) showState(m.payload);
        }
      };
    });
  });

  function setState(state) {
    rest("PUT", "User/" + id, "<User><state>" + state + "</state></User>");
  }
  $("ready").addEventListener("click", function () { setState("READY"); });
  $("notready").addEventListener("click", function () { setState("NOT_READY"); });
})();
