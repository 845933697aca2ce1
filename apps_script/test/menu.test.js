'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {setUp} = require('./fakes');

test('opening the spreadsheet adds the Roster menu with every item', () => {
  const {script, ui} = setUp();

  script.onOpen({});

  assert.equal(ui.menus.length, 1);
  assert.equal(ui.menus[0].name, 'Roster');
  const captions = ui.menus[0].items.filter((item) => !item.separator).map((item) => item.caption);
  assert.deepEqual(captions, ['Validate', 'Import…', 'Fix what can be fixed', 'Set up template',
    'Clear Roster notes', 'Open sidebar']);
});

test('every menu item calls a public function the script defines', () => {
  const {script, ui} = setUp();

  script.onOpen({});

  for (const item of ui.menus[0].items.filter((entry) => !entry.separator)) {
    assert.equal(typeof script[item.functionName], 'function', item.functionName);
    // Apps Script cannot call a function whose name ends in _ from a menu.
    assert.ok(!item.functionName.endsWith('_'), item.functionName);
  }
});

test('opening the spreadsheet calls no backend, as a simple trigger cannot', () => {
  const {script, requests} = setUp();

  script.onOpen({});

  assert.equal(requests.length, 0);
});

test('a bug in a menu action is not hidden behind an alert', () => {
  const {script, ui, globals} = setUp();
  globals.SpreadsheetApp.getActive().getActiveSheet = () => { throw new TypeError('boom'); };

  assert.throws(() => script.menuValidate(), /boom/);
  assert.equal(ui.alerts.length, 0);
});
