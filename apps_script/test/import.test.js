'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {BACKEND, SPREADSHEET_ID, response, setUp} = require('./fakes');

const IMPORTS = `${BACKEND}/api/v1/sheets/${SPREADSHEET_ID}/imports`;

function run(overrides = {}) {
  return {id: 'run-1', status: 'running', total: 120, processed: 0, created: 0, updated: 0,
    skipped: 0, failed_rows: 0, started_by: 'pro@example.org', started_at: '2024-05-01T12:00:00+00:00',
    finished_at: null, mode: 'all_or_nothing', message: null, ...overrides};
}

const DONE = run({status: 'succeeded', processed: 120, created: 115, skipped: 5,
  finished_at: '2024-05-01T12:01:00+00:00', message: 'No invitations were sent.'});

/**
 * A backend whose dry runs answer `plans[mode]` and whose import runs go through `progress`.
 */
function importServer({plans = {skip_invalid: {create: 115, update: 0, skip: 5, blocked: 0}},
  start = () => response(202, {import: run({status: 'queued'})}, {Location: '/api/v1/imports/run-1'}),
  progress = [DONE], active = () => null} = {}) {
  const statuses = [...progress];
  return (request) => {
    if (request.url.startsWith(`${IMPORTS}/active?worksheet_id=`)) {
      return response(200, {import: active(request)});
    }
    if (request.url === IMPORTS && request.body.dry_run) {
      return response(200, {plan: plans[request.body.mode]});
    }
    if (request.url === IMPORTS) {
      return start(request);
    }
    if (request.url === `${BACKEND}/api/v1/imports/run-1` && request.method === 'get') {
      return response(200, {import: statuses.length > 1 ? statuses.shift() : statuses[0]});
    }
    return response(404, {detail: `unexpected ${request.method} ${request.url}`});
  };
}

const posts = (requests) => requests.filter((r) => r.method === 'post').map((r) => r.body);

test('Import does a dry run and starts only after the user agrees to its counts', () => {
  const {script, ui, requests} = setUp({server: importServer(), answers: ['YES']});

  script.menuImport();

  assert.deepEqual(posts(requests), [
    {worksheet_id: 0, mode: 'skip_invalid', update_existing: false, dry_run: true},
    {worksheet_id: 0, mode: 'all_or_nothing', update_existing: false, dry_run: false},
  ]);
  const question = ui.alerts[0];
  assert.equal(question.buttons, 'YES_NO');
  assert.match(question.prompt, /• 115 new clients will be created\./);
  assert.match(question.prompt, /• 5 rows are already clients and will be skipped\./);
  assert.match(question.prompt, /No invitations are sent/);
});

test('Import starts nothing when the user says no', () => {
  const {script, requests, spreadsheet} = setUp({server: importServer(), answers: ['NO']});

  script.menuImport();

  assert.deepEqual(posts(requests).map((body) => body.dry_run), [true]);
  assert.equal(spreadsheet.toasts.at(-1).message, 'Nothing was imported.');
});

test('Import refuses to start while another window holds the lock, after asking with none held', () => {
  const {script, ui, requests} = setUp({server: importServer(), lockHeldElsewhere: true,
    answers: ['YES']});

  script.menuImport();

  assert.deepEqual(posts(requests).map((body) => body.dry_run), [true]);
  assert.match(ui.messages.at(-1), /^An import is being started from this spreadsheet right now/);
});

test('Import asks its question with no document lock held, so nobody waits on a dialog', () => {
  const fakes = setUp({server: importServer(), answers: ['YES']});
  const alert = fakes.ui.alert.bind(fakes.ui);
  const heldDuringDialogs = [];
  fakes.ui.alert = (...args) => { heldDuringDialogs.push(fakes.lock.hasLock()); return alert(...args); };

  fakes.script.menuImport();

  assert.ok(heldDuringDialogs.length >= 2);
  assert.deepEqual(new Set(heldDuringDialogs), new Set([false]));
});

test('a start that timed out is found by looking the sheet\'s run up, not started again', () => {
  const {script, ui, requests} = setUp({answers: ['YES'], server: importServer({
    start: () => response(202, {}, {}, {delayMs: 61000}),
    active: () => run({status: 'running', processed: 60}),
  })});

  script.menuImport();

  assert.deepEqual(posts(requests).map((body) => body.dry_run), [true, false]);
  assert.ok(requests.some((r) => r.url.includes('/imports/active?worksheet_id=0')));
  assert.match(ui.messages.at(-1), /^The import of "Clients" finished: 115 clients created/);
});

test('a start that timed out with no run on the server says nothing was imported', () => {
  const {script, ui} = setUp({answers: ['YES'], server: importServer({
    start: () => response(202, {}, {}, {delayMs: 61000}),
  })});

  script.menuImport();

  assert.match(ui.messages.at(-1), /no import of this sheet is running, so nothing was imported/);
});

test('a teammate\'s running import is not taken for ours after a timeout', () => {
  const {script, ui} = setUp({answers: ['YES'], server: importServer({
    start: () => response(202, {}, {}, {delayMs: 61000}),
    active: () => run({started_by: 'ana@example.org'}),
  })});

  script.menuImport();

  assert.match(ui.messages.at(-1), /did not answer within the minute Apps Script waits/);
});

test('Import holds the document lock until the run has started, then lets go', () => {
  let heldWhileStarting = null;
  const fakes = setUp({
    answers: ['YES'],
    server: importServer({start: () => {
      heldWhileStarting = fakes.lock.hasLock();
      return response(202, {import: run({status: 'queued'})});
    }}),
  });

  fakes.script.menuImport();

  assert.equal(heldWhileStarting, true);
  assert.equal(fakes.lock.hasLock(), false);
  assert.equal(fakes.lock.releases, 1);
});

test('Import lets go of the lock when the server says someone else is importing', () => {
  const {script, ui, lock} = setUp({answers: ['YES'], server: importServer({
    start: () => response(409, {detail: 'busy', started_by: 'ana@example.org',
      started_at: '2024-05-01T10:03:00+00:00'}),
  })});

  script.menuImport();

  assert.equal(lock.hasLock(), false);
  assert.match(ui.messages.at(-1), /^ana@example\.org is already importing this sheet since 2024-05-01 12:03/);
});

test('Import offers to skip invalid rows when some rows have errors', () => {
  const {script, ui, requests} = setUp({answers: ['YES'], server: importServer({plans: {
    skip_invalid: {create: 112, update: 0, skip: 5, blocked: 3},
  }})});

  script.menuImport();

  assert.deepEqual(posts(requests).map((body) => [body.mode, body.dry_run]), [
    ['skip_invalid', true], ['skip_invalid', false]]);
  assert.match(ui.alerts[0].prompt, /Skip the invalid rows and import the others\?/);
  assert.match(ui.alerts[0].prompt, /• 3 rows have errors and will be skipped/);
  assert.match(ui.alerts[0].prompt, /• 112 new clients will be created\./);
});

test('Import with errors in every row says so and starts nothing', () => {
  const {script, ui, requests} = setUp({server: importServer({plans: {
    skip_invalid: {create: 0, update: 0, skip: 0, blocked: 6}}})});

  script.menuImport();

  assert.deepEqual(posts(requests).map((body) => body.dry_run), [true]);
  assert.match(ui.messages[0], /^Nothing can be imported from "Clients": 6 rows have errors/);
});

test('Import with only existing clients says there is nothing new and starts nothing', () => {
  const {script, ui, requests} = setUp({server: importServer({plans: {
    skip_invalid: {create: 0, update: 0, skip: 4, blocked: 0}}})});

  script.menuImport();

  assert.deepEqual(posts(requests).map((body) => body.dry_run), [true]);
  assert.equal(ui.messages[0], 'Nothing new to import from "Clients": all 4 rows are already clients.');
});

test('Import follows the run to its end and shows the counts and that no invitations were sent', () => {
  const {script, ui, requests, spreadsheet, properties} = setUp({answers: ['YES'], server: importServer({
    progress: [run({processed: 40, created: 38, skipped: 2}), run({processed: 80}), DONE]})});

  script.menuImport();

  assert.equal(requests.filter((r) => r.method === 'get').length, 3);
  assert.ok(spreadsheet.toasts.some((t) => t.message === 'Importing "Clients": 40 of 120 rows done: ' +
      '38 clients created, 0 updated, 2 rows skipped, 0 rows not imported.'));
  assert.equal(ui.messages.at(-1), 'The import of "Clients" finished: 115 clients created, 0 updated, ' +
      '5 rows skipped, 0 rows not imported. Each row\'s result is in a note on its email cell. ' +
      'No invitations were sent.');
  assert.equal(JSON.parse(properties.document.getProperty('roster.lastImport')).run.status, 'succeeded');
});

test('a failed import says why and that importing again finishes the job', () => {
  const {script, ui} = setUp({answers: ['YES'], server: importServer({progress: [run({
    status: 'failed', processed: 60, created: 60, message: 'The roster changed since the import started.'})]})});

  script.menuImport();

  assert.match(ui.messages.at(-1), /stopped\. The roster changed since the import started\. So far: 60 clients created/);
  assert.match(ui.messages.at(-1), /Import again to finish.*No invitations were sent\.$/);
});

test('a long import is handed to the sidebar before Apps Script\'s six-minute limit', () => {
  const {script, ui, sleeps} = setUp({answers: ['YES'], server: importServer({progress: [run({processed: 1})]})});

  script.menuImport();

  const waited = sleeps.reduce((sum, ms) => sum + ms, 0);
  assert.ok(waited < 6 * 60 * 1000 - 60 * 1000, `followed for ${waited} ms`);
  assert.equal(ui.sidebars.length, 1);
  assert.match(ui.messages.at(-1), /carries on on Roster's server: the sidebar shows its progress/);
});

test('losing the connection while following an import says the import carries on', () => {
  let gets = 0;
  const server = importServer();
  const {script, ui} = setUp({answers: ['YES'], server: (request) => {
    if (request.method === 'get' && ++gets === 1) throw new Error('Address unavailable');
    return server(request);
  }});

  script.menuImport();

  assert.match(ui.messages.at(-1), /^Roster lost track of the import's progress: Google's servers could not reach Roster's server.* The import carries on on the server/);
});

test('errors found when the import starts are reported in the server\'s words', () => {
  const {script, ui} = setUp({answers: ['YES'], server: importServer({
    start: () => response(422, {detail: 'Nothing was imported: the roster has 2 errors.', issues: []}),
  })});

  script.menuImport();

  assert.equal(ui.messages.at(-1), 'Nothing was imported: the roster has 2 errors.');
});
