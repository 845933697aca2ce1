'use strict';
/**
 * The sidebar in headless Chromium (Debian's chromium, driven by playwright-core) against a fake
 * google.script.run that calls the real server functions of the built script, loaded with the
 * Node fakes (test/fakes.js). Like the platform, the fake is asynchronous (each call answers
 * after a delay the test sets), runs only public functions (no trailing _), accepts only plain
 * arguments (no Date, function or undefined), copies answers through JSON, and allows at most
 * 10 calls at once.
 *
 * Set ROSTER_SCREENSHOTS to a directory to keep a PNG of each state (tools/screenshots.js).
 */

const fs = require('node:fs');
const path = require('node:path');
const {setUp} = require('./fakes');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const SHOTS = process.env.ROSTER_SCREENSHOTS || '';
const SIDEBAR_URL = 'https://sidebar.googleusercontent.test/userCodeAppPanel';

/** Why the browser tests cannot run here, or '' when they can. */
function unavailable() {
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (set CHROMIUM)`;
  try {
    require.resolve('playwright-core');
  } catch (error) {
    return 'playwright-core is not installed (npm ci in apps_script/)';
  }
  return '';
}

const FAKE_RUN = `
(() => {
  const MAX_CONCURRENT = 10;  // "google.script.run allows 10 concurrent calls"
  let inFlight = 0;
  const plainArgument = (value) => value === null || ['string', 'number', 'boolean'].includes(typeof value) ||
    (Array.isArray(value) && value.every(plainArgument)) ||
    (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype &&
     Object.values(value).every(plainArgument));
  function runner(success, failure, userObject) {
    return new Proxy({}, {get(_, name) {
      if (name === 'withSuccessHandler') return (fn) => runner(fn, failure, userObject);
      if (name === 'withFailureHandler') return (fn) => runner(success, fn, userObject);
      if (name === 'withUserObject') return (object) => runner(success, failure, object);
      return (...args) => {
        if (!args.every(plainArgument)) {
          throw new TypeError('google.script.run: arguments must be primitives, arrays or plain objects');
        }
        if (inFlight >= MAX_CONCURRENT) {
          throw new Error('google.script.run: more than 10 calls at once');
        }
        inFlight += 1;
        window.__gasCalls.push(String(name));
        window.__gas(String(name), JSON.stringify(args)).then((text) => {
          inFlight -= 1;
          if (success) success(text === undefined ? undefined : JSON.parse(text), userObject);
        }, (error) => {
          inFlight -= 1;
          if (failure) failure(new Error(String(error && error.message || error).replace(/^Error: /, '')), userObject);
        });
        return undefined;  // calls return nothing, like the real ones
      };
    }});
  }
  window.__gasCalls = [];
  window.google = {script: {run: undefined, host: {close() {}}}};
  Object.defineProperty(window.google.script, 'run', {get: () => runner(null, null, undefined)});
})();
`;

/**
 * Open the built Sidebar.html in a new page whose google.script.run reaches `fakes.script`.
 * @param {import('playwright-core').Browser} browser
 * @param {ReturnType<typeof setUp>} fakes
 * @param {{delays?: Object<string, number>, pollMs?: number, jobPollMs?: number}} options
 */
async function openSidebar(browser, fakes, {delays = {}, pollMs = 400, jobPollMs = 300} = {}) {
  const context = await browser.newContext({viewport: {width: 300, height: 720}});
  const page = await context.newPage();
  // Google's add-on stylesheet is not reachable from here: an empty one stands in for it.
  await page.route('https://ssl.gstatic.com/**', (route) =>
    route.fulfill({status: 200, contentType: 'text/css', body: ''}));
  await page.route(/^https?:\/\/(?!ssl\.gstatic\.com)/, (route) => route.abort());
  const calls = [];
  await page.exposeBinding('__gas', async (_source, name, argsJson) => {
    const fn = fakes.script[name];
    if (typeof fn !== 'function' || name.endsWith('_')) {
      throw new Error(`Script function not found: ${name}`);
    }
    calls.push(name);
    await new Promise((resolve) => setTimeout(resolve, delays[name] === undefined ? 30 : delays[name]));
    const result = fn(...JSON.parse(argsJson));
    return result === undefined ? undefined : JSON.stringify(result);
  });
  await page.addInitScript(`window.ROSTER_POLL_MS = ${pollMs}; window.ROSTER_JOB_POLL_MS = ${jobPollMs};`);
  await page.addInitScript(FAKE_RUN);
  // Apps Script serves a sidebar from a googleusercontent.com sandbox; the built file stands in.
  const html = fs.readFileSync(path.join(fakes.project.out, 'Sidebar.html'), 'utf8');
  await page.route(SIDEBAR_URL, (route) =>
    route.fulfill({status: 200, contentType: 'text/html; charset=utf-8', body: html}));
  await page.goto(SIDEBAR_URL, {waitUntil: 'load'});
  return {page, calls, close: () => context.close()};
}

/** Keep a screenshot of the sidebar when ROSTER_SCREENSHOTS names a directory. */
async function shot(page, name) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, {recursive: true});
  await page.screenshot({path: path.join(SHOTS, `${name}.png`), fullPage: true});
}

async function launch() {
  const {chromium} = require('playwright-core');
  return chromium.launch({executablePath: CHROMIUM, args: ARGS});
}

module.exports = {launch, openSidebar, setUp, shot, unavailable};
