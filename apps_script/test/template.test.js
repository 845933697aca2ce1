'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {BACKEND, SPREADSHEET_ID, response, setUp} = require('./fakes');

const SCHEMA = {
  tags: ['VIP', 'New client'],
  attributes: [
    {name: 'Plan', type: 'choice', choices: ['Basic', 'Pro']},
    {name: 'Consent', type: 'boolean', choices: null},
    {name: 'Joined', type: 'date', choices: null},
    {name: 'Notes', type: 'text', choices: null},
  ],
};
const schemaServer = (request) => (request.url === `${BACKEND}/api/v1/sheets/${SPREADSHEET_ID}/schema` &&
  request.method === 'get' ? response(200, SCHEMA) : response(404, {detail: 'unexpected'}));

const HEADERS = ['email_address', 'initial_password', 'first_name', 'last_name', 'birthdate',
  'gender', 'tag', 'external_id'];

const calls = (sheet, method) => sheet.calls.filter((call) => call.method === method);

test('Set up template writes the headers into an empty first row and freezes it', () => {
  const {script, spreadsheet} = setUp();
  const sheet = spreadsheet.sheets[0];

  script.menuSetUpTemplate();

  assert.deepEqual(calls(sheet, 'setValues'), [{method: 'setValues', range: 'A1:H1', values: [HEADERS]}]);
  assert.equal(sheet.getFrozenRows(), 1);
});

test('Set up template keeps birthdate, password and external id as plain text so Sheets makes no dates', () => {
  const {script, spreadsheet} = setUp();
  const sheet = spreadsheet.sheets[0];

  script.menuSetUpTemplate();

  assert.deepEqual(calls(sheet, 'setNumberFormat').map((call) => [call.range, call.format]),
      [['B2:B1000', '@'], ['E2:E1000', '@'], ['H2:H1000', '@']]);
});

test('Set up template offers male or female in the gender column', () => {
  const {script, spreadsheet} = setUp();
  const sheet = spreadsheet.sheets[0];

  script.menuSetUpTemplate();

  const [validation] = calls(sheet, 'setDataValidation');
  assert.equal(validation.range, 'F2:F1000');
  assert.deepEqual(validation.rule.values, ['male', 'female']);
  assert.equal(validation.rule.showDropdown, true);
});

test('Set up template never overwrites an existing header row', () => {
  const existing = ['Email_Address', 'first_name', 'last_name', 'Birthdate', 'notes'];
  const {script, spreadsheet, ui} = setUp({sheets: [{values: [existing, ['ana@example.org']]}]});
  const sheet = spreadsheet.sheets[0];

  script.menuSetUpTemplate();

  assert.deepEqual(calls(sheet, 'setValues'), []);
  assert.deepEqual(sheet.getRange(1, 1, 1, 5).getValues(), [existing]);
  // The columns it recognises still get their formats, wherever they are.
  assert.deepEqual(calls(sheet, 'setNumberFormat').map((call) => call.range), ['D2:D1000']);
  assert.match(ui.messages[0], /already has headers, so Roster left them as they are/);
  assert.match(ui.messages[0], /lacks these required columns: initial_password and gender\./);
});

test('Set up template adds columns to a sheet too narrow for the headers', () => {
  const {script, spreadsheet} = setUp({sheets: [{maxColumns: 5}]});
  const sheet = spreadsheet.sheets[0];

  script.menuSetUpTemplate();

  assert.equal(sheet.getMaxColumns(), 8);
  assert.equal(calls(sheet, 'setValues')[0].range, 'A1:H1');
});

test('Clear Roster notes keeps a person\'s note and removes Roster\'s in one setNotes call', () => {
  const {script, spreadsheet, ui} = setUp({sheets: [{
    values: [HEADERS, ['Ana@Example.org', 'Secret#1x', 'Ana', 'Silva', '19850314', 'Female']],
    notes: {
      A2: 'Roster:\n• Write the email in lowercase.',
      C2: 'Prefers to be called Annie',
      F2: 'Roster:\n• Write male or female.',
      A1: 'Ask Bob about Roster: he set this up',
    },
  }]});
  const sheet = spreadsheet.sheets[0];

  script.menuClearNotes();

  assert.equal(calls(sheet, 'setNotes').length, 1);
  assert.equal(calls(sheet, 'setNotes')[0].range, 'A1:Z1000');
  assert.equal(sheet.note('A2'), '');
  assert.equal(sheet.note('F2'), '');
  assert.equal(sheet.note('C2'), 'Prefers to be called Annie');
  assert.equal(sheet.note('A1'), 'Ask Bob about Roster: he set this up');
  assert.equal(ui.messages[0], 'Removed 2 Roster notes from "Clients" and kept 2 notes that people wrote.');
});

test('Clear Roster notes writes nothing when Roster has no notes on the sheet', () => {
  const {script, spreadsheet, ui} = setUp({sheets: [{values: [HEADERS], notes: {B1: 'mine'}}]});

  script.menuClearNotes();

  assert.deepEqual(calls(spreadsheet.sheets[0], 'setNotes'), []);
  assert.equal(ui.messages[0], '"Clients" has no Roster notes.');
});

test('Clear Roster notes also clears rows whose values were deleted, beyond the data range', () => {
  const {script, spreadsheet, ui} = setUp({sheets: [{
    values: [HEADERS, ['ana@example.org']],
    notes: {A40: 'Roster:\n• Write the email in lowercase.', F900: 'Roster:\n• Write male or female.'},
  }]});
  const sheet = spreadsheet.sheets[0];

  script.menuClearNotes();

  assert.equal(sheet.note('A40'), '');
  assert.equal(sheet.note('F900'), '');
  assert.equal(ui.messages[0], 'Removed 2 Roster notes from "Clients".');
});

test('Clear Roster notes on a 12,000-row sheet reads in blocks and writes only blocks with notes', () => {
  const {script, spreadsheet} = setUp({sheets: [{maxRows: 12000, maxColumns: 8,
    notes: {B7001: 'Roster:\n• x'}}]});
  const sheet = spreadsheet.sheets[0];

  script.menuClearNotes();

  assert.deepEqual(calls(sheet, 'setNotes').map((call) => call.range), ['A5001:H10000']);
  assert.equal(sheet.note('B7001'), '');
});

test('Set up template reads the organisation\'s schema and writes a column per attribute', () => {
  const {script, spreadsheet, requests} = setUp({server: schemaServer});
  const sheet = spreadsheet.sheets[0];

  script.menuSetUpTemplate();

  assert.equal(requests[0].url, `${BACKEND}/api/v1/sheets/${SPREADSHEET_ID}/schema`);
  assert.deepEqual(calls(sheet, 'setValues')[0].values, [[...HEADERS, 'attribute:Plan',
    'attribute:Consent', 'attribute:Joined', 'attribute:Notes']]);
});

test('Set up template builds the org\'s tag and choice dropdowns, warning rather than rejecting', () => {
  const {script, spreadsheet, ui} = setUp({server: schemaServer});
  const sheet = spreadsheet.sheets[0];

  script.menuSetUpTemplate();

  const rules = Object.fromEntries(calls(sheet, 'setDataValidation').map((call) =>
    [call.range, call.rule]));
  assert.deepEqual(Object.keys(rules), ['F2:F1000', 'G2:G1000', 'I2:I1000', 'J2:J1000']);
  assert.deepEqual(rules['G2:G1000'].values, ['VIP', 'New client']);
  assert.deepEqual(rules['I2:I1000'].values, ['Basic', 'Pro']);
  assert.deepEqual(rules['J2:J1000'].values, ['TRUE', 'FALSE']);
  for (const rule of Object.values(rules)) {
    assert.equal(rule.allowInvalid, true);
    assert.equal(rule.showDropdown, true);
  }
  // birthdate, password, external id and the date attribute stay as typed
  assert.deepEqual(calls(sheet, 'setNumberFormat').map((call) => call.range),
      ['B2:B1000', 'E2:E1000', 'H2:H1000', 'K2:K1000']);
  assert.match(ui.messages[0], /tag: one of 2 tags/);
  assert.match(ui.messages[0], /attribute:Consent: TRUE or FALSE \(a checkbox works too\)/);
});

test('Set up template gives every tag column the tag list and matches attribute headers loosely', () => {
  const headers = ['email_address', 'Tag', 'tag', 'Attributes:plan', 'attribute:Unknown'];
  const {script, spreadsheet} = setUp({server: schemaServer, sheets: [{values: [headers]}]});
  const sheet = spreadsheet.sheets[0];

  script.menuSetUpTemplate();

  assert.deepEqual(calls(sheet, 'setDataValidation').map((call) => [call.range, call.rule.values]), [
    ['B2:B1000', ['VIP', 'New client']], ['C2:C1000', ['VIP', 'New client']],
    ['D2:D1000', ['Basic', 'Pro']]]);
});

test('Set up template without the organisation\'s schema still sets up the sheet and says why', () => {
  const {script, spreadsheet, ui} = setUp({server: () => response(404, {detail:
    'This spreadsheet is not linked to a Roster organisation.'})});
  const sheet = spreadsheet.sheets[0];

  script.menuSetUpTemplate();

  assert.deepEqual(calls(sheet, 'setDataValidation').map((call) => call.range), ['F2:F1000']);
  assert.match(ui.messages[0], /tags and attributes could not be read, so their columns have no dropdowns: This spreadsheet is not linked/);
});
