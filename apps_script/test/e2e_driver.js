'use strict';
/**
 * Runs the built script's menu functions against a REAL Roster backend, for the Python end-to-end
 * test (tests/api/test_apps_script_end_to_end.py). Everything but UrlFetchApp is the fakes of
 * test/fakes.js; UrlFetchApp sends each request over HTTP, synchronously as Apps Script does (a
 * child process makes it), after the fakes' allowlist and scope checks. The script is built for
 * https://roster.test; requests to it are sent to ROSTER_E2E_ORIGIN (the test's local server).
 *
 * stdin: {"token", "steps": ["menuConnect", ...], "answers": [...], "sheets": [...]}
 * stdout: {"alerts": [...], "requests": [[method, path, status]], "calls": [...], "state": ...}
 */

const {spawnSync} = require('node:child_process');
const fs = require('node:fs');
const {createFakes, loadScript, plain} = require('./fakes');

const BUILT_FOR = 'https://roster.test';
const origin = process.env.ROSTER_E2E_ORIGIN;

const FETCH = `
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
fetch(input.url, {method: input.method, headers: input.headers, body: input.body})
  .then(async (r) => process.stdout.write(JSON.stringify({status: r.status, text: await r.text()})))
  .catch((e) => { process.stderr.write(String(e)); process.exit(1); });
`;

function httpServer(request) {
  const url = origin + request.url.slice(BUILT_FOR.length);
  const headers = {...request.headers};
  if (request.contentType) headers['Content-Type'] = request.contentType;
  const sent = spawnSync(process.execPath, ['-e', FETCH], {
    input: JSON.stringify({url, method: request.method.toUpperCase(), headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body)}),
    encoding: 'utf8', timeout: 60000,
  });
  if (sent.status !== 0) throw new Error(`Exception: Address unavailable: ${request.url}`);
  const answer = JSON.parse(sent.stdout);
  request.status = answer.status;
  return {
    delayMs: 0,
    getResponseCode: () => answer.status,
    getContentText: () => answer.text,
    getHeaders: () => ({}),
  };
}

const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const fakes = createFakes({server: httpServer, backendUrl: BUILT_FOR, token: input.token,
  answers: input.answers || [], sheets: input.sheets, form: input.form || 'bound',
  spreadsheetId: input.spreadsheetId});
const script = loadScript(fakes);
let state = null;
for (const step of input.steps) {
  const result = script[step]();
  if (step.startsWith('sidebar')) state = plain(result);
}
process.stdout.write(JSON.stringify({
  alerts: fakes.ui.messages,
  requests: fakes.requests.map((r) => [r.method, r.url.slice(BUILT_FOR.length), r.status]),
  calls: fakes.spreadsheet.sheets[0].calls,
  state,
}));
