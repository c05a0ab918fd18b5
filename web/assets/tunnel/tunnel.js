// The event tunnel: a page a gadget container loads in a hidden iframe
// from the notification service's own origin. The container hands it
// credentials with postMessage; the tunnel signs in over XMPP (WebSocket
// or BOSH, on this page's origin), and from then on passes each pubsub
// notification up as {type: "notification", node, payload} and carries
// subscribe and unsubscribe requests down. docs/tunnel.md is the protocol.
(function () {
  "use strict";

  // strophe.js 5's UMD bundle sets the globals Strophe, $iq and $pres.
  var Strophe = window.Strophe, $iq = window.$iq, $pres = window.$pres;
  var NS_PUBSUB = "http://jabber.org/protocol/pubsub";
  var NS_EVENT = "http://jabber.org/protocol/pubsub#event";
  var NS_PING = "urn:xmpp:ping";
  var PING_EVERY = 10000; // ms, as desktops do
  var PING_MISSES = 3; // a ping and its two retries unanswered: the link is dead

  var params = new URLSearchParams(location.search);
  var onlyOrigin = params.get("origin"); // optional: accept one parent origin only

  var parentOrigin = null; // learnt from the connect message
  var creds = null; // {id, password, domain, resource, transport}
  var conn = null;
  var status = "";
  var finesseUp = false; // presence from finesse@domain seen, and available
  var wanted = false; // the parent wants a connection
  var pingTimer = null;
  var misses = 0;
  var retryTimer = null;
  var retryDelay = 0;

  function post(msg) {
    if (window.parent === window) return;
    window.parent.postMessage(msg, parentOrigin || "*");
  }

  function setStatus(s, detail) {
    if (s === status) return;
    status = s;
    document.getElementById("status").textContent = s;
    var msg = { type: "status", status: s };
    if (detail) msg.detail = detail;
    post(msg);
  }

  function serviceURL(transport) {
    var secure = location.protocol === "https:";
    if (transport === "bosh") return location.origin + "/http-bind";
    return (secure ? "wss://" : "ws://") + location.host + "/ws";
  }

  function connect() {
    clearTimeout(retryTimer);
    finesseUp = false;
    misses = 0;
    setStatus("connecting");
    var c = new Strophe.Connection(serviceURL(creds.transport));
    conn = c;
    var jid = String(creds.id).toLowerCase() + "@" + creds.domain + "/" + (creds.resource || "tunnel");
    c.addHandler(function (m) { onMessage(m); return true; }, null, "message");
    c.addHandler(function (p) { onPresence(p); return true; }, null, "presence");
    c.addHandler(function (iq) { onPingFromServer(c, iq); return true; }, NS_PING, "iq", "get");
    c.connect(jid, creds.password, function (st, cond) { onConnStatus(c, st, cond); });
  }

  function onConnStatus(c, st, cond) {
    if (c !== conn) return; // an earlier connection's last words
    var Status = Strophe.Status;
    switch (st) {
      case Status.CONNECTED:
        // Signed in and bound; "connected" waits for finesse's presence.
        c.send($pres().c("priority").t("0"));
        startPing();
        break;
      case Status.AUTHFAIL:
        wanted = false;
        post({ type: "error", condition: "not-authorized", text: "the notification service refused the credentials" });
        break;
      case Status.CONNFAIL:
      case Status.ERROR:
        if (cond && String(cond).indexOf("conflict") >= 0) {
          // Another session signed in under the same full JID and took
          // this one's place: do not fight it for the resource.
          wanted = false;
          post({ type: "error", condition: "conflict", text: "another session signed in with this resource" });
        } else if (cond) {
          post({ type: "error", condition: String(cond) });
        }
        break;
      case Status.DISCONNECTED:
        lost();
        break;
    }
  }

  function lost() {
    stopPing();
    conn = null;
    finesseUp = false;
    setStatus("disconnected");
    if (!wanted) return;
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 1000, 15000);
    retryTimer = setTimeout(function () { if (wanted) connect(); }, retryDelay);
  }

  function onPresence(p) {
    var from = p.getAttribute("from") || "";
    if (Strophe.getBareJidFromJid(from) !== "finesse@" + creds.domain) return;
    if (p.getAttribute("type") === "unavailable") {
      // finesse went away while the XMPP link stays: the web application
      // behind it is down; the container should move to the other node.
      finesseUp = false;
      setStatus("failing over");
      return;
    }
    finesseUp = true;
    retryDelay = 0;
    setStatus("connected");
  }

  function onMessage(m) {
    var events = m.getElementsByTagNameNS(NS_EVENT, "event");
    if (!events.length) return;
    var items = events[0].getElementsByTagNameNS(NS_EVENT, "items");
    for (var i = 0; i < items.length; i++) {
      var node = items[i].getAttribute("node");
      var list = items[i].getElementsByTagNameNS(NS_EVENT, "item");
      for (var j = 0; j < list.length; j++) {
        var n = firstElement(list[j]);
        if (!n) continue;
        post({ type: "notification", node: node, payload: n.textContent });
      }
    }
  }

  function firstElement(el) {
    for (var c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) return c;
    return null;
  }

  function onPingFromServer(c, iq) {
    c.send($iq({ type: "result", to: iq.getAttribute("from"), id: iq.getAttribute("id") }));
  }

  function startPing() {
    stopPing();
    pingTimer = setInterval(function () {
      var c = conn;
      if (!c) return;
      c.sendIQ($iq({ type: "get", to: creds.domain }).c("ping", { xmlns: NS_PING }),
        function () { misses = 0; },
        function (err) {
          if (err) { misses = 0; return; } // an error reply is still a reply
          if (++misses >= PING_MISSES && c === conn) {
            c.reset();
            lost();
          }
        }, PING_EVERY);
    }, PING_EVERY);
  }

  function stopPing() {
    clearInterval(pingTimer);
    pingTimer = null;
  }

  function pubsub(action, node, requestId) {
    var reply = { type: "result", action: action, node: node, requestId: requestId };
    if (!conn || !finesseUp) {
      reply.ok = false;
      reply.error = "not-connected";
      post(reply);
      return;
    }
    var iq = $iq({ type: "set", to: "pubsub." + creds.domain })
      .c("pubsub", { xmlns: NS_PUBSUB })
      .c(action, { node: node, jid: conn.jid });
    conn.sendIQ(iq, function () {
      reply.ok = true;
      post(reply);
    }, function (err) {
      reply.ok = false;
      reply.error = errorCondition(err);
      post(reply);
    }, 10000);
  }

  function errorCondition(iq) {
    if (!iq) return "timeout";
    var e = iq.getElementsByTagName("error")[0];
    var c = e && firstElement(e);
    return c ? c.localName : "error";
  }

  window.addEventListener("message", function (ev) {
    if (ev.source !== window.parent) return;
    if (onlyOrigin && ev.origin !== onlyOrigin) return;
    var m = ev.data;
    if (!m || typeof m !== "object") return;
    switch (m.type) {
      case "connect":
        if (!m.id || !m.password || !m.domain) {
          post({ type: "error", condition: "bad-request", text: "connect needs id, password and domain" });
          return;
        }
        parentOrigin = ev.origin === "null" ? "*" : ev.origin;
        creds = { id: m.id, password: m.password, domain: m.domain, resource: m.resource, transport: m.transport };
        wanted = true;
        retryDelay = 0;
        if (conn) { var old = conn; conn = null; old.reset(); }
        connect();
        break;
      case "subscribe":
      case "unsubscribe":
        pubsub(m.type, String(m.node || ""), m.requestId);
        break;
      case "disconnect":
        wanted = false;
        clearTimeout(retryTimer);
        if (conn) {
          conn.send($pres({ type: "unavailable" }));
          conn.flush();
          conn.disconnect("signed out");
        } else {
          setStatus("disconnected");
        }
        break;
    }
  });

  window.addEventListener("pagehide", function () {
    if (conn) { conn.send($pres({ type: "unavailable" })); conn.flush(); }
  });

  post({ type: "ready" });
})();
