'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const {BACKEND, SPREADSHEET_ID, SRC, plain, response, setUp} = require('./fakes');

const ISSUES = [
  {row: null, column: null, cell: null, field: null, code: 'header.missing', severity: 'error',
    message: 'Add a gender column.', fix: null},
  {row: 3, column: 1, cell: 'A3', field: 'email_address', code: 'email.not_lowercase',
    severity: 'error', message: 'Write the email in lowercase.', fix: 'ana@example.org'},
  {row: 7, column: 1, cell: 'A7', field: 'email_address', code: 'email.existing_client',
    severity: 'warning', message: 'Already a client: this row will be skipped.', fix: null},
];

const summaryOf = (issues, rows = 9) => ({rows,
  errors: issues.filter((i) => i.severity === 'error').length,
  warnings: issues.filter((i) => i.severity === 'warning').length});
const validated = (issues = ISSUES, rows = 9) => () =>
  response(200, {summary: summaryOf(issues, rows), issues});
const genders = (count) => Array.from({length: count}, (_, i) => ({row: i + 2, column: 6,
  cell: `F${i + 2}`, field: 'gender', code: 'gender.invalid', severity: 'error',
  message: 'Write exactly male or female.', fix: 'male'}));

test('Open sidebar shows Sidebar.html titled Roster', () => {
  const {script, ui} = setUp();

  script.menuOpenSidebar();

  assert.equal(ui.sidebars.length, 1);
  assert.equal(ui.sidebars[0].file, 'Sidebar');
  assert.equal(ui.sidebars[0].title, 'Roster');
});

test('the sidebar groups the issues by column and message, errors first, with their cells', () => {
  const {script} = setUp({server: validated()});
  script.menuValidate();

  const state = plain(script.sidebarState());

  assert.equal(state.validation.summary, 'Checked 9 rows of "Clients": 2 errors, 1 warning.');
  assert.equal(state.validation.at, '2024-05-01 14:00 (Europe/Paris)');
  assert.equal(state.validation.stale, null);
  assert.deepEqual(state.validation.groups.map((g) => [g.label, g.severity, g.countText, g.fixable,
    g.cells]), [
    ['Whole sheet', 'error', '1 cell', 0, ['A1']],
    ['Email address (A)', 'error', '1 cell', 1, ['A3']],
    ['Email address (A)', 'warning', '1 cell', 0, ['A7']],
  ]);
  assert.equal(state.import, null);
  assert.equal(state.error, null);
});

test('83 identical gender issues are one group of 83 cells, all fixable', () => {
  const {script} = setUp({server: validated(genders(83))});
  script.menuValidate();

  const [group] = plain(script.sidebarState()).validation.groups;

  assert.deepEqual([group.label, group.count, group.countText, group.fixable, group.cells.length],
      ['Gender (F)', 83, '83 cells', 83, 20]);
  assert.equal(group.message, 'Write exactly male or female.');
});

test('counts are written with thousands separators', () => {
  const {script, ui} = setUp({server: validated(genders(1200), 100000)});

  script.menuValidate();

  assert.match(ui.messages[0], /^Checked 100,000 rows of "Clients": 1,200 errors, no warnings\./);
  assert.equal(plain(script.sidebarState()).validation.groups[0].countText, '1,200 cells');
});

test('the sidebar says when nothing has been validated yet', () => {
  const {script} = setUp();

  assert.deepEqual(plain(script.sidebarState()), {validation: null, attempt: null, import: null,
    error: null, notice: null});
});

test('a small sheet is validated in one request from the sidebar', () => {
  const {script, requests} = setUp({server: validated()});

  const state = plain(script.sidebarValidate());

  assert.deepEqual(requests.map((r) => [r.method, r.url]),
      [['post', `${BACKEND}/api/v1/sheets/${SPREADSHEET_ID}/validate`]]);
  assert.equal(state.validation.groups.length, 3);
  assert.equal(state.attempt, null);
});

function jobServer({finish = 'succeeded', polls = 1} = {}) {
  let asked = 0;
  return (request) => {
    if (request.url === `${BACKEND}/api/v1/sheets/${SPREADSHEET_ID}/validations`) {
      return response(202, {validation: {id: 'job-1', status: 'queued'}});
    }
    if (request.url === `${BACKEND}/api/v1/validations/job-1`) {
      if (++asked <= polls) return response(200, {validation: {id: 'job-1', status: 'running'}});
      if (finish === 'failed') {
        return response(200, {validation: {id: 'job-1', status: 'failed',
          message: 'Google Sheets is not answering: try again in a few minutes.'}});
      }
      return response(200, {validation: {id: 'job-1', status: 'succeeded', result: {
        summary: {rows: 60000, errors: 4000, warnings: 0}, issues_total: 4000,
        groups: [{field: 'gender', column: 'F', severity: 'error', code: 'gender.invalid',
          message: 'Write exactly male or female.', count: 4000, fixable: 4000,
          cells: ['F2', 'F3']}]}}});
    }
    return response(404, {detail: `unexpected ${request.method} ${request.url}`});
  };
}

test('a large sheet is validated as a job the sidebar polls, never in one long request', () => {
  const {script, requests} = setUp({server: jobServer(), sheets: [{lastRow: 60001}]});

  const started = plain(script.sidebarValidate());
  assert.equal(started.attempt.status, 'checking');
  assert.equal(started.attempt.jobId, 'job-1');
  const running = plain(script.sidebarPollValidation());
  assert.equal(running.attempt.status, 'checking');
  const done = plain(script.sidebarPollValidation());

  assert.equal(done.attempt, null);
  assert.equal(done.validation.summary, 'Checked 60,000 rows of "Clients": 4,000 errors, no warnings.');
  assert.equal(done.validation.groups[0].countText, '4,000 cells');
  assert.equal(requests.filter((r) => r.url.endsWith('/validate')).length, 0);
});

test('the menu\'s Validate of a large sheet follows the job to its end', () => {
  const {script, ui, sleeps} = setUp({server: jobServer({polls: 2}), sheets: [{lastRow: 60001}]});

  script.menuValidate();

  assert.equal(sleeps.length, 3);
  assert.match(ui.messages[0], /^Checked 60,000 rows of "Clients": 4,000 errors/);
});

test('a failed job is shown as failed with the server\'s words, not as the old result', () => {
  const {script} = setUp({server: jobServer({finish: 'failed', polls: 0}),
    sheets: [{lastRow: 60001}]});

  script.sidebarValidate();
  const state = plain(script.sidebarPollValidation());

  assert.equal(state.attempt.status, 'failed');
  assert.equal(state.attempt.message, 'Google Sheets is not answering: try again in a few minutes.');
});

test('a check that cannot reach the server comes back as a failed attempt with its kind', () => {
  const {script} = setUp({server: () => { throw new Error('Exception: Timeout: https://x'); }});

  const state = plain(script.sidebarValidate());

  assert.equal(state.error.kind, 'timeout');
  assert.match(state.error.message, /did not answer within the minute/);
  assert.equal(state.attempt.status, 'failed');
});

test('a result is stale after a fix, on another worksheet, or after an hour', () => {
  const fixed = setUp({server: (request) => (request.url.endsWith('/fix') ?
    response(200, {changed: [{cell: 'A3', field: 'email_address', value: 'ana@example.org'}],
      summary: summaryOf(ISSUES)}) : validated()())});
  fixed.script.menuValidate();
  fixed.clock.now += 1000;
  fixed.properties.document.setProperty('roster.changedAt', String(fixed.clock.now));
  assert.match(plain(fixed.script.sidebarState()).validation.stale, /Roster changed values/);

  const other = setUp({server: validated(), sheets: [{}, {name: 'March', sheetId: 77}]});
  other.script.menuValidate();
  other.spreadsheet.sheets[1].activate();
  assert.match(plain(other.script.sidebarState()).validation.stale, /of "Clients", not of the worksheet in front of you/);

  const old = setUp({server: validated()});
  old.script.menuValidate();
  old.clock.now += 61 * 60 * 1000;
  assert.match(plain(old.script.sidebarState()).validation.stale, /over an hour old/);
});

test('Fix from the sidebar applies the fixes, then checks again', () => {
  const {script, requests} = setUp({server: (request) => (request.url.endsWith('/fix') ?
    response(200, {changed: [{cell: 'A3', field: 'email_address', value: 'ana@example.org'}],
      summary: summaryOf(ISSUES)}) : validated(ISSUES.slice(0, 1))())});

  const state = plain(script.sidebarFix());

  assert.deepEqual(requests.map((r) => r.url.split('/').at(-1)), ['fix', 'validate']);
  assert.equal(state.notice, 'Fixed 1 cell (A3).');
  assert.equal(state.validation.stale, null);
  assert.equal(state.validation.groups.length, 1);
});

test('a validation too large for a document property keeps as many groups as fit', () => {
  const many = Array.from({length: 2000}, (_, i) => ({row: i + 2, column: 1, cell: `A${i + 2}`,
    field: 'email_address', code: 'email.invalid', severity: 'error',
    message: `Écrivez une adresse valide (ligne ${i + 2}).`, fix: null}));
  const {script, properties} = setUp({server: validated(many)});

  script.menuValidate();

  const stored = properties.document.getProperty('roster.lastValidation');
  assert.ok(Buffer.byteLength(stored, 'utf8') <= 9 * 1024);
  const state = plain(script.sidebarState());
  assert.ok(state.validation.groups.length > 10);
  assert.equal(state.validation.total, 2000);
  assert.equal(state.validation.shown, state.validation.groups.length);
  assert.equal(state.validation.summary, 'Checked 9 rows of "Clients": 2,000 errors, no warnings.');
});

test('clicking an issue selects its cell on its worksheet', () => {
  const {script, spreadsheet} = setUp({sheets: [{}, {name: 'March', sheetId: 77}]});

  script.sidebarSelectCell(77, 'C12');

  assert.equal(spreadsheet.getActiveSheet().getName(), 'March');
  assert.equal(spreadsheet.sheets[1].activeRange, 'C12');
});

test('clicking an issue of the whole sheet selects A1', () => {
  const {script, spreadsheet} = setUp();

  script.sidebarSelectCell(0, '');

  assert.equal(spreadsheet.sheets[0].activeRange, 'A1');
});

test('clicking an issue of a deleted worksheet says so', () => {
  const {script} = setUp();

  assert.match(plain(script.sidebarSelectCell(999, 'A2')).error.message, /no longer exists/);
});

const RUN = {id: 'run-9', status: 'running', total: 2000, processed: 500, created: 500,
  updated: 0, skipped: 0, failed_rows: 0, started_by: 'pro@example.org',
  started_at: '2024-05-01T12:00:00+00:00', finished_at: null};

test('the sidebar asks the server about an unfinished import and shows its progress', () => {
  const {script, requests} = setUp({
    documentProperties: {'roster.lastImport': JSON.stringify({sheetId: 0, sheetName: 'Clients',
      run: {...RUN, processed: 10}})},
    server: () => response(200, {import: RUN}),
  });

  const state = plain(script.sidebarState());

  assert.equal(requests[0].url, `${BACKEND}/api/v1/imports/run-9`);
  assert.deepEqual(state.import, {sheetName: 'Clients', status: 'running', done: false,
    failed: false, total: 2000, processed: 500, error: null,
    text: 'Importing "Clients": 500 of 2,000 rows done: 500 clients created, 0 updated, 0 rows ' +
      'skipped, 0 rows not imported.'});
});

test('a failed import is shown as failed, with its message', () => {
  const failed = {...RUN, status: 'failed', finished_at: '2024-05-01T12:03:00+00:00',
    message: 'Google Sheets is not answering.'};
  const {script} = setUp({
    documentProperties: {'roster.lastImport': JSON.stringify({sheetId: 0, sheetName: 'Clients',
      run: RUN})},
    server: () => response(200, {import: failed}),
  });

  const state = plain(script.sidebarState());

  assert.equal(state.import.failed, true);
  assert.equal(state.import.done, true);
  assert.match(state.import.text, /^The import of "Clients" stopped\. Google Sheets is not answering\. So far: 500 clients created/);
});

test('the sidebar does not ask about an import that has finished', () => {
  const done = {...RUN, status: 'succeeded', total: 2, processed: 2, created: 2,
    finished_at: '2024-05-01T12:00:05+00:00'};
  const {script, requests} = setUp({documentProperties: {'roster.lastImport':
    JSON.stringify({sheetId: 0, sheetName: 'Clients', run: done})}});

  const state = plain(script.sidebarState());

  assert.equal(requests.length, 0);
  assert.equal(state.import.done, true);
  assert.match(state.import.text, /2 clients created.*No invitations were sent\.$/);
});

test('the sidebar never renders the server\'s text as HTML and uses Google\'s add-on CSS', () => {
  const html = fs.readFileSync(path.join(SRC, 'Sidebar.html'), 'utf8');

  assert.doesNotMatch(html, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|<\?/);
  assert.match(html, /<html lang="en">/);
  assert.match(html, /role="alert"/);
  assert.match(html, /https:\/\/ssl\.gstatic\.com\/docs\/script\/css\/add-ons1\.css/);
});

test('the sidebar only calls public server functions the script defines', () => {
  const html = fs.readFileSync(path.join(SRC, 'Sidebar.html'), 'utf8');
  const {script} = setUp();

  const called = [...new Set([...html.matchAll(/(?:run|checkWith)\('(\w+)'/g)].map((m) => m[1]))].sort();
  assert.deepEqual(called, ['sidebarPlanImport', 'sidebarPollValidation', 'sidebarSelectCell',
    'sidebarStartImport', 'sidebarState', 'sidebarValidate', 'sidebarFix'].sort());
  for (const name of called) {
    assert.equal(typeof script[name], 'function', name);
    assert.ok(!name.endsWith('_'), `${name} would be private to Apps Script`);
  }
});
