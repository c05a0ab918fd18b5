// The finessed desktop: an agent and supervisor desktop that talks to the
// server exactly as a Finesse gadget does. REST with Basic credentials on
// this page's origin; events from the notification service through its
// event tunnel page (/tunnel/ on the BOSH/WebSocket port) in a hidden
// iframe, whose postMessage protocol is docs/tunnel.md.
(function () {
  "use strict";

  var API = "/finesse/api";
  var $ = function (id) { return document.getElementById(id); };

  var me = null; // {id, name, ext, auth, domain, teamId, supervisor, teams}
  var user = null; // the last User document seen, as an object
  var reasons = { NOT_READY: [], LOGOUT: [] };
  var wrapUps = [];
  var dialogs = new Map(); // id -> dialog object
  var drafts = new Map(); // "dialogId:field" -> value typed but not sent
  var queues = new Map(); // uri -> {name, stats}
  var messages = new Map(); // id -> {content, by, expires}
  var teamUsers = new Map(); // loginId -> user object
  var tunnel = null;
  var seq = 0;
  var resuming = null; // what a failover carried here, until signed in again

  // ---- REST ------------------------------------------------------------

  function basic(name, password) {
    return "Basic " + btoa(unescape(encodeURIComponent(name + ":" + password)));
  }

  function requestId() {
    seq += 1;
    return "desktop-" + Date.now().toString(36) + "-" + seq;
  }

  function api(method, path, body, auth) {
    var headers = { Authorization: auth || me.auth, Accept: "application/xml" };
    if (body) headers["Content-Type"] = "application/xml";
    if (method !== "GET") headers.requestId = requestId();
    return fetch(path.indexOf("/") === 0 ? path : API + "/" + path, {
      method: method, headers: headers, body: body || undefined, cache: "no-store"
    }).then(function (res) {
      return res.text().then(function (text) {
        var doc = text ? new DOMParser().parseFromString(text, "application/xml") : null;
        return { status: res.status, doc: doc, text: text };
      });
    });
  }

  // change sends a PUT or POST whose outcome arrives as an event; a
  // synchronous refusal is shown at once.
  function change(method, path, body) {
    return api(method, path, body).then(function (r) {
      if (r.status >= 300) showError(apiError(r.doc) || ("the server answered " + r.status));
      return r;
    }).catch(function (e) { showError("request failed: " + e.message); });
  }

  function apiError(doc) {
    if (!doc) return "";
    var e = doc.getElementsByTagName("ErrorMessage")[0] || doc.getElementsByTagName("errorMessage")[0];
    var t = doc.getElementsByTagName("ErrorType")[0] || doc.getElementsByTagName("errorType")[0];
    return [t && t.textContent, e && e.textContent].filter(Boolean).join(": ");
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" }[c];
    });
  }

  // ---- XML to objects ----------------------------------------------------

  function kids(el, name) {
    var out = [];
    if (!el) return out;
    for (var c = el.firstElementChild; c; c = c.nextElementSibling) if (!name || c.localName === name) out.push(c);
    return out;
  }
  function kid(el, name) { return kids(el, name)[0] || null; }
  function text(el, name) { var k = kid(el, name); return k ? k.textContent : ""; }

  function parseUser(el) {
    return {
      id: text(el, "loginId"), loginName: text(el, "loginName"),
      name: (text(el, "firstName") + " " + text(el, "lastName")).trim(),
      ext: text(el, "extension"), state: text(el, "state"), pending: text(el, "pendingState"),
      reason: text(el, "reasonCodeId"), since: text(el, "stateChangeTime"),
      teamId: text(el, "teamId"), teamName: text(el, "teamName"),
      roles: kids(kid(el, "roles"), "role").map(function (r) { return r.textContent; }),
      teams: kids(kid(el, "teams"), "Team").map(function (t) { return { id: text(t, "id"), name: text(t, "name") }; })
    };
  }

  function parseDialog(el) {
    var mp = kid(el, "mediaProperties");
    return {
      id: text(el, "id"), uri: text(el, "uri"), state: text(el, "state"),
      from: text(el, "fromAddress"), to: text(el, "toAddress"),
      type: text(mp, "callType"), queue: text(mp, "queueName"), dialed: text(mp, "dialedNumber"),
      wrapUp: text(mp, "wrapUpReason"),
      vars: kids(kid(mp, "callvariables"), "CallVariable").map(function (v) { return { name: text(v, "name"), value: text(v, "value") }; })
        .filter(function (v) { return v.value !== ""; }),
      parts: kids(kid(el, "participants"), "Participant").map(function (p) {
        return {
          addr: text(p, "mediaAddress"), state: text(p, "state"), start: text(p, "startTime"),
          actions: kids(kid(p, "actions"), "action").map(function (a) { return a.textContent; })
        };
      })
    };
  }

  // ---- the event tunnel -----------------------------------------------------

  function notifyBase() {
    var v = $("notify").value.trim();
    if (v) return v.replace(/\/+$/, "");
    return defaultNotify();
  }

  // Finesse pairs 8082 with 7071 and 8445 with 7443; elsewhere (a proxy in
  // front of both) the tunnel is taken to be on this origin.
  function defaultNotify() {
    var q = new URLSearchParams(location.search).get("notify");
    if (q) return q.replace(/\/+$/, "");
    if (location.port === "8082") return "http://" + location.hostname + ":7071";
    if (location.port === "8445") return "https://" + location.hostname + ":7443";
    return location.origin;
  }

  function Tunnel(base) {
    var self = this;
    this.base = base;
    this.handlers = {};
    this.pending = new Map();
    this.frame = document.createElement("iframe");
    this.frame.hidden = true;
    this.frame.title = "event tunnel";
    this.frame.src = base + "/tunnel/";
    this.origin = new URL(base).origin;
    this.listener = function (ev) {
      if (ev.source !== self.frame.contentWindow || ev.origin !== self.origin) return;
      var m = ev.data || {};
      if (m.type === "result" && self.pending.has(m.requestId)) {
        self.pending.get(m.requestId)(m);
        self.pending.delete(m.requestId);
      }
      (self.handlers[m.type] || []).forEach(function (fn) { fn(m); });
    };
    window.addEventListener("message", this.listener);
    document.body.appendChild(this.frame);
  }
  Tunnel.prototype.on = function (type, fn) { (this.handlers[type] = this.handlers[type] || []).push(fn); };
  Tunnel.prototype.send = function (m) { this.frame.contentWindow.postMessage(m, this.origin); };
  Tunnel.prototype.subscribe = function (node) {
    var self = this, id = requestId();
    return new Promise(function (resolve) {
      self.pending.set(id, resolve);
      self.send({ type: "subscribe", node: node, requestId: id });
    });
  };
  Tunnel.prototype.close = function () {
    try { this.send({ type: "disconnect" }); } catch (e) { /* gone already */ }
    var f = this.frame, l = this.listener;
    setTimeout(function () { window.removeEventListener("message", l); f.remove(); }, 500);
  };

  // openTunnel resolves once the tunnel reports connected (presence from
  // finesse seen), and rejects on refusal or after 15 s.
  function openTunnel(base, id, password, domain, transport) {
    var t = new Tunnel(base);
    return new Promise(function (resolve, reject) {
      var done = false;
      var timer = setTimeout(function () { finish(new Error("the notification service at " + base + " did not answer")); }, 15000);
      function finish(err) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) { t.close(); reject(err); } else resolve(t);
      }
      t.on("ready", function () {
        t.send({ type: "connect", id: id, password: password, domain: domain, transport: transport, resource: "desktop" });
      });
      t.on("status", function (m) { if (m.status === "connected") finish(); });
      t.on("error", function (m) { finish(new Error("notification service: " + m.condition)); });
    });
  }

  // ---- sign-in ----------------------------------------------------------------

  $("notify").value = "";
  $("notify").placeholder = defaultNotify();

  $("signin-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = ev.target;
    var name = f.username.value.trim(), password = f.password.value, ext = f.extension.value.trim();
    $("signin-error").textContent = "";
    if (!name || !password || !ext) {
      $("signin-error").textContent = "ID, password and extension are all needed.";
      return;
    }
    $("signin-btn").disabled = true;
    signIn(name, password, ext, f.transport.value).catch(function (e) {
      if (resuming) { resuming = null; hideBanner(); }
      $("signin-error").textContent = e.message;
      if (tunnel) { tunnel.close(); tunnel = null; }
      me = null;
    }).then(function () { $("signin-btn").disabled = false; });
  });

  function signIn(name, password, ext, transport) {
    var auth = basic(name, password);
    var base = notifyBase();
    return api("GET", "User/" + encodeURIComponent(name), null, auth).then(function (r) {
      if (r.status === 401) throw new Error("Wrong ID or password (or the account is locked for a few minutes).");
      if (r.status !== 200) throw new Error(apiError(r.doc) || "the server answered " + r.status);
      var u = parseUser(r.doc.documentElement);
      me = {
        id: u.id, name: u.name || u.id, ext: ext, auth: auth, password: password, transport: transport,
        teamId: u.teamId, supervisor: u.roles.indexOf("Supervisor") >= 0, teams: u.teams, notify: base,
        notifyGiven: !!($("notify").value.trim() || new URLSearchParams(location.search).get("notify"))
      };
      return api("GET", "SystemInfo");
    }).then(function (r) {
      me.domain = text(r.doc.documentElement, "xmppDomain");
      me.system = r.doc.documentElement;
      return openTunnel(base, me.id, password, me.domain, transport);
    }).then(function (t) {
      tunnel = t;
      wireTunnel(t);
      setLink("connected");
      return signInWith(ext);
    }).then(function () {
      $("signin").hidden = true;
      $("desk").hidden = false;
      $("who").hidden = false;
      $("who-name").textContent = me.name;
      $("who-ext").textContent = me.ext;
      return loadDesk();
    }).then(function () {
      var s = resuming;
      resuming = null;
      if (s) afterResume(s);
    });
  }

  // signInWith puts LOGIN and waits for the User event that answers it.
  function signInWith(ext) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { waitUser = null; reject(new Error("no answer to the sign-in")); }, 10000);
      waitUser = function (u, err) {
        if (err) { clearTimeout(timer); waitUser = null; reject(new Error(err)); return; }
        if (u.state && u.state !== "LOGOUT") { clearTimeout(timer); waitUser = null; resolve(); }
      };
      api("PUT", "User/" + me.id, "<User><state>LOGIN</state><extension>" + esc(ext) + "</extension></User>").then(function (r) {
        if (r.status >= 300) { clearTimeout(timer); waitUser = null; reject(new Error(apiError(r.doc) || "sign-in refused")); }
      });
    });
  }
  var waitUser = null;

  function loadDesk() {
    var jobs = [
      api("GET", "User/" + me.id).then(function (r) { onUser(parseUser(r.doc.documentElement)); }),
      api("GET", "User/" + me.id + "/ReasonCodes?category=ALL").then(function (r) {
        reasons = { NOT_READY: [], LOGOUT: [] };
        kids(r.doc.documentElement, "ReasonCode").forEach(function (c) {
          var cat = text(c, "category");
          if (reasons[cat]) reasons[cat].push({ id: text(c, "id"), label: text(c, "label") });
        });
        buildStateSelect();
      }),
      api("GET", "User/" + me.id + "/WrapUpReasons").then(function (r) {
        wrapUps = kids(r.doc.documentElement, "WrapUpReason").map(function (w) { return text(w, "label"); });
      }),
      api("GET", "User/" + me.id + "/Dialogs").then(function (r) {
        dialogs.clear();
        kids(r.doc.documentElement, "Dialog").forEach(function (d) { var o = parseDialog(d); dialogs.set(o.id, o); });
      }),
      loadQueues(),
      loadMessages(),
      loadContacts(),
      loadHistory()
    ];
    if (me.supervisor) jobs.push(loadTeams());
    return Promise.all(jobs).then(renderDialogs);
  }

  function loadQueues() {
    return api("GET", "User/" + me.id + "/Queues").then(function (r) {
      queues.clear();
      kids(r.doc.documentElement, "Queue").forEach(function (q) { onQueue(q); tunnel.subscribe(text(q, "uri")); });
    });
  }

  function loadMessages() {
    var teams = me.supervisor ? me.teams.map(function (t) { return t.id; }) : [me.teamId];
    teams.filter(Boolean).forEach(function (id) { tunnel.subscribe(API + "/Team/" + id + "/TeamMessages"); });
    $("sendmsg").hidden = !me.supervisor;
    return api("GET", "TeamMessages").then(function (r) {
      messages.clear();
      if (r.doc) kids(r.doc.documentElement, "TeamMessage").forEach(addMessage);
      renderMessages();
    });
  }

  // Contacts are read where the caller may read them; an agent who may not
  // still dials by typing the number.
  function loadContacts() {
    return api("GET", "User/" + me.id + "/PhoneBooks").then(function (r) {
      var list = $("contacts");
      list.textContent = "";
      kids(r.doc && r.doc.documentElement, "PhoneBook").forEach(function (pb) {
        api("GET", text(pb, "contacts")).then(function (c) {
          if (c.status !== 200) return;
          kids(c.doc.documentElement, "Contact").forEach(function (k) {
            var o = document.createElement("option");
            o.value = text(k, "phoneNumber");
            o.label = (text(k, "firstName") + " " + text(k, "lastName")).trim() + " (" + text(pb, "name") + ")";
            list.appendChild(o);
          });
        });
      });
    });
  }

  function loadHistory() {
    return api("GET", "User/" + me.id + "/History").then(function (r) {
      if (r.status !== 200) return;
      var root = r.doc.documentElement;
      var calls = kids(kid(root, "calls")).reverse().map(function (c) {
        return [time(text(c, "startTime")), text(c, "callType") || text(c, "type"), text(c, "number") || text(c, "fromAddress"),
          text(c, "disposition"), text(c, "wrapUpReason"), dur(+text(c, "duration"))];
      });
      var states = kids(kid(root, "states")).reverse().map(function (s) {
        return [time(text(s, "startTime")), label(text(s, "state")), text(s, "reasonLabel"), dur(+text(s, "duration"))];
      });
      fillTable("history-calls", calls);
      fillTable("history-states", states);
    });
  }
  $("history-refresh").addEventListener("click", loadHistory);

  function loadTeams() {
    $("team").hidden = false;
    var sel = $("team-select");
    sel.textContent = "";
    me.teams.forEach(function (t) {
      var o = document.createElement("option");
      o.value = t.id;
      o.textContent = t.name + " (" + t.id + ")";
      sel.appendChild(o);
    });
    return loadTeam(sel.value);
  }
  $("team-select").addEventListener("change", function () { loadTeam(this.value); });

  var teamNode = null;
  function loadTeam(id) {
    if (!id) return Promise.resolve();
    var node = API + "/Team/" + id + "/Users";
    if (teamNode && teamNode !== node) tunnel.send({ type: "unsubscribe", node: teamNode, requestId: requestId() });
    teamNode = node;
    return tunnel.subscribe(node).then(function () { return api("GET", "Team/" + id); }).then(function (r) {
      // A slower answer for a team the supervisor has since left must not
      // replace the table of the one now chosen.
      if (teamNode !== node) return;
      teamUsers.clear();
      kids(kid(r.doc.documentElement, "users"), "User").forEach(function (u) { var o = parseUser(u); teamUsers.set(o.id, o); });
      renderTeam();
    });
  }

  // ---- events ---------------------------------------------------------------------

  function wireTunnel(t) {
    t.on("notification", function (m) { onNotification(m.node, m.payload); });
    t.on("status", function (m) {
      setLink(m.status);
      if (m.status === "connected") {
        if (failing) recovered(); else if (!resuming) hideBanner();
        if (me && !$("desk").hidden) loadDesk(); // what changed while away
      } else if (m.status === "failing over") {
        banner("The server is failing over; your state is kept. Reconnecting…");
      } else if (m.status === "disconnected" && me) {
        banner("Connection to the notification service lost. Reconnecting…");
        failover();
      }
    });
    t.on("error", function (m) {
      if (m.condition === "conflict") banner("This desktop was signed in somewhere else with the same resource; this one is no longer receiving events.");
    });
  }

  function onNotification(node, payload) {
    var doc = new DOMParser().parseFromString(payload, "application/xml");
    var up = doc.documentElement;
    var data = kid(up, "data");
    var event = text(up, "event");
    var first = data && data.firstElementChild;
    if (!first) return;
    if (first.localName === "apiErrors") {
      var msg = apiError(data);
      if (waitUser) waitUser(null, msg);
      showError(msg);
      return;
    }
    if (node === API + "/User/" + me.id) {
      onUser(parseUser(first));
    } else if (node === API + "/User/" + me.id + "/Dialogs") {
      var list = first.localName === "dialogs" ? kids(first, "Dialog") : [first];
      list.forEach(function (d) {
        var o = parseDialog(d);
        if (event === "DELETE") dialogs.delete(o.id); else dialogs.set(o.id, o);
      });
      renderDialogs();
    } else if (node === teamNode) {
      var u = parseUser(first);
      teamUsers.set(u.id, Object.assign(teamUsers.get(u.id) || {}, u));
      renderTeam();
    } else if (/\/TeamMessages$/.test(node)) {
      if (event === "DELETE") messages.delete(text(first, "id")); else addMessage(first);
      renderMessages();
    } else if (/\/Queue\/[^/]+$/.test(node)) {
      onQueue(first);
    } else if (node === API + "/SystemInfo") {
      me.system = first;
      if (text(first, "status") === "OUT_OF_SERVICE") {
        banner("The server is out of service; moving to the other node…");
        failover();
      } else if (failing) {
        recovered();
      } else {
        hideBanner();
      }
    }
  }

  function onUser(u) {
    if (waitUser) waitUser(u);
    user = u;
    if (me && u.ext) { me.ext = u.ext; $("who-ext").textContent = u.ext; }
    if (u.state === "LOGOUT" && !$("desk").hidden) { signedOut(); return; }
    renderUser();
  }

  function onQueue(q) {
    var s = kid(q, "statistics");
    queues.set(text(q, "uri"), {
      name: text(q, "name"),
      waiting: text(s, "callsInQueue"), longest: text(s, "startTimeOfLongestCallInQueue"),
      ready: text(s, "agentsReady"), notReady: text(s, "agentsNotReady"),
      talking: (+text(s, "agentsTalkingInbound") || 0) + (+text(s, "agentsTalkingOutbound") || 0) + (+text(s, "agentsTalkingInternal") || 0)
    });
    renderQueues();
  }

  function addMessage(m) {
    var by = kid(m, "createdBy");
    var created = +text(m, "createdAt") * 1000 || Date.now();
    messages.set(text(m, "id"), {
      content: text(m, "content"), by: (text(by, "firstName") + " " + text(by, "lastName")).trim(),
      created: created, expires: created + (+text(m, "duration") || 0) * 1000
    });
  }

  // ---- failover ---------------------------------------------------------------------

  // failover moves to the peer node that SystemInfo names, keeping the
  // agent signed in, as the Finesse desktop does: a banner, then, unless
  // this node comes back first, the same page on the peer's host and the
  // same ports, where the desktop signs in again by itself. Without a peer
  // the tunnel keeps retrying this node on its own.
  var failing = null; // the timer of a failover under way
  function failover() {
    if (failing || !me || !me.system) return;
    var peer = otherNode();
    if (!peer) return;
    // Finesse's nodes serve the desktop on the same port; the peer's
    // notification service is this one's on the peer's host.
    var target = new URL(location.href);
    target.hostname = peer.host;
    target.search = "";
    target.hash = "";
    var saved = {
      name: me.id, password: me.password, ext: me.ext, transport: me.transport,
      ready: lastChoice === "READY" && !!user && (user.state === "READY" || user.state === "NOT_READY")
    };
    var notify = new URL(me.notify);
    if (notify.hostname === location.hostname) notify.hostname = peer.host;
    if (me.notifyGiven) saved.notify = notify.origin + notify.pathname.replace(/\/+$/, "");
    var probe = new URL(target.href);
    probe.pathname = "/desktop/desktop.css";
    var tries = 0;
    var attempt = function () {
      tries += 1;
      // Opaque (no-cors) is enough: it only says the peer answers.
      fetch(probe.href, { mode: "no-cors", cache: "no-store" }).then(function () {
        if (!failing) return;
        banner("Moving to " + peer.host + "…");
        // The fragment carries the sign-in across to the peer's origin
        // (sessionStorage is per origin) and never reaches a server;
        // resume() takes it off the address at once.
        target.searchParams.set("failover", "1");
        target.hash = "failover=" + encodeURIComponent(JSON.stringify(saved));
        location.href = target.href;
      }, function () {
        if (!failing) return;
        banner("The other node " + peer.host + " does not answer yet; still trying (" + tries + ")…");
        failing = setTimeout(attempt, 2000);
      });
    };
    failing = setTimeout(attempt, 1000);
  }

  // recovered is this node coming back before the desktop left it.
  function recovered() {
    if (!failing) return;
    clearTimeout(failing);
    failing = null;
    notice("Reconnected to " + location.hostname + ".");
  }

  function otherNode() {
    var here = location.hostname;
    var nodes = ["primaryNode", "secondaryNode"].map(function (n) { return kid(me.system, n); }).filter(Boolean)
      .map(function (n) { return { host: text(n, "host") }; })
      .filter(function (n) { return n.host && n.host !== here; });
    return nodes[0] || null;
  }

  // The state the agent last chose on this desktop: a Ready it chose is
  // asked for again on the other node, should the agent have lost it.
  var lastChoice = "";

  // A desktop that failed over here signs in again with what it had.
  (function resume() {
    var m = /^#failover=(.*)$/.exec(location.hash);
    if (!m) return;
    history.replaceState(null, "", location.pathname + location.search);
    var s;
    try { s = JSON.parse(decodeURIComponent(m[1])); } catch (e) { return; }
    $("username").value = s.name || "";
    $("password").value = s.password || "";
    $("extension").value = s.ext || "";
    $("transport").value = s.transport || "websocket";
    if (s.notify) $("notify").value = s.notify;
    resuming = s;
    banner("Signing in again on " + location.hostname + "…");
    $("signin-form").requestSubmit();
  })();

  // afterResume runs once the desktop signed in again after a failover.
  function afterResume(s) {
    lastChoice = s.ready ? "READY" : "";
    if (s.ready && user && user.state === "NOT_READY") {
      change("PUT", "User/" + me.id, "<User><state>READY</state></User>");
    }
    notice("Reconnected to " + location.hostname + "; you are signed in again.");
  }

  // ---- rendering ------------------------------------------------------------------

  var LABELS = {
    READY: "Ready", NOT_READY: "Not Ready", TALKING: "Talking", HOLD: "Hold", RESERVED: "Reserved",
    WORK: "Wrap-Up", WORK_READY: "Wrap-Up (Ready)", LOGOUT: "Signed out", LOGIN: "Signing in",
    // a participant's states, on the call cards
    ALERTING: "Ringing", ACTIVE: "Active", HELD: "Held", WRAP_UP: "Wrap-Up", INITIATING: "Dialing", INITIATED: "Dialing",
    FAILED: "Failed", DROPPED: "Ended"
  };
  function label(s) { return LABELS[s] || s; }

  function reasonLabel(id) {
    if (!id || id === "-1") return "";
    if (id === "999") return "Supervisor";
    var all = reasons.NOT_READY.concat(reasons.LOGOUT);
    for (var i = 0; i < all.length; i++) if (all[i].id === id) return all[i].label;
    return "code " + id;
  }

  function buildStateSelect() {
    var sel = $("state-select");
    sel.textContent = "";
    var add = function (group, value, text) {
      var o = document.createElement("option");
      o.value = value;
      o.textContent = text;
      (group || sel).appendChild(o);
    };
    add(null, "", "");
    sel.firstChild.disabled = true;
    add(null, "READY", "Ready");
    var nr = document.createElement("optgroup");
    nr.label = "Not Ready";
    if (!reasons.NOT_READY.length) add(nr, "NOT_READY:", "Not Ready");
    reasons.NOT_READY.forEach(function (r) { add(nr, "NOT_READY:" + r.id, "Not Ready – " + r.label); });
    sel.appendChild(nr);
    var lo = document.createElement("optgroup");
    lo.label = "Sign out";
    if (!reasons.LOGOUT.length) add(lo, "LOGOUT:", "Sign out");
    reasons.LOGOUT.forEach(function (r) { add(lo, "LOGOUT:" + r.id, "Sign out – " + r.label); });
    sel.appendChild(lo);
    renderUser();
  }

  $("state-select").addEventListener("change", function () {
    var v = this.value.split(":");
    lastChoice = v[0];
    var body = "<User><state>" + v[0] + "</state>" + (v[1] ? "<reasonCodeId>" + esc(v[1]) + "</reasonCodeId>" : "") + "</User>";
    change("PUT", "User/" + me.id, body);
  });

  $("signout").addEventListener("click", function () {
    var r = reasons.LOGOUT[0];
    change("PUT", "User/" + me.id, "<User><state>LOGOUT</state>" + (r ? "<reasonCodeId>" + esc(r.id) + "</reasonCodeId>" : "") + "</User>");
  });

  function signedOut() {
    if (tunnel) { tunnel.close(); tunnel = null; }
    me = null;
    user = null;
    $("desk").hidden = true;
    $("who").hidden = true;
    $("signin").hidden = false;
    $("password").value = "";
    hideBanner();
    setLink("offline");
  }

  function renderUser() {
    if (!user) return;
    var now = $("state-now");
    now.className = "state " + user.state;
    var r = user.state === "NOT_READY" ? reasonLabel(user.reason) : "";
    now.textContent = label(user.state) + (r ? " – " + r : "");
    $("state-pending").textContent = user.pending ? "Pending: " + label(user.pending) : "";
    var sel = $("state-select");
    var v = user.state === "READY" ? "READY" : user.state === "NOT_READY" ? "NOT_READY:" + (user.reason === "-1" ? "" : user.reason) : "";
    sel.value = v;
    if (!v || sel.value !== v) {
      // A state the list does not offer (Talking, Not Ready without a
      // reason...) shows in the blank first entry.
      sel.value = "";
      if (sel.firstChild) sel.firstChild.textContent = now.textContent;
    }
    stateSince = Date.parse(user.since) || Date.now();
    tick();
  }

  var stateSince = Date.now();
  function tick() {
    $("state-timer").textContent = hms((Date.now() - stateSince) / 1000);
    document.querySelectorAll("[data-since]").forEach(function (el) {
      el.textContent = hms((Date.now() - +el.dataset.since) / 1000);
    });
    var now = Date.now(), gone = false;
    messages.forEach(function (m, id) { if (m.expires && m.expires < now) { messages.delete(id); gone = true; } });
    if (gone) renderMessages();
  }
  setInterval(tick, 1000);

  function hms(s) {
    s = Math.max(0, Math.floor(s));
    var p = function (n) { return (n < 10 ? "0" : "") + n; };
    return p(Math.floor(s / 3600)) + ":" + p(Math.floor(s / 60) % 60) + ":" + p(s % 60);
  }
  function dur(s) { return isNaN(s) ? "" : hms(s); }
  function time(iso) { var d = Date.parse(iso); return isNaN(d) ? iso : new Date(d).toLocaleTimeString(); }

  function fillTable(id, rows) {
    var body = $(id).tBodies[0];
    body.textContent = "";
    rows.forEach(function (cells) {
      var tr = body.insertRow();
      cells.forEach(function (c) { tr.insertCell().textContent = c == null ? "" : c; });
    });
  }

  var ACTIONS = {
    ANSWER: "Answer", HOLD: "Hold", RETRIEVE: "Retrieve", DROP: "End",
    TRANSFER: "Transfer", CONFERENCE: "Conference", BARGE_CALL: "Barge in"
  };

  function renderDialogs() {
    var box = $("calls");
    var focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null;
    box.querySelectorAll(".call").forEach(function (c) { c.remove(); });
    $("no-calls").hidden = dialogs.size > 0;
    dialogs.forEach(function (d) { box.appendChild(callCard(d)); });
    if (focused) {
      var el = box.querySelector('[data-key="' + focused + '"]');
      if (el) el.focus();
    }
    tick();
  }

  function mine(d) {
    for (var i = 0; i < d.parts.length; i++) if (d.parts[i].addr === me.ext) return d.parts[i];
    return null;
  }

  function callCard(d) {
    var p = mine(d) || { actions: [], state: d.state };
    var card = document.createElement("article");
    card.className = "call " + (p.state || d.state);
    card.setAttribute("aria-label", "Call " + d.from + " to " + d.to);
    var other = d.parts.filter(function (x) { return x !== p; }).map(function (x) { return x.addr + " (" + x.state.toLowerCase() + ")"; });
    var start = Date.parse(p.start) || Date.now();
    var html = "<h3><span>" + esc(d.from) + " → " + esc(d.to) + "</span> <span class=\"state\">" + esc(label(p.state || d.state)) +
      "</span> <time class=\"timer\" data-since=\"" + start + "\"></time></h3><dl class=\"vars\">" +
      dv("Call type", d.type) + dv("Queue", d.queue) + dv("Dialed number", d.dialed) + dv("Participants", other.join(", ")) +
      dv("Wrap-up reason", d.wrapUp);
    d.vars.forEach(function (v) { html += dv(v.name, v.value); });
    html += "</dl>";
    card.innerHTML = html;
    card.querySelector("h3 .state").className = "state " + (p.state === "HELD" ? "HOLD" : p.state === "ACTIVE" ? "TALKING" : p.state);

    var row = document.createElement("div");
    row.className = "actions";
    card.appendChild(row);
    var send = function (action, extra) {
      return change("PUT", "Dialog/" + d.id, "<Dialog><requestedAction>" + action + "</requestedAction><targetMediaAddress>" +
        esc(me.ext) + "</targetMediaAddress>" + (extra || "") + "</Dialog>");
    };
    p.actions.forEach(function (a) {
      if (ACTIONS[a] && a !== "BARGE_CALL") row.appendChild(button(ACTIONS[a], a === "DROP" ? "danger" : "", d.id + ":" + a, function () { send(a); }));
    });
    if (p.actions.indexOf("BARGE_CALL") >= 0) {
      row.appendChild(button("Barge in", "", d.id + ":barge", function () {
        change("POST", "User/" + me.id + "/Dialogs", "<Dialog><requestedAction>BARGE_CALL</requestedAction><associatedDialogUri>" +
          esc(d.uri) + "</associatedDialogUri></Dialog>");
      }));
    }
    if (p.actions.indexOf("PARTICIPANT_DROP") >= 0) {
      d.parts.forEach(function (x) {
        if (x === p || x.state === "DROPPED") return;
        row.appendChild(button("Drop " + x.addr, "danger", d.id + ":pdrop:" + x.addr, function () {
          change("PUT", "Dialog/" + d.id, "<Dialog><requestedAction>PARTICIPANT_DROP</requestedAction><targetMediaAddress>" +
            esc(x.addr) + "</targetMediaAddress></Dialog>");
        }));
      });
    }
    var consult = p.actions.indexOf("CONSULT_CALL") >= 0, sst = p.actions.indexOf("TRANSFER_SST") >= 0;
    if (consult || sst) {
      var f = document.createElement("div");
      f.className = "row";
      var id = "to-" + d.id;
      f.innerHTML = "<label for=\"" + id + "\">Number</label>";
      var input = field("input", id, d.id + ":to");
      input.setAttribute("list", "contacts");
      input.inputMode = "tel";
      f.appendChild(input);
      var to = function () { return "<toAddress>" + esc(input.value.trim()) + "</toAddress>"; };
      if (consult) f.appendChild(button("Consult", "", d.id + ":consult", function () { if (input.value.trim()) send("CONSULT_CALL", to()); }));
      if (sst) f.appendChild(button("Direct transfer", "", d.id + ":sst", function () { if (input.value.trim()) send("TRANSFER_SST", to()); }));
      card.appendChild(f);
    }
    if (p.actions.indexOf("SEND_DTMF") >= 0) {
      var det = document.createElement("details");
      det.innerHTML = "<summary>Keypad</summary>";
      var pad = document.createElement("div");
      pad.className = "keypad";
      pad.setAttribute("role", "group");
      pad.setAttribute("aria-label", "keypad");
      "123456789*0#".split("").forEach(function (k) {
        pad.appendChild(button(k, "quiet", d.id + ":dtmf:" + k, function () {
          send("SEND_DTMF", "<actionParams><ActionParam><name>dtmfString</name><value>" + esc(k) + "</value></ActionParam></actionParams>");
        }));
      });
      det.appendChild(pad);
      det.open = drafts.get(d.id + ":keypad") === "open";
      det.addEventListener("toggle", function () { drafts.set(d.id + ":keypad", det.open ? "open" : ""); });
      card.appendChild(det);
    }
    if (p.actions.indexOf("UPDATE_CALL_DATA") >= 0 && wrapUps.length) {
      var w = document.createElement("div");
      w.className = "row";
      var wid = "wrap-" + d.id;
      w.innerHTML = "<label for=\"" + wid + "\">Wrap-up reason</label>";
      var sel = field("select", wid, d.id + ":wrap");
      var blank = document.createElement("option");
      blank.value = "";
      blank.textContent = "—";
      sel.appendChild(blank);
      wrapUps.forEach(function (l) { var o = document.createElement("option"); o.value = o.textContent = l; sel.appendChild(o); });
      sel.value = drafts.has(d.id + ":wrap") ? drafts.get(d.id + ":wrap") : d.wrapUp;
      w.appendChild(sel);
      w.appendChild(button("Apply", "", d.id + ":wrapapply", function () {
        change("PUT", "Dialog/" + d.id, "<Dialog><requestedAction>UPDATE_CALL_DATA</requestedAction><mediaProperties><wrapUpReason>" +
          esc(sel.value) + "</wrapUpReason></mediaProperties></Dialog>").then(function () { drafts.delete(d.id + ":wrap"); });
      }));
      card.appendChild(w);
    }
    return card;
  }

  function dv(k, v) { return v ? "<dt>" + esc(k) + "</dt><dd>" + esc(v) + "</dd>" : ""; }

  function button(text, cls, key, fn) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    if (cls) b.className = cls;
    b.dataset.key = key;
    b.addEventListener("click", fn);
    return b;
  }

  // field is an input or select whose unsent value survives a re-render.
  function field(tag, id, key) {
    var el = document.createElement(tag);
    el.id = id;
    el.dataset.key = key;
    if (drafts.has(key)) el.value = drafts.get(key);
    el.addEventListener("input", function () { drafts.set(key, el.value); });
    el.addEventListener("change", function () { drafts.set(key, el.value); });
    return el;
  }

  $("makecall").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var n = $("dial").value.trim();
    if (!n) return;
    change("POST", "User/" + me.id + "/Dialogs", "<Dialog><requestedAction>MAKE_CALL</requestedAction><fromAddress>" + esc(me.ext) +
      "</fromAddress><toAddress>" + esc(n) + "</toAddress></Dialog>").then(function (r) { if (r && r.status < 300) $("dial").value = ""; });
  });

  function renderQueues() {
    var rows = [];
    queues.forEach(function (q) {
      var since = Date.parse(q.longest);
      rows.push([q.name, q.waiting, isNaN(since) ? "" : hms((Date.now() - since) / 1000), q.ready, q.notReady, q.talking]);
    });
    fillTable("queues", rows);
  }

  function renderMessages() {
    var ul = $("messages");
    ul.textContent = "";
    messages.forEach(function (m) {
      var li = document.createElement("li");
      li.innerHTML = "<div>" + esc(m.content) + "</div><div class=\"by\">" + esc(m.by) + " · " + esc(new Date(m.created).toLocaleTimeString()) + "</div>";
      ul.appendChild(li);
    });
    $("no-messages").hidden = messages.size > 0;
  }

  $("sendmsg").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var t = $("msg-text").value.trim();
    if (!t) return;
    var teams = me.teams.map(function (x) { return "<team>" + esc(x.id) + "</team>"; }).join("");
    change("POST", "TeamMessage", "<TeamMessage><duration>3600</duration><content>" + esc(t) + "</content><teams>" + teams + "</teams></TeamMessage>")
      .then(function (r) { if (r && r.status < 300) $("msg-text").value = ""; });
  });

  function renderTeam() {
    var body = $("team-table").tBodies[0];
    var focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null;
    body.textContent = "";
    var list = Array.from(teamUsers.values()).sort(function (a, b) { return a.id.localeCompare(b.id); });
    list.forEach(function (u) {
      var tr = body.insertRow();
      tr.dataset.agent = u.id;
      tr.insertCell().textContent = (u.name || u.id) + " (" + u.id + ")";
      tr.insertCell().textContent = u.ext;
      var st = tr.insertCell();
      st.innerHTML = "<span class=\"state " + esc(u.state) + "\">" + esc(label(u.state)) + "</span>" +
        (u.pending ? " <span class=\"pending\">→ " + esc(label(u.pending)) + "</span>" : "");
      tr.insertCell().textContent = u.state === "NOT_READY" ? reasonLabel(u.reason) : "";
      var t = tr.insertCell();
      t.className = "num";
      if (u.since && u.state !== "LOGOUT") t.dataset.since = Date.parse(u.since);
      var act = tr.insertCell();
      var put = function (state) {
        return function () { change("PUT", "User/" + u.id, "<User><state>" + state + "</state></User>"); };
      };
      var who = " " + (u.name || u.id);
      if (u.state === "LOGOUT") return;
      if (u.state === "NOT_READY") act.appendChild(withLabel(button("Ready", "quiet", u.id + ":ready", put("READY")), "Make" + who + " ready"));
      if (u.state === "READY" || u.state === "WORK" || u.state === "WORK_READY" || u.state === "TALKING" || u.state === "HOLD")
        act.appendChild(withLabel(button("Not Ready", "quiet", u.id + ":notready", put("NOT_READY")), "Make" + who + " not ready"));
      if (u.state === "NOT_READY" || u.state === "READY") act.appendChild(withLabel(button("Sign out", "quiet", u.id + ":logout", put("LOGOUT")), "Sign" + who + " out"));
      if (u.state === "TALKING" && u.ext) {
        act.appendChild(withLabel(button("Monitor", "quiet", u.id + ":monitor", function () {
          change("POST", "User/" + me.id + "/Dialogs", "<Dialog><requestedAction>SILENT_MONITOR</requestedAction><fromAddress>" +
            esc(me.ext) + "</fromAddress><toAddress>" + esc(u.ext) + "</toAddress></Dialog>");
        }), "Monitor" + who));
      }
    });
    if (focused) { var el = body.querySelector('[data-key="' + focused + '"]'); if (el) el.focus(); }
    tick();
  }

  function withLabel(b, text) { b.setAttribute("aria-label", text); return b; }

  // ---- status ------------------------------------------------------------------------

  function setLink(s) {
    var el = $("link");
    el.textContent = s;
    el.className = "link " + s.split(" ")[0];
  }

  var errTimer = null;
  function showError(msg) {
    banner(msg);
    clearTimeout(errTimer);
    errTimer = setTimeout(hideBanner, 8000);
  }
  function banner(msg) { var b = $("banner"); b.textContent = msg; b.className = "banner"; b.hidden = false; }
  // notice is the green banner of a recovery, gone after a while.
  function notice(msg) {
    banner(msg);
    $("banner").className = "banner ok";
    clearTimeout(errTimer);
    errTimer = setTimeout(hideBanner, 8000);
  }
  function hideBanner() { $("banner").hidden = true; }
})();
