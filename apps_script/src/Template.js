/** Template: set up a roster worksheet from the organisation's schema; clear Roster's notes. */

/** SPEC §2's columns, in the order a new roster gets them. */
const TEMPLATE_HEADERS = ['email_address', 'initial_password', 'first_name', 'last_name',
  'birthdate', 'gender', 'tag', 'external_id'];

const REQUIRED_HEADERS = ['email_address', 'initial_password', 'first_name', 'last_name',
  'birthdate', 'gender'];

/**
 * Columns whose values must stay as typed: Sheets would turn 19850314 into a number and
 * 1985-03-14 into a date, drop an external id's leading zeros, and a password like 1e5Abc!x is
 * not a number either. Roster checks the value as the user sees it.
 */
const PLAIN_TEXT_HEADERS = ['initial_password', 'birthdate', 'external_id'];

const GENDERS = ['male', 'female'];

/** The first line of every note Roster writes (SPEC §4); other notes belong to people. */
const NOTE_MARK = 'Roster:';

/** Tag and choice lists longer than this are not offered as dropdowns (UNCONFIRMED limit). */
const MAX_LIST = 500;

/**
 * An organisation's tags and attributes, as GET …/schema gives them.
 * @typedef {{tags: Array<string>, attributes: Array<{name: string, type: string,
 *            choices: ?Array<string>}>}} Schema
 */

/**
 * Set up template: headers if row 1 is empty, then for whichever roster columns row 1 has: plain
 * text where Sheets would change values, and dropdowns of the organisation's tags and choices.
 * Every rule warns and never rejects, so pasting a roster still works and Validate explains.
 * @param {Services} services
 */
function setUpTemplate_(services) {
  const spreadsheet = services.spreadsheetApp.getActive();
  const sheet = spreadsheet.getActiveSheet();
  /** @type {Schema} */
  let schema = {tags: [], attributes: []};
  let schemaProblem = '';
  try {
    schema = getSchema_(services, spreadsheet.getId());
  } catch (error) {
    if (!isRosterError_(error)) {
      throw error;
    }
    schemaProblem = error.message;
  }
  const wanted = TEMPLATE_HEADERS.concat(schema.attributes.map((a) => 'attribute:' + a.name));
  const firstRow = sheet.getRange(1, 1, 1, sheet.getMaxColumns()).getValues()[0];
  const empty = firstRow.every((value) => String(value).trim() === '');
  if (empty) {
    if (sheet.getMaxColumns() < wanted.length) {
      sheet.insertColumnsAfter(sheet.getMaxColumns(), wanted.length - sheet.getMaxColumns());
    }
    sheet.getRange(1, 1, 1, wanted.length).setValues([wanted]).setFontWeight('bold');
  }
  const headers = (empty ? wanted : firstRow).map((value) => String(value).trim());
  sheet.setFrozenRows(1);

  /** @type {Array<string>} */
  const done = [];
  /** @type {Array<string>} */
  const skipped = [];
  const dataRows = sheet.getMaxRows() - 1;
  if (dataRows > 0) {
    headers.forEach((header, index) => {
      const rule = columnRule_(services, header, schema);
      if (!rule) {
        return;
      }
      const range = sheet.getRange(2, index + 1, dataRows, 1);
      if (rule.skipped) {
        skipped.push(`${header} (${rule.skipped})`);
        return;
      }
      if (rule.plainText) {
        range.setNumberFormat('@');
      }
      if (rule.validation) {
        range.setDataValidation(rule.validation);
      }
      done.push(`${header}: ${rule.what}`);
    });
  }
  alert_(services, templateText_(sheet.getName(), empty, headers, done, skipped, schemaProblem));
}

/**
 * What Set up template does to one column, or null for a column it leaves alone.
 * @param {Services} services
 * @param {string} header  as written in row 1
 * @param {Schema} schema
 * @return {?{what: string, plainText?: boolean, skipped?: string,
 *            validation?: GoogleAppsScript.Spreadsheet.DataValidation}}
 */
function columnRule_(services, header, schema) {
  const name = header.toLowerCase();
  if (PLAIN_TEXT_HEADERS.includes(name)) {
    return {what: 'plain text', plainText: true};
  }
  if (name === 'gender') {
    return {what: 'male or female', validation: listRule_(services, GENDERS,
        'Roster accepts exactly "male" or "female".')};
  }
  if (name === 'tag') {
    if (!schema.tags.length) {
      return {what: '', skipped: 'the organisation has no tags yet'};
    }
    if (schema.tags.length > MAX_LIST) {
      return {what: '', skipped: `${thousands_(schema.tags.length)} tags are too many for a list`};
    }
    return {what: `one of ${plural_(schema.tags.length, 'tag')}`, validation: listRule_(services,
        schema.tags, 'A tag of your organisation, written exactly (an admin adds new ones).')};
  }
  const match = /^attributes?:(.+)$/i.exec(header);
  if (!match) {
    return null;
  }
  const wantedName = match[1].trim().toLowerCase();
  const attribute = schema.attributes.find((a) => a.name.toLowerCase() === wantedName);
  if (!attribute) {
    return null;  // Validate says the attribute is unknown, with the closest one
  }
  if (attribute.type === 'choice') {
    const choices = attribute.choices || [];
    if (!choices.length || choices.length > MAX_LIST) {
      return {what: '', skipped: `${thousands_(choices.length)} choices`};
    }
    return {what: choices.join(', '), validation: listRule_(services, choices,
        `One of the choices for ${attribute.name}, written exactly.`)};
  }
  if (attribute.type === 'boolean') {
    // TRUE and FALSE are what a Sheets checkbox holds, so checkboxes inserted later also pass.
    return {what: 'TRUE or FALSE (a checkbox works too)', validation: listRule_(services,
        ['TRUE', 'FALSE'], `TRUE or FALSE for ${attribute.name}, or a checkbox.`)};
  }
  if (attribute.type === 'date') {
    return {what: 'plain text (YYYYMMDD)', plainText: true};
  }
  return null;
}

/**
 * A dropdown that warns about other values instead of rejecting them.
 * @param {Services} services
 * @param {Array<string>} values
 * @param {string} help
 * @return {GoogleAppsScript.Spreadsheet.DataValidation}
 */
function listRule_(services, values, help) {
  return services.spreadsheetApp.newDataValidation()
      .requireValueInList(values, true)
      .setAllowInvalid(true)
      .setHelpText(help)
      .build();
}

/**
 * What Set up template did.
 * @param {string} sheetName
 * @param {boolean} wroteHeaders
 * @param {Array<string>} headers
 * @param {Array<string>} done  "gender: male or female"
 * @param {Array<string>} skipped
 * @param {string} schemaProblem  why the organisation's lists could not be read, or ''
 * @return {string}
 */
function templateText_(sheetName, wroteHeaders, headers, done, skipped, schemaProblem) {
  const lines = [];
  if (wroteHeaders) {
    lines.push(`"${sheetName}" is ready for a roster: the headers are in row 1, which stays in ` +
        'view. Add one client per row from row 2.');
  } else {
    const lower = headers.map((header) => header.toLowerCase());
    const missing = REQUIRED_HEADERS.filter((name) => !lower.includes(name));
    const gaps = missing.length ? ` Row 1 lacks these required columns: ${joinAnd_(missing)}.` : '';
    lines.push(`Row 1 of "${sheetName}" already has headers, so Roster left them as they are ` +
        `and froze row 1.${gaps}`);
  }
  if (done.length) {
    lines.push('Columns set up (other values get a warning, not a refusal):\n• ' +
        done.join('\n• '));
  }
  if (skipped.length) {
    lines.push('No dropdown for: ' + skipped.join('; ') + '.');
  }
  if (schemaProblem) {
    lines.push(`The organisation's tags and attributes could not be read, so their columns ` +
        `have no dropdowns: ${schemaProblem}`);
  }
  return lines.join('\n\n');
}

/**
 * "a, b and c"
 * @param {Array<string>} words
 * @return {string}
 */
function joinAnd_(words) {
  return words.length < 2 ? words.join('') :
      words.slice(0, -1).join(', ') + ' and ' + words[words.length - 1];
}

/** Rows read per getNotes call when clearing notes (bounded memory on a 100,000-row sheet). */
const NOTE_CHUNK_ROWS = 5000;

/**
 * Clear Roster notes: remove the notes Roster wrote anywhere in the worksheet (also on rows whose
 * values were deleted since, which the data range no longer covers), keep everyone else's.
 * Only the row blocks that hold a Roster note are written back.
 * @param {Services} services
 */
function clearRosterNotes_(services) {
  const sheet = services.spreadsheetApp.getActive().getActiveSheet();
  const rows = sheet.getMaxRows();
  const columns = sheet.getMaxColumns();
  let removed = 0;
  let kept = 0;
  for (let first = 1; first <= rows; first += NOTE_CHUNK_ROWS) {
    const range = sheet.getRange(first, 1, Math.min(NOTE_CHUNK_ROWS, rows - first + 1), columns);
    let removedHere = 0;
    const notes = range.getNotes().map((row) => row.map((note) => {
      if (isRosterNote_(note)) {
        removedHere += 1;
        return '';
      }
      if (note) {
        kept += 1;
      }
      return note;
    }));
    if (removedHere) {
      range.setNotes(notes);
      removed += removedHere;
    }
  }
  if (removed === 0) {
    alert_(services, `"${sheet.getName()}" has no Roster notes.`);
    return;
  }
  const people = kept ? ` and kept ${plural_(kept, 'note')} that people wrote` : '';
  alert_(services,
      `Removed ${plural_(removed, 'Roster note')} from "${sheet.getName()}"${people}.`);
}

/**
 * @param {string} note
 * @return {boolean}
 */
function isRosterNote_(note) {
  return typeof note === 'string' && note.startsWith(NOTE_MARK);
}
