'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {BACKEND, SPREADSHEET_ID, idToken, response, setUp} = require('./fakes');

const SUMMARY = {rows: 12, errors: 2, warnings: 1};
const ISSUES = [
  {row: 3, column: 1, cell: 'A3', field: 'email_address', code: 'email.not_lowercase',
    severity: 'error', message: 'Write the email in lowercase.', fix: 'ana@example.org'},
  {row: 5, column: 6, cell: 'F5', field: 'gender', code: 'gender.invalid', severity: 'error',
    message: 'Write male or female.', fix: null},
  {row: 7, column: 1, cell: 'A7', field: 'email_address', code: 'email.existing_client',
    severity: 'warning', message: 'Already a client: this row will be skipped.', fix: null},
];

function validatingServer(request) {
  return response(200, {summary: SUMMARY, issues: ISSUES});
}

test('Validate posts the active sheet\'s gid to the validate endpoint with the user\'s ID token', () => {
  const token = idToken();
  const {script, requests, spreadsheet} = setUp({server: validatingServer, token,
    sheets: [{}, {name: 'March intake', sheetId: 1234567}]});
  spreadsheet.sheets[1].activate();

  script.menuValidate();

  assert.equal(requests.length, 1);
  const [request] = requests;
  assert.equal(request.url, `${BACKEND}/api/v1/sheets/${SPREADSHEET_ID}/validate`);
  assert.equal(request.method, 'post');
  assert.equal(request.headers.Authorization, `Bearer ${token}`);
  assert.equal(request.contentType, 'application/json');
  assert.equal(request.muteHttpExceptions, true);
  assert.deepEqual(request.body, {worksheet_id: 1234567});
});

test('Validate shows the summary the server returns', () => {
  const {script, ui} = setUp({server: validatingServer});

  script.menuValidate();

  assert.equal(ui.alerts.length, 1);
  assert.equal(ui.alerts[0].title, 'Roster');
  assert.match(ui.messages[0], /^Checked 12 rows of "Clients": 2 errors, 1 warning\./);
  assert.match(ui.messages[0], /Fix what can be fixed/);
});

test('Validate of a clean sheet says it is ready to import', () => {
  const {script, ui} = setUp({
    server: () => response(200, {summary: {rows: 1, errors: 0, warnings: 0}, issues: []}),
  });

  script.menuValidate();

  assert.equal(ui.messages[0],
      'Checked 1 row of "Clients": no errors, no warnings. The sheet is ready to import.');
});

test('a trailing slash in the built backend URL is ignored', () => {
  const {script, requests} = setUp({server: validatingServer, backendUrl: `${BACKEND}/`});

  script.menuValidate();

  assert.equal(requests[0].url, `${BACKEND}/api/v1/sheets/${SPREADSHEET_ID}/validate`);
});

const problem = (status, detail, extra = {}) => () => response(status, {
  type: 'about:blank', title: 'x', status, detail, ...extra}, {'Content-Type': 'application/problem+json'});

const ERRORS = [
  ['401 in a bound script points at Connect to Roster…', problem(401, 'This token is not for this spreadsheet.'),
    /^Roster did not accept this spreadsheet's sign-in \(This token is not for this spreadsheet\)\. If this sheet has never been connected, ask a Roster admin for a link code and choose Roster > Connect to Roster…/],
  ['401 whose detail says how to connect is shown as the server wrote it', problem(401,
      'This script is not connected to Roster for this spreadsheet: enter a link code with Roster → Connect to Roster….'),
    /^Roster did not accept this spreadsheet's sign-in: This script is not connected to Roster for this spreadsheet: enter a link code with Roster → Connect to Roster…\.$/],
  ['401 without a body still says what to do', () => response(401, ''),
    /Connect to Roster…; otherwise reload the spreadsheet/],
  ['403 says the user is not a member', problem(403,
      'pro@example.org is not a member of the organisation that owns this sheet: ask its admin to add you.'),
    /^pro@example\.org is not a member of the organisation/],
  ['403 from a proxy still says the user is not a member', () => response(403, '<html>Forbidden</html>'),
    /^You are not a member of the Roster organisation/],
  ['409 names who is importing and since when, in the spreadsheet\'s time zone', problem(409,
      'ana@example.org is already importing this sheet (since 2024-05-01 10:03 UTC).',
      {started_by: 'ana@example.org', started_at: '2024-05-01T10:03:00+00:00', import_id: 'r1'}),
    /^ana@example\.org is already importing this sheet since 2024-05-01 12:03 \(Europe\/Paris\)\. Wait/],
  ['404 passes on the server\'s explanation', problem(404,
      'This spreadsheet is not linked to a Roster organisation: ask an admin to run `roster sheets link` for it.'),
    /^This spreadsheet is not linked/],
  ['503 passes on the server\'s explanation', problem(503, 'Google Sheets is not answering: try again in a few minutes.'),
    /waiting on Google right now\. Google Sheets is not answering: try again in a few minutes\. Wait a minute/],
  ['502 from a proxy is put in plain words', () => response(502, '<html>Bad Gateway</html>'),
    /^Roster's server had a problem \(HTTP 502\)\. Try again in a few minutes/],
  ['429 asks the user to wait', () => response(429, ''), /busy or waiting on Google right now\. Wait a minute/],
  ['a DNS failure says Google could not reach the server, not "check your internet"', () => { throw new Error('Exception: DNS error: https://roster.example.com/api/v1'); },
    /^Google's servers could not reach Roster's server \(roster\.example\.com\)/],
  ['a timeout says the server may still be working', () => { throw new Error('Exception: Timeout: https://roster.example.com/api/v1'); },
    /did not answer within the minute Apps Script waits\. It may still be working/],
  ['a quota exception says to wait for the limit', () => { throw new Error('Exception: Service invoked too many times for one day: urlfetch.'); },
    /^Google limits how often a script may call other servers/],
  ['a declined scope says which permission to allow', () => { throw new Error('Exception: You do not have permission to call UrlFetchApp.fetch. Required permissions: https://www.googleapis.com/auth/script.external_request'); },
    /^Roster is missing a permission you have not granted/],
  ['a 200 that is not JSON says the address answers but is not Roster', () => response(200, '<html>Sign in</html>'),
    /The address Roster was built with \(https:\/\/roster\.example\.com\) answered, but not as Roster's server does/],
];

for (const [name, server, expected] of ERRORS) {
  test(`an error answer: ${name}`, () => {
    const {script, ui} = setUp({server});

    script.menuValidate();

    assert.equal(ui.alerts.length, 1);
    assert.match(ui.messages[0], expected);
    assert.doesNotMatch(ui.messages[0], /<html>|undefined|\[object/);
  });
}

test('a URL outside the manifest\'s allowlist is blocked by the platform and said so', () => {
  const fakes = setUp({server: validatingServer, manifest: {oauthScopes: [
    'openid', 'https://www.googleapis.com/auth/userinfo.email',
    'https://www.googleapis.com/auth/script.external_request',
    'https://www.googleapis.com/auth/spreadsheets.currentonly',
    'https://www.googleapis.com/auth/script.container.ui'],
  urlFetchWhitelist: ['https://other.example.com/']}});

  fakes.script.menuValidate();

  assert.equal(fakes.requests.length, 0);
  assert.match(fakes.ui.messages[0], /^Apps Script blocked the call to Roster's server \(roster\.example\.com\): the address is not in this script's URL allowlist/);
});

test('a user who declined the external-request scope is told which permission to allow', () => {
  const {script, ui, requests} = setUp({server: validatingServer, grantedScopes: ['openid',
    'https://www.googleapis.com/auth/spreadsheets.currentonly',
    'https://www.googleapis.com/auth/script.container.ui']});

  script.menuValidate();

  assert.equal(requests.length, 0);
  assert.match(ui.messages[0], /^Roster is missing a permission you have not granted/);
});

test('a request that takes longer than UrlFetch waits is a timeout, and the fake clock moved', () => {
  const {script, ui, clock} = setUp({server: () => response(200, {}, {}, {delayMs: 61000})});
  const before = clock.now;

  script.menuValidate();

  assert.equal(clock.now - before, 60000);
  assert.match(ui.messages[0], /did not answer within the minute Apps Script waits/);
});

test('without the openid scope there is no identity token, nothing is sent, and the user is told', () => {
  const {script, ui, requests} = setUp({grantedScopes: [
    'https://www.googleapis.com/auth/script.external_request',
    'https://www.googleapis.com/auth/spreadsheets.currentonly',
    'https://www.googleapis.com/auth/script.container.ui']});

  script.menuValidate();

  assert.equal(requests.length, 0);
  assert.match(ui.messages[0], /could not get your Google sign-in.*openid scope/);
});

test('the ID token\'s audience can be read from the editor without logging the token', () => {
  const token = idToken({aud: '98765-abc.apps.googleusercontent.com', email: 'admin@example.org'});
  const {script} = setUp({token});

  assert.equal(script.logIdTokenAudience(), '98765-abc.apps.googleusercontent.com');
  const logged = script.__logs.map((entry) => entry.args.join(' ')).join('\n');
  assert.match(logged, /98765-abc\.apps\.googleusercontent\.com/);
  assert.ok(!logged.includes(token));
});

test('the network failure\'s details go to the log, not to the user', () => {
  const {script, ui} = setUp({server: () => { throw new Error('Exception: Address unavailable: https://roster.example.com/x'); }});

  script.menuValidate();

  assert.doesNotMatch(ui.messages[0], /Address unavailable/);
  assert.match(script.__logs.map((entry) => entry.args.join(' ')).join('\n'), /Address unavailable/);
});
