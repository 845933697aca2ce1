'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const {BACKEND, SRC, plain, response, setUp} = require('./fakes');

const ISSUES = [
  {row: null, column: null, cell: null, field: null, code: 'header.missing', severity: 'error',
    message: 'Add a gender column.', fix: null},
  {row: 3, column: 1, cell: 'A3', field: 'email_address', code: 'email.not_lowercase',
    severity: 'error', message: 'Write the email in lowercase.', fix: 'ana@example.org'},
  {row: 7, column: 1, cell: 'A7', field: 'email_address', code: 'email.existing_client',
    severity: 'warning', message: 'Already a client: this row will be skipped.', fix: null},
];

const validated = (issues = ISSUES) => () => response(200, {
  summary: {rows: 9, errors: issues.filter((i) => i.severity === 'error').length,
    warnings: issues.filter((i) => i.severity === 'warning').length},
  issues,
});

test('Open sidebar shows Sidebar.html titled Roster', () => {
  const {script, ui} = setUp();

  script.menuOpenSidebar();

  assert.equal(ui.sidebars.length, 1);
  assert.equal(ui.sidebars[0].file, 'Sidebar');
  assert.equal(ui.sidebars[0].title, 'Roster');
});

test('the sidebar shows the last validation\'s summary and issues, with their cells and fixes', () => {
  const {script} = setUp({server: validated()});
  script.menuValidate();

  const state = plain(script.sidebarState());

  assert.equal(state.validation.summary, 'Checked 9 rows of "Clients": 2 errors, 1 warning.');
  assert.equal(state.validation.at, '2024-05-01 14:00 (Europe/Paris)');
  assert.deepEqual(state.validation.issues.map((i) => [i.cell, i.severity, i.fix]), [
    ['A1', 'error', null], ['A3', 'error', 'ana@example.org'], ['A7', 'warning', null]]);
  assert.equal(state.validation.more, 0);
  assert.equal(state.import, null);
});

test('the sidebar says when nothing has been validated yet', () => {
  const {script} = setUp();

  assert.deepEqual(plain(script.sidebarState()), {validation: null, import: null});
});

test('the sidebar\'s Validate button validates the active sheet and returns the new state', () => {
  const {script, requests} = setUp({server: validated()});

  const state = plain(script.sidebarValidate());

  assert.equal(requests.length, 1);
  assert.equal(state.validation.issues.length, 3);
});

test('a validation too large for a document property keeps as many issues as fit', () => {
  const many = Array.from({length: 2000}, (_, i) => ({row: i + 2, column: 1, cell: `A${i + 2}`,
    field: 'email_address', code: 'email.invalid', severity: 'error',
    message: `Écrivez une adresse valide (ligne ${i + 2}).`, fix: null}));
  const {script, properties} = setUp({server: validated(many)});

  script.menuValidate();

  const stored = properties.document.getProperty('roster.lastValidation');
  assert.ok(Buffer.byteLength(stored, 'utf8') <= 9 * 1024);
  const state = plain(script.sidebarState());
  assert.ok(state.validation.issues.length > 10);
  assert.equal(state.validation.issues.length + state.validation.more, 2000);
  assert.equal(state.validation.summary, 'Checked 9 rows of "Clients": 2000 errors, no warnings.');
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

  assert.throws(() => script.sidebarSelectCell(999, 'A2'), /no longer exists/);
});

test('the sidebar asks the server about an unfinished import and shows its progress', () => {
  const running = {id: 'run-9', status: 'running', total: 200, processed: 50, created: 50,
    updated: 0, skipped: 0, failed_rows: 0, started_by: 'pro@example.org',
    started_at: '2024-05-01T12:00:00+00:00', finished_at: null};
  const {script, requests} = setUp({
    documentProperties: {'roster.lastImport': JSON.stringify({sheetId: 0, sheetName: 'Clients',
      run: {...running, processed: 10}})},
    server: () => response(200, {import: running}),
  });

  const state = plain(script.sidebarState());

  assert.equal(requests[0].url, `${BACKEND}/api/v1/imports/run-9`);
  assert.deepEqual(state.import, {sheetName: 'Clients', status: 'running', done: false, total: 200,
    processed: 50, error: null,
    text: 'Importing "Clients": 50 of 200 rows done: 50 clients created, 0 updated, 0 rows skipped, ' +
      '0 rows not imported.'});
});

test('the sidebar does not ask about an import that has finished', () => {
  const done = {id: 'run-9', status: 'succeeded', total: 2, processed: 2, created: 2, updated: 0,
    skipped: 0, failed_rows: 0, started_by: 'pro@example.org', started_at: '2024-05-01T12:00:00+00:00',
    finished_at: '2024-05-01T12:00:05+00:00'};
  const {script, requests} = setUp({documentProperties: {'roster.lastImport':
    JSON.stringify({sheetId: 0, sheetName: 'Clients', run: done})}});

  const state = plain(script.sidebarState());

  assert.equal(requests.length, 0);
  assert.equal(state.import.done, true);
  assert.match(state.import.text, /2 clients created.*No invitations were sent\.$/);
});

test('the sidebar never renders the server\'s text as HTML', () => {
  const html = fs.readFileSync(path.join(SRC, 'Sidebar.html'), 'utf8');

  assert.doesNotMatch(html, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|<\?/);
  assert.match(html, /<html lang="en">/);
  assert.match(html, /role="alert"/);
});

test('the sidebar only calls server functions the script defines', () => {
  const html = fs.readFileSync(path.join(SRC, 'Sidebar.html'), 'utf8');
  const {script} = setUp();

  const called = [...html.matchAll(/\)\s*\.(sidebar\w+)\(/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(called)].sort(), ['sidebarSelectCell', 'sidebarState', 'sidebarValidate']);
  for (const name of called) {
    assert.equal(typeof script[name], 'function', name);
  }
});

/** A very small DOM: just what Sidebar.html's script uses. */
function fakeDocument() {
  const element = (tag) => ({
    tag, children: [], ownText: '', hidden: false, disabled: false, listeners: {},
    get textContent() { return this.ownText + this.children.map((c) => c.textContent).join(''); },
    set textContent(text) { this.ownText = String(text); this.children = []; },
    appendChild(child) { this.children.push(child); return child; },
    addEventListener(type, listener) { this.listeners[type] = listener; },
    click() { this.listeners.click(); },
  });
  const html = fs.readFileSync(path.join(SRC, 'Sidebar.html'), 'utf8');
  const byId = new Map([...html.matchAll(/id="([\w-]+)"/g)].map((m) => [m[1], element('by-id')]));
  return {
    byId,
    getElementById: (id) => byId.get(id) || null,
    createElement: element,
    createTextNode: (text) => ({textContent: text}),
  };
}

/** Run Sidebar.html's script with google.script.run calling the loaded Apps Script directly. */
function openSidebarPage(script) {
  const html = fs.readFileSync(path.join(SRC, 'Sidebar.html'), 'utf8');
  const code = /<script>([\s\S]*)<\/script>/.exec(html)[1];
  const document = fakeDocument();
  const timers = [];
  const run = () => {
    const handlers = {success: () => {}, failure: () => {}};
    return new Proxy({}, {get(_, name) {
      if (name === 'withSuccessHandler') return (fn) => { handlers.success = fn; return run.current; };
      if (name === 'withFailureHandler') return (fn) => { handlers.failure = fn; return run.current; };
      return (...args) => {
        try {
          handlers.success(plain(script[name](...args)));
        } catch (error) {
          handlers.failure({message: error.message});
        }
      };
    }});
  };
  const google = {script: {}};
  Object.defineProperty(google.script, 'run', {get() { run.current = run(); return run.current; }});
  const window = {setTimeout: (fn) => timers.push(fn), clearTimeout: () => {}};
  new Function('document', 'window', 'google', code)(document, window, google);
  return {document, timers};
}

test('the sidebar page lists the issues and selects a cell when one is chosen', () => {
  const {script, spreadsheet} = setUp({server: validated()});
  script.menuValidate();

  const {document} = openSidebarPage(script);

  const summary = document.getElementById('validation-summary').textContent;
  assert.equal(summary, 'Checked 9 rows of "Clients": 2 errors, 1 warning.');
  const buttons = document.getElementById('issues').children.map((item) => item.children[0]);
  assert.deepEqual(buttons.map((b) => b.textContent), [
    'A1 (error) Add a gender column.',
    'A3 (error) Write the email in lowercase. Suggested value: "ana@example.org"',
    'A7 (warning) Already a client: this row will be skipped.',
  ]);
  buttons[1].click();
  assert.equal(spreadsheet.sheets[0].activeRange, 'A3');
  assert.equal(document.getElementById('status').textContent, '');
});

test('the sidebar page shows a failure in the user\'s words', () => {
  const {script} = setUp({scriptProperties: {}});

  const {document} = openSidebarPage(script);
  document.getElementById('validate').click();

  assert.match(document.getElementById('status').textContent, /^Roster is not set up yet/);
  assert.equal(document.getElementById('validation-summary').textContent, 'The sheet was not checked.');
  assert.equal(document.getElementById('validate').disabled, false);
});

test('the sidebar page keeps polling a running import and stops when it is done', () => {
  const base = {id: 'run-9', total: 10, updated: 0, skipped: 0, failed_rows: 0,
    started_by: 'pro@example.org', started_at: '2024-05-01T12:00:00+00:00', finished_at: null};
  const answers = [{...base, status: 'running', processed: 4, created: 4},
    {...base, status: 'succeeded', processed: 10, created: 10}];
  const {script} = setUp({
    documentProperties: {'roster.lastImport': JSON.stringify({sheetId: 0, sheetName: 'Clients',
      run: {...base, status: 'queued', processed: 0, created: 0}})},
    server: () => response(200, {import: answers.shift()}),
  });

  const {document, timers} = openSidebarPage(script);

  assert.equal(document.getElementById('import').hidden, false);
  assert.equal(document.getElementById('import-progress').value, 4);
  assert.equal(timers.length, 1);
  timers.shift()();
  assert.match(document.getElementById('import-text').textContent,
      /finished: 10 clients created.*No invitations were sent\.$/);
  assert.equal(document.getElementById('import-progress').value, 10);
  assert.equal(timers.length, 0);
});
