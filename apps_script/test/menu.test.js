'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {AuthMode, BACKEND, SPREADSHEET_ID, idToken, response, runTrigger, setUp} = require('./fakes');

const captions = (menu) => menu.items.filter((item) => !item.separator).map((item) => item.caption);
const COMMON = ['Validate', 'Import…', 'Fix what can be fixed', 'Set up template',
  'Clear Roster notes', 'Open sidebar'];

test('the bound script adds a top-level Roster menu with Connect to Roster…', () => {
  const fakes = setUp();

  runTrigger(fakes, fakes.script, 'onOpen', AuthMode.LIMITED);

  assert.equal(fakes.ui.menus.length, 1);
  assert.deepEqual([fakes.ui.menus[0].name, fakes.ui.menus[0].addon], ['Roster', false]);
  assert.deepEqual(captions(fakes.ui.menus[0]), [...COMMON, 'Connect to Roster…']);
});

test('the add-on builds its menu under Extensions in AuthMode.NONE, touching nothing else', () => {
  const fakes = setUp({form: 'addon'});

  // In NONE every service but the menu throws in the fakes, as on the platform.
  runTrigger(fakes, fakes.script, 'onOpen', AuthMode.NONE);

  assert.equal(fakes.ui.menus.length, 1);
  assert.equal(fakes.ui.menus[0].addon, true);
  assert.deepEqual(captions(fakes.ui.menus[0]), COMMON);
  assert.equal(fakes.requests.length, 0);
});

test('the fakes really refuse services in AuthMode.NONE (so the test above can fail)', () => {
  const fakes = setUp({form: 'addon'});
  fakes.platform.mode = AuthMode.NONE;

  assert.throws(() => fakes.globals.PropertiesService.getDocumentProperties(), /permission/);
  assert.throws(() => fakes.globals.SpreadsheetApp.getActive(), /permission/);
  assert.throws(() => fakes.globals.UrlFetchApp.fetch(`${BACKEND}/x`), /permission/);
  fakes.platform.mode = AuthMode.LIMITED;
  assert.throws(() => fakes.globals.UrlFetchApp.fetch(`${BACKEND}/x`), /permission/);
  assert.ok(fakes.globals.SpreadsheetApp.getActive());
});

test('onInstall shows the add-on menu at once', () => {
  const fakes = setUp({form: 'addon'});

  fakes.script.onInstall({authMode: AuthMode.FULL});

  assert.deepEqual(captions(fakes.ui.menus[0]), COMMON);
});

const connected = (request) => (request.url.endsWith('/connect') ?
  response(200, {organisation: 'north-team'}) : response(404, {detail: 'unexpected'}));

test('Connect to Roster… posts the prompted code with the user\'s ID token', () => {
  const token = idToken();
  const {script, requests, ui} = setUp({token, server: connected,
    answers: [{button: 'OK', text: '  K7Q2-9XPL  '}]});

  script.menuConnect();

  assert.equal(requests.length, 1);
  assert.equal(requests[0].url, `${BACKEND}/api/v1/sheets/${SPREADSHEET_ID}/connect`);
  assert.equal(requests[0].method, 'post');
  assert.equal(requests[0].headers.Authorization, `Bearer ${token}`);
  assert.deepEqual(requests[0].body, {code: 'K7Q2-9XPL'});
  assert.equal(ui.alerts[0].buttons, 'OK_CANCEL');
  assert.match(ui.messages[1], /connected to the Roster organisation "north-team"/);
});

test('Connect to Roster… sends nothing when cancelled or left empty', () => {
  const cancelled = setUp({server: connected, answers: [{button: 'CANCEL', text: 'K7Q2'}]});
  cancelled.script.menuConnect();
  const empty = setUp({server: connected, answers: [{button: 'OK', text: '  '}]});
  empty.script.menuConnect();

  assert.equal(cancelled.requests.length + empty.requests.length, 0);
  assert.match(empty.ui.messages[1], /No code was entered/);
});

for (const [which, detail] of [
  ['wrong', 'This link code does not exist: check it, or ask an admin for a new one.'],
  ['used', 'This link code was already used, on 2024-05-01.'],
  ['expired', 'This link code expired on 2024-05-01 12:00 UTC (codes last 24 hours).'],
]) {
  test(`Connect to Roster… says plainly when the code is ${which}`, () => {
    const {script, ui} = setUp({answers: [{button: 'OK', text: 'CODE'}],
      server: () => response(403, {title: 'Forbidden', status: 403, detail})});

    script.menuConnect();

    assert.equal(ui.messages[1], `Roster did not connect this spreadsheet: ${detail} Ask a ` +
        'Roster admin for a new code.');
  });
}
