/** Template: set up a roster worksheet (headers, plain text, gender list); clear Roster's notes. */

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

/**
 * Set up template: headers if row 1 is empty, then formats for whichever roster columns row 1 has.
 * @param {Services} services
 */
function setUpTemplate_(services) {
  const sheet = services.spreadsheetApp.getActive().getActiveSheet();
  if (sheet.getMaxColumns() < TEMPLATE_HEADERS.length) {
    const missing = TEMPLATE_HEADERS.length - sheet.getMaxColumns();
    sheet.insertColumnsAfter(sheet.getMaxColumns(), missing);
  }
  const firstRow = sheet.getRange(1, 1, 1, sheet.getMaxColumns()).getValues()[0];
  const empty = firstRow.every((value) => String(value).trim() === '');
  if (empty) {
    sheet.getRange(1, 1, 1, TEMPLATE_HEADERS.length).setValues([TEMPLATE_HEADERS])
        .setFontWeight('bold');
  }
  const headers = (empty ? TEMPLATE_HEADERS : firstRow)
      .map((value) => String(value).trim().toLowerCase());
  sheet.setFrozenRows(1);

  const dataRows = sheet.getMaxRows() - 1;
  const formatted = [];
  if (dataRows > 0) {
    for (const name of PLAIN_TEXT_HEADERS) {
      const column = headers.indexOf(name) + 1;
      if (column > 0) {
        sheet.getRange(2, column, dataRows, 1).setNumberFormat('@');
        formatted.push(name);
      }
    }
    const gender = headers.indexOf('gender') + 1;
    if (gender > 0) {
      // A warning, not a rejection: pasting a roster with "Male" in it must still work, and
      // Validate then suggests the fix.
      const rule = services.spreadsheetApp.newDataValidation()
          .requireValueInList(GENDERS, true)
          .setAllowInvalid(true)
          .setHelpText('Roster accepts exactly "male" or "female".')
          .build();
      sheet.getRange(2, gender, dataRows, 1).setDataValidation(rule);
      formatted.push('gender');
    }
  }
  alert_(services, templateText_(sheet.getName(), empty, headers, formatted));
}

/**
 * What Set up template did.
 * @param {string} sheetName
 * @param {boolean} wroteHeaders
 * @param {Array<string>} headers
 * @param {Array<string>} formatted
 * @return {string}
 */
function templateText_(sheetName, wroteHeaders, headers, formatted) {
  const plain = formatted.filter((name) => name !== 'gender');
  const parts = [];
  if (plain.length) {
    parts.push(`${joinAnd_(plain)} ${plain.length === 1 ? 'keeps its' : 'keep their'} values as ` +
        'plain text');
  }
  if (formatted.includes('gender')) {
    parts.push('gender offers male or female');
  }
  const formats = parts.length ? '; ' + parts.join('; ') : '';
  if (wroteHeaders) {
    return `"${sheetName}" is ready for a roster: the headers are in row 1, which stays in ` +
        `view${formats}. Add one client per row from row 2.`;
  }
  const missing = REQUIRED_HEADERS.filter((name) => !headers.includes(name));
  const gaps = missing.length ? ` Row 1 lacks these required columns: ${joinAnd_(missing)}.` : '';
  return `Row 1 of "${sheetName}" already has headers, so Roster left them as they are and ` +
      `froze row 1${formats}.${gaps}`;
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

/**
 * Clear Roster notes: remove the notes Roster wrote, keep everyone else's, in one write.
 * @param {Services} services
 */
function clearRosterNotes_(services) {
  const sheet = services.spreadsheetApp.getActive().getActiveSheet();
  const range = sheet.getDataRange();
  let removed = 0;
  let kept = 0;
  const notes = range.getNotes().map((row) => row.map((note) => {
    if (isRosterNote_(note)) {
      removed += 1;
      return '';
    }
    if (note) {
      kept += 1;
    }
    return note;
  }));
  if (removed === 0) {
    alert_(services, `"${sheet.getName()}" has no Roster notes.`);
    return;
  }
  range.setNotes(notes);
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
