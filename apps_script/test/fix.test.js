'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {BACKEND, SPREADSHEET_ID, response, setUp} = require('./fakes');

const SHEET = `${BACKEND}/api/v1/sheets/${SPREADSHEET_ID}`;

function fixingServer(changed) {
  return (request) => {
    if (request.url === `${SHEET}/fix`) {
      return response(200, {changed, summary: {rows: 4, errors: 1, warnings: 0}});
    }
    if (request.url === `${SHEET}/validate`) {
      return response(200, {summary: {rows: 4, errors: 1, warnings: 0}, issues: [
        {row: 2, column: 5, cell: 'E2', field: 'birthdate', code: 'birthdate.invalid',
          severity: 'error', message: 'Write the birthdate as YYYYMMDD.', fix: null}]});
    }
    return response(404, {detail: 'unexpected'});
  };
}

test('Fix what can be fixed asks first and changes nothing when the user says no', () => {
  const {script, requests} = setUp({server: fixingServer([]), answers: ['NO']});

  script.menuFix();

  assert.equal(requests.length, 0);
});

test('Fix what can be fixed applies the fixes, then validates again so the notes are current', () => {
  const changed = [{cell: 'A2', field: 'email_address', value: 'ana@example.org'},
    {cell: 'F3', field: 'gender', value: 'male'}];
  const {script, requests, ui, properties} = setUp({server: fixingServer(changed), answers: ['YES']});

  script.menuFix();

  assert.deepEqual(requests.map((r) => [r.url, r.body]), [
    [`${SHEET}/fix`, {worksheet_id: 0}], [`${SHEET}/validate`, {worksheet_id: 0}]]);
  assert.match(ui.messages.at(-1), /^Fixed 2 cells \(A2, F3\)\. Checked 4 rows of "Clients": 1 error, no warnings\./);
  assert.equal(JSON.parse(properties.document.getProperty('roster.lastValidation')).total, 1);
});

test('Fix what can be fixed says so when there was nothing to fix', () => {
  const {script, requests, ui} = setUp({server: fixingServer([]), answers: ['YES']});

  script.menuFix();

  assert.equal(requests.length, 1);
  assert.equal(ui.messages.at(-1), 'Nothing was changed: no value has an unambiguous suggested fix.');
});
