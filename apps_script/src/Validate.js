/** Validate: check the active sheet, fix what can be fixed, keep the result for the sidebar. */

/** Document property holding the last validation, shared by everyone who opens the spreadsheet. */
const LAST_VALIDATION_PROPERTY = 'roster.lastValidation';

/** A property value may hold 9 KB; keep a margin for the JSON around the issues. */
const STORED_BYTES = 8000;

/**
 * The worksheet a menu action works on.
 * @typedef {{spreadsheetId: string, sheetId: number, sheetName: string}} Target
 */

/**
 * The last validation, as the sidebar shows it.
 * @typedef {{sheetId: number, sheetName: string, at: string,
 *            summary: {rows: number, errors: number, warnings: number},
 *            issues: Array<Issue>, total: number}} StoredValidation
 */

/**
 * Validate the active sheet (the server writes the notes) and show the summary.
 * @param {Services} services
 */
function validateActiveSheet_(services) {
  const target = activeTarget_(services);
  toast_(services, `Checking "${target.sheetName}"…`);
  const stored = runValidation_(services, target);
  alert_(services, validationText_(stored));
}

/**
 * Apply the unambiguous fixes, then validate again so the notes and the sidebar are current.
 * @param {Services} services
 */
function fixActiveSheet_(services) {
  const target = activeTarget_(services);
  const question = `Replace the values in "${target.sheetName}" that have an unambiguous ` +
      'suggested fix? For example, an email with capital letters becomes lowercase and "Male" ' +
      'becomes "male". Nothing else is changed.';
  if (!confirm_(services, question)) {
    return;
  }
  toast_(services, `Fixing "${target.sheetName}"…`);
  const changed = fixSheet_(services, target.spreadsheetId, target.sheetId).changed;
  if (changed.length === 0) {
    alert_(services, 'Nothing was changed: no value has an unambiguous suggested fix.');
    return;
  }
  const stored = runValidation_(services, target);
  alert_(services, `Fixed ${plural_(changed.length, 'cell')} (${cellList_(changed)}). ` +
      validationText_(stored));
}

/**
 * Validate a worksheet on the server and keep the result for the sidebar.
 * @param {Services} services
 * @param {Target} target
 * @return {StoredValidation}
 */
function runValidation_(services, target) {
  const result = validateSheet_(services, target.spreadsheetId, target.sheetId);
  return saveValidation_(services, target, result.summary, result.issues);
}

/**
 * Keep a validation in the document properties, with as many issues as fit.
 * @param {Services} services
 * @param {Target} target
 * @param {{rows: number, errors: number, warnings: number}} summary
 * @param {Array<Issue>} issues
 * @return {StoredValidation}
 */
function saveValidation_(services, target, summary, issues) {
  /** @type {StoredValidation} */
  const stored = {
    sheetId: target.sheetId, sheetName: target.sheetName,
    at: new Date(services.now()).toISOString(),
    summary: summary, issues: [], total: issues.length,
  };
  let bytes = utf8Length_(JSON.stringify(stored));
  for (const issue of issues) {
    const kept = {
      cell: issue.cell, severity: issue.severity, message: issue.message, fix: issue.fix,
    };
    bytes += utf8Length_(JSON.stringify(kept)) + 1;
    if (bytes > STORED_BYTES) {
      break;
    }
    stored.issues.push(/** @type {Issue} */ (kept));
  }
  services.propertiesService.getDocumentProperties()
      .setProperty(LAST_VALIDATION_PROPERTY, JSON.stringify(stored));
  return stored;
}

/**
 * The last validation of the spreadsheet, or null.
 * @param {Services} services
 * @return {?StoredValidation}
 */
function loadValidation_(services) {
  const text = services.propertiesService.getDocumentProperties()
      .getProperty(LAST_VALIDATION_PROPERTY);
  return text ? parseJson_(text) : null;
}

/**
 * The summary of a validation in one or two sentences.
 * @param {StoredValidation} stored
 * @return {string}
 */
function validationText_(stored) {
  const summary = stored.summary;
  let text = countsText_(stored);
  if (summary.errors || summary.warnings) {
    text += ' Each problem has a note on its cell; Roster > Open sidebar lists them.';
  }
  if (stored.issues.some((issue) => issue.fix !== null && issue.fix !== undefined)) {
    text += ' Some have a suggested fix: Roster > Fix what can be fixed applies them.';
  }
  if (!summary.errors) {
    text += ' The sheet is ready to import.';
  }
  return text;
}

/**
 * "Checked 12 rows of "Clients": 2 errors, no warnings."
 * @param {StoredValidation} stored
 * @return {string}
 */
function countsText_(stored) {
  const summary = stored.summary;
  const counts = (summary.errors ? plural_(summary.errors, 'error') : 'no errors') + ', ' +
      (summary.warnings ? plural_(summary.warnings, 'warning') : 'no warnings');
  return `Checked ${plural_(summary.rows, 'row')} of "${stored.sheetName}": ${counts}.`;
}

/**
 * The active worksheet and its spreadsheet.
 * @param {Services} services
 * @return {Target}
 */
function activeTarget_(services) {
  const spreadsheet = services.spreadsheetApp.getActive();
  const sheet = spreadsheet.getActiveSheet();
  return {
    spreadsheetId: spreadsheet.getId(), sheetId: sheet.getSheetId(), sheetName: sheet.getName(),
  };
}

/**
 * "A2, B3 and 4 more".
 * @param {Array<{cell: string}>} changed
 * @return {string}
 */
function cellList_(changed) {
  const shown = changed.slice(0, 5).map((change) => change.cell).join(', ');
  return changed.length > 5 ? `${shown} and ${changed.length - 5} more` : shown;
}

/**
 * The size of a string in UTF-8, which is how Apps Script measures property values.
 * @param {string} text
 * @return {number}
 */
function utf8Length_(text) {
  let bytes = 0;
  for (const char of text) {
    const code = /** @type {number} */ (char.codePointAt(0));
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
