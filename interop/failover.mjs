// The web desktop's failover, in a real Chromium driven by
// playwright-core. go test runs this (cmd/finessed TestDesktopFailover)
// against two finessed processes sharing one Redis, on the same ports of
// two hosts:
//
//   node failover.mjs REST_A REST_B NOTIFY_A SHOTS
//
// REST_A and REST_B are the nodes' REST base URLs (they serve /desktop/),
// NOTIFY_A node a's notification service (it serves /tunnel/), SHOTS a
// directory for screenshots. CHROMIUM names the browser binary.
//
// Agent 1001 signs in on node a's desktop and goes READY; the script then
// prints KILL and waits for a line on stdin, which the test writes once
// node a is dead. The desktop must show a banner, move to node b, sign in
// again there, be connected and still READY, as REST on node b says.
// Prints "PASS failover"; exits 1 on failure.
import readline from "node:readline";
import { chromium } from "playwright-core";

const [restA, restB, notifyA, shots] = process.argv.slice(2);
if (!restA || !restB || !notifyA || !shots) {
  console.error("usage: node failover.mjs REST_A REST_B NOTIFY_A SHOTS");
  process.exit(2);
}
const agent = "Basic " + Buffer.from("1001:finesse").toString("base64");

const stdin = readline.createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => stdin.once("line", resolve));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
// Failed loads and a broken WebSocket are what a killed node looks like;
// a script error on the page is a failure.
const errors = [];
const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await ctx.newPage();
page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
page.on("framenavigated", (f) => { if (f === page.mainFrame()) console.log("at " + f.url().replace(/#.*/, "#…")); });
page.setDefaultTimeout(20000);

const stateIs = (text) => page.locator("#state-now", { hasText: text }).waitFor();

try {
  await page.goto(`${restA}/desktop/?notify=${encodeURIComponent(notifyA)}`);
  await page.getByLabel("ID or login name").fill("1001");
  await page.getByLabel("Password").fill("finesse");
  await page.getByLabel("Extension").fill("3001");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("#desk").waitFor({ state: "visible" });
  await page.locator("#link", { hasText: /^connected$/ }).waitFor();
  await stateIs("Not Ready");
  await page.getByLabel("State", { exact: true }).selectOption("READY");
  await stateIs("Ready");
  await page.screenshot({ path: `${shots}/desktop-failover-before.png` });

  console.log("KILL");
  if ((await nextLine()) !== "killed") throw new Error("the test did not kill node a");

  // A banner while the desktop is still on node a, or already on its way.
  const banner = page.locator("#banner:not([hidden])");
  await banner.waitFor();
  console.log("banner: " + (await banner.textContent()));
  await page.screenshot({ path: `${shots}/desktop-failover-during.png` });

  const b = new URL(restB);
  await page.waitForURL((u) => u.host === b.host && u.pathname === "/desktop/", { timeout: 30000 });
  await page.locator("#desk").waitFor({ state: "visible", timeout: 30000 });
  await page.locator("#link", { hasText: /^connected$/ }).waitFor();
  await stateIs(/^Ready$/);
  await page.locator("#who-ext", { hasText: "3001" }).waitFor();
  await page.screenshot({ path: `${shots}/desktop-failover-after.png` });
  if (new URL(page.url()).hash) throw new Error("the address still carries the credentials: " + page.url());

  const res = await fetch(restB + "/finesse/api/User/1001", { headers: { Authorization: agent } });
  const user = await res.text();
  if (res.status !== 200 || !user.includes("<state>READY</state>") || !user.includes("<extension>3001</extension>")) {
    throw new Error(`1001 on node b: ${res.status} ${user}`);
  }
  if (errors.length) throw new Error("errors in the page:\n" + errors.join("\n"));
  console.log("PASS failover");
} catch (e) {
  console.error("FAIL " + (e.stack || e.message));
  if (errors.length) console.error("page errors:\n" + errors.join("\n"));
  await page.screenshot({ path: `${shots}/failover-failure.png`, fullPage: true }).catch(() => {});
  await browser.close();
  process.exit(1);
}
stdin.close();
await browser.close();
