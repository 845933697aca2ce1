/** Validate: check the active sheet (in one request, or as a job for a large sheet), fix, remember. */

/** Document property holding the last validation, shared by everyone who opens the spreadsheet. */
const LAST_VALIDATION_PROPERTY = 'roster.lastValidation';

/** Document property holding the validation job being waited for, or the last failed attempt. */
const ATTEMPT_PROPERTY = 'roster.validationAttempt';

/** Document property: when Roster last changed the sheet's values (a fix), in ms. */
const CHANGED_PROPERTY = 'roster.changedAt';

/** A property value may hold 9 KB; keep a margin for the JSON around the groups. */
const STORED_BYTES = 8000;

/**
 * Above this many rows a validate may take longer than a sidebar should wait (about 20 s for
 * 100,000 rows on the server, and UrlFetch gives up after ~60 s): it runs as a job that is polled.
 */
const ASYNC_ROWS = 5000;

/** How often the menu's Validate asks about a job, and for how long before it hands over. */
const JOB_POLL_MS = 2000;

/** A result older than this is shown as possibly out of date. */
const STALE_AFTER_MS = 60 * 60 * 1000;

/**
 * The worksheet a menu action works on.
 * @typedef {{spreadsheetId: string, sheetId: number, sheetName: string}} Target
 */

/**
 * The last validation, as the sidebar shows it.
 * @typedef {{sheetId: number, sheetName: string, at: string, atMs: number,
 *            summary: {rows: number, errors: number, warnings: number},
 *            groups: Array<IssueGroup>, total: number}} StoredValidation
 */

/**
 * A validation under way (a job) or one that failed, so that every window tells the same truth.
 * @typedef {{status: string, sheetId: number, sheetName: string, atMs: number,
 *            jobId?: string, message?: string, kind?: string}} Attempt
 */

/**
 * Validate the active sheet (the server writes the notes) and show the summary.
 * @param {Services} services
 */
function validateActiveSheet_(services) {
  const target = activeTarget_(services);
  toast_(services, `Checking "${target.sheetName}"…`);
  let outcome = startValidation_(services, target);
  const clickedAt = services.now();
  while (!outcome.validation) {
    if (services.now() - clickedAt > FOLLOW_FOR_MS) {
      alert_(services, `Roster is still checking "${target.sheetName}". The sidebar shows the ` +
          'result when it is ready (Roster > Open sidebar).');
      return;
    }
    services.utilities.sleep(JOB_POLL_MS);
    outcome = pollValidation_(services);
  }
  alert_(services, validationText_(outcome.validation));
}

/**
 * Start checking a worksheet: at once for a small sheet, as a job for a large one.
 * @param {Services} services
 * @param {Target} target
 * @return {{validation: ?StoredValidation, attempt: ?Attempt}}
 */
function startValidation_(services, target) {
  const rows = sheetOf_(services, target.sheetId).getLastRow();
  try {
    if (rows <= ASYNC_ROWS) {
      return {validation: runValidation_(services, target), attempt: null};
    }
    const job = startValidationJob_(services, target.spreadsheetId, target.sheetId);
    /** @type {Attempt} */
    const attempt = {status: 'checking', sheetId: target.sheetId, sheetName: target.sheetName,
      atMs: services.now(), jobId: job.id};
    saveAttempt_(services, attempt);
    return {validation: null, attempt: attempt};
  } catch (error) {
    throw failedAttempt_(services, target, error);
  }
}

/**
 * Ask about the job under way; when it is done, keep its result like a small sheet's.
 * @param {Services} services
 * @return {{validation: ?StoredValidation, attempt: ?Attempt}}
 */
function pollValidation_(services) {
  const attempt = loadAttempt_(services);
  if (!attempt || attempt.status !== 'checking' || !attempt.jobId) {
    return {validation: loadValidation_(services), attempt: attempt};
  }
  const target = {spreadsheetId: services.spreadsheetApp.getActive().getId(),
    sheetId: attempt.sheetId, sheetName: attempt.sheetName};
  let job;
  try {
    job = getValidationJob_(services, attempt.jobId);
  } catch (error) {
    throw failedAttempt_(services, target, error);
  }
  if (job.status === 'succeeded' && job.result) {
    clearAttempt_(services);
    const result = job.result;
    const stored = saveValidation_(services, target, result.summary, result.groups,
        result.issues_total);
    return {validation: stored, attempt: null};
  }
  if (job.status === 'failed') {
    /** @type {Attempt} */
    const failed = {status: 'failed', sheetId: attempt.sheetId, sheetName: attempt.sheetName,
      atMs: services.now(), message: job.message || 'The check did not finish.', kind: 'backend'};
    saveAttempt_(services, failed);
    return {validation: loadValidation_(services), attempt: failed};
  }
  return {validation: null, attempt: attempt};
}

/**
 * Record that a check failed (so the sidebar stops showing the old result as current) and give
 * the error back to throw.
 * @param {Services} services
 * @param {Target} target
 * @param {unknown} error
 * @return {unknown}
 */
function failedAttempt_(services, target, error) {
  if (isRosterError_(error)) {
    saveAttempt_(services, {status: 'failed', sheetId: target.sheetId,
      sheetName: target.sheetName, atMs: services.now(), message: error.message,
      kind: error.kind});
  }
  return error;
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
  const changed = applyFixes_(services, target);
  if (changed.length === 0) {
    alert_(services, 'Nothing was changed: no value has an unambiguous suggested fix.');
    return;
  }
  const outcome = startValidation_(services, target);
  const after = outcome.validation ? ' ' + validationText_(outcome.validation) :
      ' Roster is checking the sheet again: the sidebar shows the result.';
  alert_(services, `Fixed ${plural_(changed.length, 'cell')} (${cellList_(changed)}).${after}`);
}

/**
 * The fix request, and a mark that the values changed (the last result is now stale).
 * @param {Services} services
 * @param {Target} target
 * @return {Array<{cell: string, field: ?string, value: string}>}
 */
function applyFixes_(services, target) {
  const changed = fixSheet_(services, target.spreadsheetId, target.sheetId).changed;
  if (changed.length) {
    services.propertiesService.getDocumentProperties()
        .setProperty(CHANGED_PROPERTY, String(services.now()));
  }
  return changed;
}

/**
 * Validate a worksheet on the server in one request and keep the result for the sidebar.
 * @param {Services} services
 * @param {Target} target
 * @return {StoredValidation}
 */
function runValidation_(services, target) {
  const result = validateSheet_(services, target.spreadsheetId, target.sheetId);
  clearAttempt_(services);
  return saveValidation_(services, target, result.summary, groupIssues_(result.issues),
      result.issues.length);
}

/**
 * Keep a validation in the document properties, with as many groups as fit.
 * @param {Services} services
 * @param {Target} target
 * @param {{rows: number, errors: number, warnings: number}} summary
 * @param {Array<IssueGroup>} groups
 * @param {number} total  how many issues there are in all
 * @return {StoredValidation}
 */
function saveValidation_(services, target, summary, groups, total) {
  const atMs = services.now();
  /** @type {StoredValidation} */
  const stored = {
    sheetId: target.sheetId, sheetName: target.sheetName, at: new Date(atMs).toISOString(),
    atMs: atMs, summary: summary, groups: [], total: total,
  };
  let bytes = utf8Length_(JSON.stringify(stored));
  for (const group of groups) {
    let kept = group;
    let size = utf8Length_(JSON.stringify(kept)) + 1;
    if (bytes + size > STORED_BYTES && group.cells.length > 1) {
      kept = Object.assign({}, group, {cells: group.cells.slice(0, 1)});
      size = utf8Length_(JSON.stringify(kept)) + 1;
    }
    if (bytes + size > STORED_BYTES) {
      break;
    }
    bytes += size;
    stored.groups.push(kept);
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
  const stored = text ? parseJson_(text) : null;
  return stored && Array.isArray(stored.groups) ? stored : null;  // older shapes are dropped
}

/**
 * @param {Services} services
 * @param {Attempt} attempt
 */
function saveAttempt_(services, attempt) {
  services.propertiesService.getDocumentProperties()
      .setProperty(ATTEMPT_PROPERTY, JSON.stringify(attempt));
}

/**
 * @param {Services} services
 * @return {?Attempt}
 */
function loadAttempt_(services) {
  const text = services.propertiesService.getDocumentProperties().getProperty(ATTEMPT_PROPERTY);
  return text ? parseJson_(text) : null;
}

/**
 * @param {Services} services
 */
function clearAttempt_(services) {
  services.propertiesService.getDocumentProperties().deleteProperty(ATTEMPT_PROPERTY);
}

/**
 * Why the last result may no longer match the sheet, or null when it should.
 * @param {Services} services
 * @param {StoredValidation} stored
 * @return {?string}
 */
function staleReason_(services, stored) {
  const changedAt = Number(services.propertiesService.getDocumentProperties()
      .getProperty(CHANGED_PROPERTY) || 0);
  if (changedAt > stored.atMs) {
    return 'Roster changed values since this check: validate again.';
  }
  if (services.now() - stored.atMs > STALE_AFTER_MS) {
    return 'This check is over an hour old and teammates may have edited the sheet since.';
  }
  const active = services.spreadsheetApp.getActive().getActiveSheet().getSheetId();
  if (active !== stored.sheetId) {
    return `This check is of "${stored.sheetName}", not of the worksheet in front of you.`;
  }
  return null;
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
  if (stored.groups.some((group) => group.fixable > 0)) {
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
 * The worksheet with this gid.
 * @param {Services} services
 * @param {number} sheetId
 * @return {GoogleAppsScript.Spreadsheet.Sheet}
 */
function sheetOf_(services, sheetId) {
  const sheet = services.spreadsheetApp.getActive().getSheets()
      .find((candidate) => candidate.getSheetId() === sheetId);
  if (!sheet) {
    throw rosterError_('That worksheet no longer exists: validate again.');
  }
  return sheet;
}

/**
 * "A2, B3 and 4 more".
 * @param {Array<{cell: string}>} changed
 * @return {string}
 */
function cellList_(changed) {
  const shown = changed.slice(0, 5).map((change) => change.cell).join(', ');
  return changed.length > 5 ? `${shown} and ${thousands_(changed.length - 5)} more` : shown;
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
