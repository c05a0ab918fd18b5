// Drives finessed with @xmpp/client, a third-party XMPP library, the way a
// Node integration would: sign in over the given transport, send presence,
// wait for presence from finesse, then change the agent's state over REST
// and check that every change arrives as a pubsub notification carrying the
// request's requestId. Prints one line per check; exits non-zero on failure.
//
// usage: node xmpp-client.mjs <service> <rest-base>
//   service: xmpp://127.0.0.1:5222 or ws://127.0.0.1:7071/ws
import { client, xml } from "@xmpp/client";

// Node before 22 has no WebSocket of its own; @xmpp/websocket expects one.
if (!globalThis.WebSocket) globalThis.WebSocket = (await import("ws")).WebSocket;

const [service, restBase] = process.argv.slice(2);
const agent = "1001";
const auth = "Basic " + Buffer.from(`${agent}:finesse`).toString("base64");
const deadline = setTimeout(() => fail("timed out"), 15000);

function fail(msg) {
  console.log(`FAIL ${msg}`);
  process.exit(1);
}

const xmpp = client({ service, domain: "localhost", username: agent, password: "finesse", resource: "interop" });
xmpp.on("error", (err) => fail(`xmpp error: ${err.message}`));

const waiting = [];
let finessePresence;
const gotFinesse = new Promise((resolve) => (finessePresence = resolve));

xmpp.on("stanza", (st) => {
  if (st.is("presence") && st.attrs.from === "finesse@localhost") finessePresence();
  if (!st.is("message")) return;
  const items = st.getChild("event", "http://jabber.org/protocol/pubsub#event")?.getChild("items");
  const text = items?.getChild("item")?.getChild("notification")?.text();
  if (text) waiting.push({ node: items.attrs.node, text });
});

async function put(body, requestId) {
  const res = await fetch(`${restBase}/finesse/api/User/${agent}`, {
    method: "PUT",
    headers: { Authorization: auth, "Content-Type": "application/xml", requestId },
    body,
  });
  if (res.status !== 202) fail(`PUT ${body}: ${res.status}`);
}

async function expectNotification(requestId, state) {
  for (let i = 0; i < 300 && waiting.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const n = waiting.shift();
  if (!n) fail(`no notification for ${requestId}`);
  if (n.node !== `/finesse/api/User/${agent}`) fail(`node ${n.node}`);
  if (!n.text.includes(`<requestId>${requestId}</requestId>`) || !n.text.includes(`<state>${state}</state>`)) {
    fail(`notification for ${requestId} lacks the requestId or state ${state}:\n${n.text}`);
  }
  console.log(`ok ${requestId} ${state}`);
}

const address = await xmpp.start();
console.log(`ok signed in as ${address}`);
await xmpp.send(xml("presence"));
await gotFinesse;
console.log("ok presence from finesse@localhost");

const refused = await xmpp.iqCaller
  .set(xml("pubsub", "http://jabber.org/protocol/pubsub",
    xml("subscribe", { node: "/finesse/api/Team/20/Users", jid: address.toString() })), "pubsub.localhost")
  .then(() => null, (err) => err.condition);
if (refused !== "forbidden") fail(`subscription to another team: ${refused}`);
console.log("ok forbidden subscription to team 20");

await put("<User><state>LOGIN</state><extension>3001</extension></User>", "node-login");
await expectNotification("node-login", "NOT_READY");
await put("<User><state>READY</state></User>", "node-ready");
await expectNotification("node-ready", "READY");
await put("<User><state>NOT_READY</state><reasonCodeId>1</reasonCodeId></User>", "node-nr");
await expectNotification("node-nr", "NOT_READY");
await put("<User><state>LOGOUT</state><reasonCodeId>4</reasonCodeId></User>", "node-logout");
await expectNotification("node-logout", "LOGOUT");

await xmpp.stop();
clearTimeout(deadline);
console.log("PASS");
