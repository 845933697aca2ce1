'use strict';
/**
 * Small fakes of the Apps Script services the Roster script uses, and a loader that runs src/*.js
 * in one node:vm context the way Apps Script does (one global scope for every file).
 *
 * Values crossing from the script's context are copied through JSON when recorded, so tests
 * compare plain objects of this realm.
 */

const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const SRC = path.join(__dirname, '..', 'src');
const SPREADSHEET_ID = '1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
const BACKEND = 'https://roster.example.com';

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
    maxRows = 1000, maxColumns = 26} = {}) {
    Object.assign(this, {spreadsheet, name, sheetId, maxRows, maxColumns});
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
  constructor(answers) {
    this.answers = answers;
    this.menus = [];
    this.alerts = [];
    this.sidebars = [];
    this.ButtonSet = {OK: 'OK', OK_CANCEL: 'OK_CANCEL', YES_NO: 'YES_NO', YES_NO_CANCEL: 'YES_NO_CANCEL'};
    this.Button = {OK: 'OK', CANCEL: 'CANCEL', YES: 'YES', NO: 'NO', CLOSE: 'CLOSE'};
  }

  createMenu(name) {
    const ui = this;
    const menu = {
      name, items: [],
      addItem(caption, functionName) { this.items.push({caption, functionName}); return this; },
      addSeparator() { this.items.push({separator: true}); return this; },
      addToUi() { ui.menus.push(plain({name: this.name, items: this.items})); },
    };
    return menu;
  }

  alert(title, prompt, buttons) {
    this.alerts.push({title, prompt, buttons});
    if (buttons === this.ButtonSet.OK) return this.Button.OK;
    if (this.answers.length === 0) {
      throw new Error(`fake alert: the test gave no answer to the question "${prompt}"`);
    }
    return this.answers.shift();
  }

  showSidebar(html) { this.sidebars.push(html); }

  /** The text of every alert, in order. */
  get messages() { return this.alerts.map((a) => a.prompt); }
}

class FakeSpreadsheet {
  constructor({id = SPREADSHEET_ID, sheets = [{}], timeZone = 'Europe/Paris', answers = []} = {}) {
    this.id = id;
    this.timeZone = timeZone;
    this.sheets = sheets.map((options, i) => new FakeSheet(this, {sheetId: i === 0 ? 0 : 1000 + i,
      name: i === 0 ? 'Clients' : `Sheet${i + 1}`, ...options}));
    this.activeSheet = this.sheets[0];
    this.ui = new FakeUi(answers);
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

/** An HTTPResponse as UrlFetchApp returns it. */
function response(status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
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
 * @param {Array<string>} [options.answers]  answers to yes/no questions, in order
 */
function createFakes({server = () => response(404, ''), answers = [], sheets, timeZone,
  scriptProperties = {ROSTER_BACKEND_URL: BACKEND}, documentProperties = {},
  token = idToken(), lockHeldElsewhere = false, now = Date.parse('2024-05-01T12:00:00Z')} = {}) {
  const spreadsheet = new FakeSpreadsheet({sheets, timeZone, answers});
  const requests = [];
  const clock = {now};
  const lock = new FakeLock(lockHeldElsewhere);
  const properties = {
    script: new FakeProperties(scriptProperties),
    document: new FakeProperties(documentProperties),
    user: new FakeProperties(),
  };
  const sleeps = [];

  const SpreadsheetApp = {
    getUi: () => spreadsheet.ui,
    getActive: () => spreadsheet,
    getActiveSpreadsheet: () => spreadsheet,
    getActiveSheet: () => spreadsheet.activeSheet,
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

  const UrlFetchApp = {
    fetch(url, params = {}) {
      const request = {
        url, method: params.method || 'get', headers: plain(params.headers) || {},
        contentType: params.contentType, muteHttpExceptions: params.muteHttpExceptions,
        body: params.payload === undefined ? undefined : JSON.parse(params.payload),
      };
      requests.push(request);
      const answer = server(request);
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
      if (!fs.existsSync(path.join(SRC, `${name}.html`))) {
        throw new Error(`fake createHtmlOutputFromFile: no file src/${name}.html`);
      }
      return {file: name, title: '', setTitle(title) { this.title = title; return this; }};
    },
  };

  const globals = {
    SpreadsheetApp,
    UrlFetchApp,
    ScriptApp: {getIdentityToken: () => token},
    PropertiesService: {
      getScriptProperties: () => properties.script,
      getDocumentProperties: () => properties.document,
      getUserProperties: () => properties.user,
    },
    LockService: {getDocumentLock: () => lock},
    HtmlService,
    Utilities,
  };
  return {globals, spreadsheet, ui: spreadsheet.ui, requests, properties, lock, clock, sleeps};
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
  for (const file of fs.readdirSync(SRC).filter((name) => name.endsWith('.js')).sort()) {
    vm.runInContext(fs.readFileSync(path.join(SRC, file), 'utf8'), context, {filename: file});
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
  BACKEND, SPREADSHEET_ID, createFakes, idToken, loadScript, plain, response, setUp, SRC,
};
