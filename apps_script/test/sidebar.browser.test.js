'use strict';
/**
 * The sidebar in headless Chromium, driving the real server functions through a fake
 * google.script.run (test/browser.js): check → errors grouped → fix → import → failed import, a
 * validation started while an import is polled, a large sheet's job, and platform errors.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const {BACKEND, SPREADSHEET_ID, response} = require('./fakes');
const {launch, openSidebar, setUp, shot, unavailable} = require('./browser');

const why = unavailable();
const IMPORTS = `${BACKEND}/api/v1/sheets/${SPREADSHEET_ID}/imports`;

const gender = (row) => ({row, column: 6, cell: `F${row}`, field: 'gender', code: 'gender.invalid',
  severity: 'error', message: 'Write exactly male or female.', fix: 'male'});
const email = (row) => ({row, column: 1, cell: `A${row}`, field: 'email_address',
  code: 'email.no_at', severity: 'error', message: 'This email has no @: write it as name@domain.',
  fix: null});
const existing = (row) => ({row, column: 1, cell: `A${row}`, field: 'email_address',
  code: 'email.existing_client', severity: 'warning',
  message: 'Already a client: this row will be skipped.', fix: null});

/** A backend with a roster of 1,250 rows: 83 fixable genders, 2 bad emails, 1 existing client. */
function rosterBackend() {
  const state = {
    issues: [...Array.from({length: 83}, (_, i) => gender(i + 2)), email(90), email(91),
      existing(95)],
    runs: [],
    validateCalls: 0,
  };
  state.server = (request) => {
    const {url, method, body} = request;
    if (url === `${BACKEND}/api/v1/sheets/${SPREADSHEET_ID}/validate`) {
      state.validateCalls += 1;
      const errors = state.issues.filter((i) => i.severity === 'error').length;
      return response(200, {summary: {rows: 1250, errors, warnings: state.issues.length - errors},
        issues: state.issues});
    }
    if (url === `${BACKEND}/api/v1/sheets/${SPREADSHEET_ID}/fix`) {
      const changed = state.issues.filter((i) => i.fix).map((i) => ({cell: i.cell, field: i.field,
        value: i.fix}));
      state.issues = state.issues.filter((i) => !i.fix);
      return response(200, {changed, summary: {rows: 1250, errors: 2, warnings: 1}});
    }
    if (url === IMPORTS && body.dry_run) {
      return response(200, {plan: {create: 1247, update: 0, skip: 1, blocked: 2}});
    }
    if (url === IMPORTS) {
      return response(202, {import: run({status: 'queued', processed: 0})});
    }
    if (url === `${BACKEND}/api/v1/imports/run-1` && method === 'get') {
      return response(200, {import: state.runs.length > 1 ? state.runs.shift() : state.runs[0]});
    }
    if (url.startsWith(`${IMPORTS}/active`)) return response(200, {import: null});
    return response(404, {detail: `unexpected ${method} ${url}`});
  };
  return state;
}

function run(overrides) {
  return {id: 'run-1', status: 'running', total: 1247, processed: 0, created: 0, updated: 0,
    skipped: 0, failed_rows: 0, started_by: 'pro@example.org',
    started_at: '2024-05-01T12:00:00+00:00', finished_at: null, message: null, ...overrides};
}

const text = (page, selector) => page.locator(selector).innerText();

test.describe('the sidebar in Chromium', {skip: why || false}, () => {
  let browser;
  test.before(async () => { browser = await launch(); });
  test.after(async () => { if (browser) await browser.close(); });

  test('check → errors grouped → fix → import → failed import, nothing wiped', async () => {
    const backend = rosterBackend();
    const fakes = setUp({server: (request) => backend.server(request)});
    const {page, close, calls} = await openSidebar(browser, fakes,
        {delays: {sidebarValidate: 700, sidebarFix: 700}});
    try {
      await page.locator('#validation-summary', {hasText: 'not been checked'}).waitFor();
      assert.equal(await text(page, '#validation-state'), 'NOT CHECKED'.toLowerCase());
      await shot(page, '01-not-checked');

      await page.click('#validate');
      assert.equal(await text(page, '#validation-state'), 'checking…');
      assert.equal(await page.locator('#validate').isDisabled(), true);
      await shot(page, '02-checking');
      await page.locator('#validation-state', {hasText: /^checked$/}).waitFor();
      assert.equal(await text(page, '#validation-summary'),
          'Checked 1,250 rows of "Clients": 85 errors, 1 warning.');
      const groups = await page.locator('#groups > li .group-head').allInnerTexts();
      assert.deepEqual(groups, [
        'Gender (F): 83 cells — Write exactly male or female. Fix available.',
        'Email address (A): 2 cells — This email has no @: write it as name@domain.',
        'Email address (A): 1 cell — Already a client: this row will be skipped.',
      ]);
      await shot(page, '03-checked-grouped');

      await page.selectOption('#severity', 'warning');
      assert.equal(await page.locator('#groups > li').count(), 1);
      await shot(page, '04-warnings-only');
      await page.selectOption('#severity', 'all');

      // click a group: its first cell is selected in the sheet; a cell of the group: that one
      await page.locator('#groups > li').nth(0).locator('.group-head').click();
      await page.waitForFunction(() => window.__gasCalls.includes('sidebarSelectCell'));
      await page.waitForTimeout(100);
      assert.equal(fakes.spreadsheet.sheets[0].activeRange, 'F2');
      await page.locator('#groups > li').nth(0).locator('.cells button', {hasText: 'F5'}).click();
      await page.waitForTimeout(150);
      assert.equal(fakes.spreadsheet.sheets[0].activeRange, 'F5');

      await page.click('#fix');
      assert.equal(await text(page, '#validation-state'), 'checking…');
      await page.locator('#notice', {hasText: 'Fixed 83 cells'}).waitFor();
      assert.equal(await text(page, '#validation-summary'),
          'Checked 1,250 rows of "Clients": 2 errors, 1 warning.');
      assert.equal(await page.locator('#groups > li').count(), 2);
      await shot(page, '05-fixed');

      backend.runs = [run({processed: 400, created: 400}), run({processed: 800, created: 800}),
        run({status: 'failed', processed: 800, created: 800, finished_at: '2024-05-01T12:02:00+00:00',
          message: 'Google Sheets stopped answering while results were written: import again to finish.'})];
      await page.click('#import');
      await page.locator('#import-plan', {hasText: '1,247 new clients will be created'}).waitFor();
      await shot(page, '06-import-question');
      await page.click('#import-yes');
      await page.locator('#import-state', {hasText: 'running'}).waitFor();
      await shot(page, '07-import-running');
      await page.locator('#import-state', {hasText: 'failed'}).waitFor({timeout: 10000});
      assert.match(await text(page, '#import-text'),
          /^The import of "Clients" stopped\. Google Sheets stopped answering while results were written: import again to finish\. So far: 800 clients created/);
      assert.match(await page.locator('#import-bar').getAttribute('class'), /failed/);
      const width = await page.locator('#import-bar > div').evaluate((el) => el.style.width);
      assert.equal(width, '64%');  // 800 of 1,247: not a full bar
      // the check the user made is still there, untouched by the import's polls
      assert.equal(await text(page, '#validation-summary'),
          'Checked 1,250 rows of "Clients": 2 errors, 1 warning.');
      await shot(page, '08-import-failed');
      assert.ok(!calls.some((name) => name.endsWith('_')));
    } finally {
      await close();
    }
  });

  test('a validation started while an import is polled is not wiped by the poll', async () => {
    const backend = rosterBackend();
    let polls = 0;
    backend.runs = [run({processed: 100, created: 100})];
    const fakes = setUp({server: (request) => {
      if (request.url.endsWith('/imports/run-1')) polls += 1;
      return backend.server(request);
    }, documentProperties: {'roster.lastImport': JSON.stringify({sheetId: 0, sheetName: 'Clients',
      run: run({processed: 50})})}});
    const {page, close} = await openSidebar(browser, fakes,
        {delays: {sidebarValidate: 1500}, pollMs: 200});
    try {
      await page.locator('#import-state', {hasText: 'running'}).waitFor();
      await page.click('#validate');
      const pollsBefore = polls;
      await page.waitForTimeout(900);  // several import polls answer meanwhile
      assert.ok(polls - pollsBefore >= 2, `only ${polls - pollsBefore} polls`);
      assert.equal(await text(page, '#validation-state'), 'checking…');
      assert.equal(await text(page, '#validation-summary'), 'Checking the active sheet…');
      assert.equal(await page.locator('#validate').isDisabled(), true);
      await page.locator('#validation-state', {hasText: /^checked$/}).waitFor();
      await page.waitForTimeout(600);  // and more polls after the answer
      assert.equal(await text(page, '#validation-summary'),
          'Checked 1,250 rows of "Clients": 85 errors, 1 warning.');
      assert.equal(await page.locator('#groups > li').count(), 3);
      assert.equal(await page.locator('#validate').isDisabled(), false);
      assert.equal(backend.validateCalls, 1);
    } finally {
      await close();
    }
  });

  test('a large sheet is checked as a job the sidebar polls, then shown like any other', async () => {
    let asked = 0;
    const fakes = setUp({sheets: [{lastRow: 100001}], server: (request) => {
      if (request.url.endsWith('/validations')) {
        return response(202, {validation: {id: 'job-1', status: 'queued'}});
      }
      if (request.url.endsWith('/validations/job-1')) {
        if (++asked < 3) return response(200, {validation: {id: 'job-1', status: 'running'}});
        return response(200, {validation: {id: 'job-1', status: 'succeeded', result: {
          summary: {rows: 100000, errors: 12000, warnings: 0}, issues_total: 12000,
          groups: [{field: 'birthdate', column: 'E', severity: 'error', code: 'birthdate.format',
            message: 'Write the birthdate as YYYYMMDD, e.g. 19811120.', count: 12000,
            fixable: 11000, cells: ['E2', 'E3', 'E4']}]}}});
      }
      return response(404, {detail: 'unexpected'});
    }});
    const {page, close} = await openSidebar(browser, fakes);
    try {
      await page.locator('#validation-summary', {hasText: 'not been checked'}).waitFor();
      await page.click('#validate');
      await page.locator('#validation-summary', {hasText: 'a large sheet'}).waitFor();
      await shot(page, '09-large-sheet-job');
      await page.locator('#validation-state', {hasText: /^checked$/}).waitFor({timeout: 10000});
      assert.equal(await text(page, '#validation-summary'),
          'Checked 100,000 rows of "Clients": 12,000 errors, no warnings.');
      assert.equal(await page.locator('#groups .group-head').innerText(),
          'Birthdate (E): 12,000 cells — Write the birthdate as YYYYMMDD, e.g. 19811120. Fix available for 11,000 of them.');
      assert.match(await text(page, '#groups .cells'), /and 11,997 more/);
    } finally {
      await close();
    }
  });

  test('the fake google.script.run is as strict as the real one', async () => {
    const fakes = setUp();
    const {page, close} = await openSidebar(browser, fakes);
    try {
      const refused = await page.evaluate(() => {
        const caught = [];
        for (const call of [() => google.script.run.sidebarSelectCell(new Date(), 'A1'),
          () => google.script.run.sidebarSelectCell(() => 1, 'A1')]) {
          try { call(); } catch (error) { caught.push(error.message); }
        }
        return caught;
      });
      assert.equal(refused.length, 2);
      const failure = await page.evaluate(() => new Promise((resolve) => {
        google.script.run.withSuccessHandler(() => resolve('ran'))
            .withFailureHandler((error) => resolve(error.message)).selectCell_(0, 'A1');
      }));
      assert.match(failure, /Script function not found: selectCell_/);
      const returned = await page.evaluate(() => google.script.run.sidebarState());
      assert.equal(returned, undefined);
    } finally {
      await close();
    }
  });

  test('a blocked call and a stale result each say what happened and what to do', async () => {
    const backend = rosterBackend();
    let blocked = false;
    const fakes = setUp({server: (request) => {
      if (blocked) throw new Error('Exception: Service invoked too many times for one day: urlfetch.');
      return backend.server(request);
    }, sheets: [{}, {name: 'March', sheetId: 77}]});
    const {page, close} = await openSidebar(browser, fakes);
    try {
      await page.click('#validate');
      await page.locator('#validation-state', {hasText: /^checked$/}).waitFor();
      fakes.spreadsheet.sheets[1].activate();
      blocked = true;
      await page.click('#validate');
      await page.locator('#validation-state', {hasText: 'failed'}).waitFor();
      assert.match(await text(page, '#status'), /^Google's limit for now\. Google limits how often a script may call other servers/);
      assert.match(await text(page, '#validation-stale'), /from the check before, and may be out of date/);
      await shot(page, '10-failed-quota');

      blocked = false;
      fakes.spreadsheet.sheets[0].activate();
      fakes.properties.document.setProperty('roster.validationAttempt', '');
      fakes.properties.document.deleteProperty('roster.validationAttempt');
      fakes.spreadsheet.sheets[1].activate();
      await page.reload();
      await page.locator('#validation-state', {hasText: 'out of date'}).waitFor();
      assert.match(await text(page, '#validation-stale'), /This check is of "Clients", not of the worksheet in front of you/);
      await shot(page, '11-stale');
    } finally {
      await close();
    }
  });
});
