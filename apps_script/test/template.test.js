'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {setUp} = require('./fakes');

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
  assert.equal(calls(sheet, 'setNotes')[0].range, 'A1:H2');
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
