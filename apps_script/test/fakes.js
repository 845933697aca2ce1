'use strict';
/**
 * Fakes of the Apps Script services the Roster script uses, as strict as the platform where it
 * matters, and a loader that runs the BUILT project (tools/build.js: Config.js and the manifest)
 * in one node:vm context the way Apps Script does (one global scope for every file).
 *
 * Strict like the platform: UrlFetchApp refuses URLs outside the manifest's urlFetchWhitelist
 * and needs the script.external_request scope; getIdentityToken() is null without openid; the
 * Ui needs script.container.ui; in a simple trigger's AuthMode.NONE only the menu may be built,
 * and in LIMITED nothing may call out; each fetch takes time on the fake clock, and one that
 * takes over 60 s throws as UrlFetchApp does.
 *
 * Values crossing from the script's context are copied through JSON when recorded, so tests
 * compare plain objects of this realm.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const {build} = require('../tools/build');

const SRC = path.join(__dirname, '..', 'src');
const SPREADSHEET_ID = '1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
const BACKEND = 'https://roster.example.com';
const FETCH_TIMEOUT_MS = 60 * 1000;  // UrlFetchApp's reported limit (docs/apps_script.md)
const AuthMode = {NONE: 'NONE', LIMITED: 'LIMITED', FULL: 'FULL', CUSTOM_FUNCTION: 'CUSTOM_FUNCTION'};
const SCOPE = {
  fetch: 'https://www.googleapis.com/auth/script.external_request',
  ui: 'https://www.googleapis.com/auth/script.container.ui',
  sheets: ['https://www.googleapis.com/auth/spreadsheets.currentonly',
    'https://www.googleapis.com/auth/spreadsheets'],
};

/** Build the project once per form and backend URL, as clasp would push it. */
const builds = new Map();
function built(form, backendUrl) {
  const key = `${form} ${backendUrl}`;
  if (!builds.has(key)) {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `roster-gas-${form}-`));
    builds.set(key, build({form, backendUrl, out}));
  }
  return builds.get(key);
}

const plain = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** "B7" → [7, 2] */
function parseA1(a1) {
  const match = /^([A-Z]+)([0-9]+)$/.exec(a1);
  if (!match) throw new Error(`fake getRange: unsupported A1 notation ${a1}`);
  const column = [...match[1]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  return [Number(match[2]), column];
}

function columnLetters(column) {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

class FakeRange {
  constructor(sheet, row, column, rows, columns) {
    if (row < 1 || column < 1 || rows < 1 || columns < 1 ||
        row + rows - 1 > sheet.maxRows || column + columns - 1 > sheet.maxColumns) {
      throw new Error(`fake getRange: (${row}, ${column}, ${rows}, ${columns}) is outside the sheet`);
    }
    Object.assign(this, {sheet, row, column, rows, columns});
  }

  getA1Notation() {
    const start = columnLetters(this.column) + this.row;
    if (this.rows === 1 && this.columns === 1) return start;
    return `${start}:${columnLetters(this.column + this.columns - 1)}${this.row + this.rows - 1}`;
  }

  grid(read) {
    return Array.from({length: this.rows}, (_, r) =>
      Array.from({length: this.columns}, (_, c) => read(this.row + r, this.column + c)));
  }

  checkShape(values, what) {
    if (values.length !== this.rows || values.some((row) => row.length !== this.columns)) {
      throw new Error(`fake ${what}: the data does not match the range ${this.getA1Notation()}`);
    }
  }

  getValues() { return this.grid((r, c) => this.sheet.value(r, c)); }

  setValues(values) {
    this.checkShape(values, 'setValues');
    values.forEach((row, r) => row.forEach((v, c) => this.sheet.setValue(this.row + r, this.column + c, v)));
    this.sheet.calls.push({method: 'setValues', range: this.getA1Notation(), values: plain(values)});
    return this;
  }

  getNotes() { return this.grid((r, c) => this.sheet.notes.get(`${r},${c}`) || ''); }

  setNotes(notes) {
    this.checkShape(notes, 'setNotes');
    notes.forEach((row, r) => row.forEach((note, c) => {
      const key = `${this.row + r},${this.column + c}`;
      if (note) this.sheet.notes.set(key, note); else this.sheet.notes.delete(key);
    }));
    this.sheet.calls.push({method: 'setNotes', range: this.getA1Notation(), notes: plain(notes)});
    return this;
  }

  setNumberFormat(format) {
    this.sheet.calls.push({method: 'setNumberFormat', range: this.getA1Notation(), format});
    return this;
  }

  setDataValidation(rule) {
    this.sheet.calls.push({method: 'setDataValidation', range: this.getA1Notation(), rule: plain(rule)});
    return this;
  }

  setFontWeight(weight) {
    this.sheet.calls.push({method: 'setFontWeight', range: this.getA1Notation(), weight});
    return this;
  }

  activate() {
    this.sheet.spreadsheet.activeSheet = this.sheet;
    this.sheet.activeRange = this.getA1Notation();
    return this;
  }
}

class FakeSheet {
  /** values: rows of cells from A1; notes: {"B2": "text"} */
  constructor(spreadsheet, {name = 'Clients', sheetId = 0, values = [], notes = {},
    maxRows = 1000, maxColumns = 26, lastRow} = {}) {
    Object.assign(this, {spreadsheet, name, sheetId, maxRows, maxColumns, lastRow});
    this.cells = new Map();
    values.forEach((row, r) => row.forEach((v, c) => this.setValue(r + 1, c + 1, v)));
    this.notes = new Map(Object.entries(notes).map(([a1, text]) => [parseA1(a1).join(','), text]));
    this.frozenRows = 0;
    this.activeRange = null;
    this.calls = [];
  }

  value(row, column) {
    const value = this.cells.get(`${row},${column}`);
    return value === undefined ? '' : value;
  }

  setValue(row, column, value) {
    if (value === '' || value === null) this.cells.delete(`${row},${column}`);
    else this.cells.set(`${row},${column}`, value);
  }

  note(a1) { return this.notes.get(parseA1(a1).join(',')) || ''; }

  getName() { return this.name; }
  getSheetId() { return this.sheetId; }
  /** The last row with a value, or `lastRow` when a test says how large the sheet is. */
  getLastRow() {
    if (this.lastRow !== undefined) return this.lastRow;
    let last = 0;
    for (const key of this.cells.keys()) last = Math.max(last, Number(key.split(',')[0]));
    return last;
  }
  getMaxRows() { return this.maxRows; }
  getMaxColumns() { return this.maxColumns; }

  insertColumnsAfter(after, count) {
    this.maxColumns += count;
    this.calls.push({method: 'insertColumnsAfter', after, count});
    return this;
  }

  setFrozenRows(rows) { this.frozenRows = rows; }
  getFrozenRows() { return this.frozenRows; }
  activate() { this.spreadsheet.activeSheet = this; return this; }

  getRange(rowOrA1, column, rows = 1, columns = 1) {
    if (typeof rowOrA1 === 'string') {
      const [row, col] = parseA1(rowOrA1);
      return new FakeRange(this, row, col, 1, 1);
    }
    return new FakeRange(this, rowOrA1, column, rows, columns);
  }

  /** Like Sheets: the rectangle from A1 to the last row and column that hold a value. */
  getDataRange() {
    let rows = 1;
    let columns = 1;
    for (const key of this.cells.keys()) {
      const [r, c] = key.split(',').map(Number);
      rows = Math.max(rows, r);
      columns = Math.max(columns, c);
    }
    return new FakeRange(this, 1, 1, rows, columns);
  }
}

class FakeUi {
  constructor(answers, platform) {
    this.answers = answers;
    this.platform = platform;
    this.menus = [];
    this.alerts = [];
    this.sidebars = [];
    this.ButtonSet = {OK: 'OK', OK_CANCEL: 'OK_CANCEL', YES_NO: 'YES_NO', YES_NO_CANCEL: 'YES_NO_CANCEL'};
    this.Button = {OK: 'OK', CANCEL: 'CANCEL', YES: 'YES', NO: 'NO', CLOSE: 'CLOSE'};
  }

  createMenu(name) { return this.menu(name, false); }

  /** An add-on's menu: under Extensions, named after the add-on (its listing name). */
  createAddonMenu() { return this.menu('Extensions > Roster', true); }

  menu(name, addon) {
    const ui = this;
    return {
      name, items: [],
      addItem(caption, functionName) { this.items.push({caption, functionName}); return this; },
      addSeparator() { this.items.push({separator: true}); return this; },
      addToUi() { ui.menus.push(plain({name: this.name, addon, items: this.items})); },
    };
  }

  prompt(title, prompt, buttons) {
    this.platform.need('Ui.prompt', SCOPE.ui);
    this.alerts.push({title, prompt, buttons});
    const answer = this.answers.shift();
    if (!answer || typeof answer !== 'object') {
      throw new Error(`fake prompt: the test gave no {button, text} answer to "${prompt}"`);
    }
    return {getSelectedButton: () => answer.button, getResponseText: () => answer.text};
  }

  alert(title, prompt, buttons) {
    this.platform.need('Ui.alert', SCOPE.ui);
    this.alerts.push({title, prompt, buttons});
    if (buttons === this.ButtonSet.OK) return this.Button.OK;
    if (this.answers.length === 0) {
      throw new Error(`fake alert: the test gave no answer to the question "${prompt}"`);
    }
    return this.answers.shift();
  }

  showSidebar(html) { this.platform.need('Ui.showSidebar', SCOPE.ui); this.sidebars.push(html); }

  /** The text of every alert, in order. */
  get messages() { return this.alerts.map((a) => a.prompt); }
}

class FakeSpreadsheet {
  constructor({id = SPREADSHEET_ID, sheets = [{}], timeZone = 'Europe/Paris', answers = [],
    platform} = {}) {
    this.id = id;
    this.timeZone = timeZone;
    this.sheets = sheets.map((options, i) => new FakeSheet(this, {sheetId: i === 0 ? 0 : 1000 + i,
      name: i === 0 ? 'Clients' : `Sheet${i + 1}`, ...options}));
    this.activeSheet = this.sheets[0];
    this.ui = new FakeUi(answers, platform);
    this.toasts = [];
  }

  getId() { return this.id; }
  getActiveSheet() { return this.activeSheet; }
  getSheets() { return [...this.sheets]; }
  getSpreadsheetTimeZone() { return this.timeZone; }
  toast(message, title, seconds) { this.toasts.push({message, title, seconds}); }
}

class FakeProperties {
  constructor(values = {}) { this.values = new Map(Object.entries(values)); }
  getProperty(key) { return this.values.has(key) ? this.values.get(key) : null; }

  setProperty(key, value) {
    const text = String(value);
    if (Buffer.byteLength(text, 'utf8') > 9 * 1024) {
      throw new Error(`fake setProperty: ${key} is over the 9 KB a property may hold`);
    }
    this.values.set(key, text);
    return this;
  }

  deleteProperty(key) { this.values.delete(key); return this; }
}

class FakeLock {
  constructor(heldElsewhere) {
    this.heldElsewhere = heldElsewhere;
    this.held = false;
    this.tries = [];
    this.releases = 0;
  }

  tryLock(timeoutMs) {
    this.tries.push(timeoutMs);
    if (this.heldElsewhere || this.held) return false;
    this.held = true;
    return true;
  }

  hasLock() { return this.held; }
  releaseLock() { this.held = false; this.releases += 1; }
}

/** An HTTPResponse as UrlFetchApp returns it; `delayMs` is how long the server takes. */
function response(status, body, headers = {}, {delayMs} = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    delayMs,
    getResponseCode: () => status,
    getContentText: () => text,
    getHeaders: () => headers,
  };
}

/** An unsigned JWT whose payload the script may decode. */
function idToken(claims = {aud: '1234-script.apps.googleusercontent.com', email: 'pro@example.org'}) {
  const part = (object) => Buffer.from(JSON.stringify(object)).toString('base64url');
  return `${part({alg: 'RS256', typ: 'JWT'})}.${part(claims)}.signature`;
}

/**
 * Every fake, ready to be the script's globals.
 * @param {object} options
 * @param {function(object): object} [options.server]  request → response(...) or throws
 * @param {Array<string|object>} [options.answers]  answers to questions and prompts, in order
 * @param {string} [options.form]  'bound' or 'addon': which build the script is
 * @param {Array<string>} [options.grantedScopes]  scopes the user granted (default: the manifest's)
 * @param {number} [options.latencyMs]  how long each fetch takes on the fake clock
 */
function createFakes({server = () => response(404, ''), answers = [], sheets, timeZone,
  documentProperties = {}, token = idToken(), lockHeldElsewhere = false,
  now = Date.parse('2024-05-01T12:00:00Z'), form = 'bound', backendUrl = BACKEND,
  manifest: manifestOverride, grantedScopes, latencyMs = 250, spreadsheetId = SPREADSHEET_ID} = {}) {
  const project = built(form, backendUrl);
  const manifest = manifestOverride || project.manifest;
  const granted = new Set(grantedScopes || manifest.oauthScopes || []);
  const platform = {
    mode: AuthMode.FULL,
    /** Throw like Apps Script when the mode or the granted scopes do not allow a call. */
    need(what, scope, {inLimited = true} = {}) {
      if (this.mode === AuthMode.NONE || (this.mode === AuthMode.LIMITED && !inLimited)) {
        throw new Error(`Exception: You do not have permission to call ${what} in AuthMode.${this.mode}.`);
      }
      const scopes = Array.isArray(scope) ? scope : scope ? [scope] : [];
      if (scopes.length && !scopes.some((one) => granted.has(one))) {
        throw new Error(`Exception: You do not have permission to call ${what}. Required ` +
            `permissions: ${scopes[0]}`);
      }
    },
  };
  const spreadsheet = new FakeSpreadsheet({id: spreadsheetId, sheets, timeZone, answers, platform});
  const requests = [];
  const clock = {now};
  const lock = new FakeLock(lockHeldElsewhere);
  const properties = {
    script: new FakeProperties(),
    document: new FakeProperties(documentProperties),
    user: new FakeProperties(),
  };
  const sleeps = [];
  const guarded = (what, scope, value, options) => {
    platform.need(what, scope, options);
    return value;
  };

  const SpreadsheetApp = {
    // getUi() itself is allowed in every mode: onOpen builds its menu with it.
    getUi: () => spreadsheet.ui,
    getActive: () => guarded('SpreadsheetApp.getActive', SCOPE.sheets, spreadsheet),
    getActiveSpreadsheet: () => guarded('SpreadsheetApp.getActiveSpreadsheet', SCOPE.sheets, spreadsheet),
    getActiveSheet: () => guarded('SpreadsheetApp.getActiveSheet', SCOPE.sheets, spreadsheet.activeSheet),
    flush: () => {},
    newDataValidation() {
      const rule = {};
      return {
        requireValueInList(values, showDropdown) {
          Object.assign(rule, {values: plain(values), showDropdown}); return this;
        },
        setAllowInvalid(allow) { rule.allowInvalid = allow; return this; },
        setHelpText(text) { rule.helpText = text; return this; },
        build: () => rule,
      };
    },
  };

  const allowlist = manifest.urlFetchWhitelist || [];
  const UrlFetchApp = {
    fetch(url, params = {}) {
      platform.need('UrlFetchApp.fetch', SCOPE.fetch, {inLimited: false});
      // Apps Script checks the allowlist before sending anything (exact message UNCONFIRMED).
      if (!allowlist.some((prefix) => url.startsWith(prefix))) {
        throw new Error(`Exception: The URL ${url} is not allowlisted in the script's ` +
            'manifest (urlFetchWhitelist).');
      }
      const request = {
        url, method: params.method || 'get', headers: plain(params.headers) || {},
        contentType: params.contentType, muteHttpExceptions: params.muteHttpExceptions,
        body: params.payload === undefined ? undefined : JSON.parse(params.payload),
        at: clock.now,
      };
      requests.push(request);
      const answer = server(request);
      const took = answer.delayMs === undefined ? latencyMs : answer.delayMs;
      clock.now += Math.min(took, FETCH_TIMEOUT_MS);
      if (took > FETCH_TIMEOUT_MS) {
        throw new Error(`Exception: Timeout: ${url}`);
      }
      // Like Apps Script: without muteHttpExceptions an error status throws.
      if (!params.muteHttpExceptions && answer.getResponseCode() >= 400) {
        throw new Error(`Request failed for ${url} returned code ${answer.getResponseCode()}`);
      }
      return answer;
    },
  };

  const Utilities = {
    sleep(ms) { sleeps.push(ms); clock.now += ms; },
    formatDate(date, zone, pattern) {
      if (pattern !== 'yyyy-MM-dd HH:mm') throw new Error(`fake formatDate: pattern ${pattern}`);
      const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
        timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
        hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
      }).formatToParts(date).map((p) => [p.type, p.value]));
      return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
    },
    base64DecodeWebSafe(text) {
      if (text.length % 4 !== 0) throw new Error('fake base64DecodeWebSafe: unpadded input');
      // Apps Script's bytes are signed Java bytes.
      return [...Buffer.from(text, 'base64url')].map((b) => (b > 127 ? b - 256 : b));
    },
    newBlob(bytes) {
      return {getDataAsString: () => Buffer.from(bytes.map((b) => b & 255)).toString('utf8')};
    },
  };

  const HtmlService = {
    createHtmlOutputFromFile(name) {
      platform.need('HtmlService.createHtmlOutputFromFile');
      if (!fs.existsSync(path.join(project.out, `${name}.html`))) {
        throw new Error(`fake createHtmlOutputFromFile: no file ${name}.html in the build`);
      }
      return {file: name, title: '', setTitle(title) { this.title = title; return this; }};
    },
  };

  const properties_ = (what, store) => () => guarded(`PropertiesService.${what}`, null, store);
  const globals = {
    SpreadsheetApp,
    UrlFetchApp,
    ScriptApp: {
      AuthMode,
      getIdentityToken() {
        platform.need('ScriptApp.getIdentityToken', null, {inLimited: false});
        return granted.has('openid') ? token : null;
      },
    },
    PropertiesService: {
      getScriptProperties: properties_('getScriptProperties', properties.script),
      getDocumentProperties: properties_('getDocumentProperties', properties.document),
      getUserProperties: properties_('getUserProperties', properties.user),
    },
    LockService: {getDocumentLock: () => guarded('LockService.getDocumentLock', null, lock)},
    HtmlService,
    Utilities,
  };
  return {globals, spreadsheet, ui: spreadsheet.ui, requests, properties, lock, clock, sleeps,
    platform, project, manifest};
}

/**
 * Run a simple trigger as Apps Script does: in `mode` (NONE for an add-on in a document where it
 * is not enabled yet), with the event object's authMode set.
 */
function runTrigger(fakes, script, name, mode, event = {}) {
  fakes.platform.mode = mode;
  try {
    return script[name]({...event, authMode: mode});
  } finally {
    fakes.platform.mode = AuthMode.FULL;
  }
}

/**
 * Run every src/*.js file in one context with the fakes as globals; returns the script's globals.
 * @param {ReturnType<typeof createFakes>} fakes
 */
function loadScript(fakes) {
  const logs = [];
  const quiet = (level) => (...args) => logs.push({level, args: args.map(String)});
  const context = vm.createContext({
    ...fakes.globals,
    console: {log: quiet('log'), info: quiet('info'), warn: quiet('warn'), error: quiet('error')},
  });
  // The script reads the time through Date.now(); let the fake clock answer.
  context.__clock = fakes.clock;
  vm.runInContext('Date.now = () => __clock.now;', context);
  const dir = fakes.project.out;
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.js')).sort()) {
    vm.runInContext(fs.readFileSync(path.join(dir, file), 'utf8'), context, {filename: file});
  }
  context.__logs = logs;
  return context;
}

/** Fakes and the script loaded over them, in one call. */
function setUp(options) {
  const fakes = createFakes(options);
  return {...fakes, script: loadScript(fakes)};
}

module.exports = {
  AuthMode, BACKEND, SPREADSHEET_ID, createFakes, idToken, loadScript, plain, response, runTrigger,
  setUp, SRC,
};
