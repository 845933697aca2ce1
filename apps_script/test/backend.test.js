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

test('a trailing slash in ROSTER_BACKEND_URL is ignored', () => {
  const {script, requests} = setUp({server: validatingServer,
    scriptProperties: {ROSTER_BACKEND_URL: `${BACKEND}/ `}});

  script.menuValidate();

  assert.equal(requests[0].url, `${BACKEND}/api/v1/sheets/${SPREADSHEET_ID}/validate`);
});

const problem = (status, detail, extra = {}) => () => response(status, {
  type: 'about:blank', title: 'x', status, detail, ...extra}, {'Content-Type': 'application/problem+json'});

const ERRORS = [
  ['401 asks the user to sign in again', problem(401, 'Your sign-in has expired: reload the sheet and try again.'),
    /^Roster did not accept your Google sign-in \(Your sign-in has expired: reload the sheet and try again\)\. Sign in again/],
  ['401 without a body still asks the user to sign in again', () => response(401, ''),
    /Sign in again/],
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
    /^Google Sheets is not answering/],
  ['502 from a proxy is put in plain words', () => response(502, '<html>Bad Gateway</html>'),
    /^Roster's server had a problem \(HTTP 502\)\. Try again in a few minutes/],
  ['429 asks the user to wait', () => response(429, ''), /busy right now: wait a minute/],
  ['a network failure is put in plain words', () => { throw new Error('Exception: DNS error: https://roster.example.com/api/v1'); },
    /^Roster's server \(roster\.example\.com\) could not be reached: check your internet connection/],
  ['a timeout says the server may still be working', () => { throw new Error('Exception: Timeout: https://roster.example.com/api/v1'); },
    /did not answer within the minute Apps Script waits\. It may still be working/],
  ['a 200 that is not JSON points at ROSTER_BACKEND_URL', () => response(200, '<html>Sign in</html>'),
    /ROSTER_BACKEND_URL \(https:\/\/roster\.example\.com\) answered, but not as Roster's server does/],
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

test('without ROSTER_BACKEND_URL nothing is sent and the user learns who must set it', () => {
  const {script, ui, requests} = setUp({scriptProperties: {}});

  script.menuValidate();

  assert.equal(requests.length, 0);
  assert.match(ui.messages[0], /^Roster is not set up yet: the script property ROSTER_BACKEND_URL is empty\./);
});

test('an http:// backend address is refused before any token is sent', () => {
  const {script, ui, requests} = setUp({scriptProperties: {ROSTER_BACKEND_URL: 'http://roster.example.com'}});

  script.menuValidate();

  assert.equal(requests.length, 0);
  assert.match(ui.messages[0], /must be an https:\/\/ address/);
});

test('without an identity token nothing is sent and the user is told to accept the permissions', () => {
  const {script, ui, requests} = setUp({token: null});

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
