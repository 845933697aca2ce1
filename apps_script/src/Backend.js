/** Backend: the only file that talks to Roster's server: address, ID token, JSON, plain errors. */

/** The script property that holds the server's address, e.g. https://roster-123.appspot.com */
const BACKEND_URL_PROPERTY = 'ROSTER_BACKEND_URL';

const API_PREFIX = '/api/v1';

/**
 * The RosterError fields the rest of the script may read.
 * @typedef {Error & {status: (number|undefined), issues: (Array<Issue>|undefined)}} RosterError
 */

/**
 * One validation issue, as SPEC §3 and the API's IssueSchema give it.
 * @typedef {{row: ?number, column: ?number, cell: ?string, field: ?string, code: string,
 *            severity: string, message: string, fix: ?string}} Issue
 */

/**
 * An import run, as GET /api/v1/imports/{id} returns it.
 * @typedef {{id: string, status: string, total: number, processed: number, created: number,
 *            updated: number, skipped: number, failed_rows: number, started_by: string,
 *            started_at: string, finished_at: ?string, message: (?string|undefined)}} ImportRun
 */

/**
 * Validate a worksheet: the server reads it, writes its notes and returns the issues.
 * @param {Services} services
 * @param {string} spreadsheetId
 * @param {number} sheetId  the worksheet's gid
 * @return {{summary: {rows: number, errors: number, warnings: number}, issues: Array<Issue>}}
 */
function validateSheet_(services, spreadsheetId, sheetId) {
  const body = {worksheet_id: sheetId};
  return callBackend_(services, 'post', sheetPath_(spreadsheetId, 'validate'), body);
}

/**
 * What an import would do, without writing anything.
 * @param {Services} services
 * @param {string} spreadsheetId
 * @param {number} sheetId
 * @param {string} mode  'all_or_nothing' or 'skip_invalid'
 * @return {{create: number, update: number, skip: number, blocked: number}}
 */
function planImport_(services, spreadsheetId, sheetId, mode) {
  const body = {worksheet_id: sheetId, mode: mode, update_existing: false, dry_run: true};
  return callBackend_(services, 'post', sheetPath_(spreadsheetId, 'imports'), body).plan;
}

/**
 * Start an import run on the server; it carries on after this returns.
 * @param {Services} services
 * @param {string} spreadsheetId
 * @param {number} sheetId
 * @param {string} mode
 * @return {ImportRun}
 */
function startImport_(services, spreadsheetId, sheetId, mode) {
  const body = {worksheet_id: sheetId, mode: mode, update_existing: false, dry_run: false};
  return callBackend_(services, 'post', sheetPath_(spreadsheetId, 'imports'), body)['import'];
}

/**
 * The progress of an import run.
 * @param {Services} services
 * @param {string} importId
 * @return {ImportRun}
 */
function getImport_(services, importId) {
  return callBackend_(services, 'get', '/imports/' + encodeURIComponent(importId))['import'];
}

/**
 * Apply every unambiguous suggested fix.
 * @param {Services} services
 * @param {string} spreadsheetId
 * @param {number} sheetId
 * @return {{changed: Array<{cell: string, field: ?string, value: string}>,
 *           summary: {rows: number, errors: number, warnings: number}}}
 */
function fixSheet_(services, spreadsheetId, sheetId) {
  return callBackend_(services, 'post', sheetPath_(spreadsheetId, 'fix'), {worksheet_id: sheetId});
}

/**
 * Log the audience (the script's OAuth client ID) of this script's ID tokens. Run it once from the
 * Apps Script editor and give the value to the admin who sets ROSTER_ID_TOKEN_AUDIENCES.
 * @return {string} the audience
 */
function logIdTokenAudience() {
  const claims = idTokenClaims_(services_());
  console.log('ID token audience (add it to ROSTER_ID_TOKEN_AUDIENCES): %s; email: %s',
      claims.aud, claims.email);
  return claims.aud;
}

/**
 * The claims of the current user's ID token (never the token itself, which must not be logged).
 * @param {Services} services
 * @return {{aud: string, email: (string|undefined)}}
 */
function idTokenClaims_(services) {
  const payload = identityToken_(services).split('.')[1];
  // JWTs drop base64 padding; Apps Script's decoder wants it back.
  const padded = payload + '='.repeat((4 - (payload.length % 4)) % 4);
  const bytes = services.utilities.base64DecodeWebSafe(padded);
  return JSON.parse(services.utilities.newBlob(bytes).getDataAsString());
}

/**
 * Send one request and return the parsed JSON answer, or throw a RosterError in plain words.
 * @param {Services} services
 * @param {string} method  'get' or 'post'
 * @param {string} path  below /api/v1
 * @param {Object=} payload  sent as JSON
 * @return {any}
 */
function callBackend_(services, method, path, payload) {
  const base = backendUrl_(services);
  /** @type {GoogleAppsScript.URL_Fetch.URLFetchRequestOptions} */
  const options = {
    method: /** @type {GoogleAppsScript.URL_Fetch.HttpMethod} */ (method),
    muteHttpExceptions: true,
    headers: {Authorization: 'Bearer ' + identityToken_(services), Accept: 'application/json'},
  };
  if (payload !== undefined) {
    options.contentType = 'application/json';
    options.payload = JSON.stringify(payload);
  }
  let response;
  try {
    response = services.urlFetchApp.fetch(base + API_PREFIX + path, options);
  } catch (error) {
    // UrlFetchApp throws only when no HTTP answer came back: DNS, TLS, timeout, allowlist.
    const reason = String(/** @type {any} */ (error).message || error).replace(/^Exception:\s*/, '');
    console.warn('Roster backend unreachable: %s', reason);
    if (/time(d)? ?out/i.test(reason)) {
      throw rosterError_('Roster\'s server did not answer within the minute Apps Script waits. ' +
          'It may still be working on a large sheet: wait a minute, then try again.');
    }
    throw rosterError_(`Roster's server (${hostOf_(base)}) could not be reached: check your ` +
        `internet connection and try again in a minute. If it keeps failing, tell your Roster ` +
        `admin (the script's log has the details).`);
  }
  const status = response.getResponseCode();
  const body = parseJson_(response.getContentText());
  if (status >= 200 && status < 300) {
    if (body === null || typeof body !== 'object') {
      throw rosterError_(`The address in ${BACKEND_URL_PROPERTY} (${base}) answered, but not ` +
          `as Roster's server does: ask your Roster admin to check it.`, {status: status});
    }
    return body;
  }
  throw rosterError_(problemMessage_(services, status, body), {
    status: status,
    issues: body && Array.isArray(body.issues) ? body.issues : undefined,
  });
}

/**
 * Turn an error answer (problem+json, or anything else) into one message a pro can act on.
 * @param {Services} services
 * @param {number} status
 * @param {any} problem  the parsed body, or null
 * @return {string}
 */
function problemMessage_(services, status, problem) {
  const detail = problem && typeof problem.detail === 'string' ? problem.detail.trim() : '';
  if (status === 401) {
    const why = detail ? ` (${detail.replace(/\.$/, '')})` : '';
    return `Roster did not accept your Google sign-in${why}. Sign in again: reload this ` +
        `spreadsheet and try once more. If that does not help, ask your Roster admin to add this ` +
        `script's client ID to ROSTER_ID_TOKEN_AUDIENCES.`;
  }
  if (status === 403) {
    return detail || 'You are not a member of the Roster organisation that owns this ' +
        'spreadsheet: ask its admin to add you.';
  }
  if (status === 409 && problem && problem.started_by && problem.started_at) {
    return `${problem.started_by} is already importing this sheet since ` +
        `${formatTime_(services, problem.started_at)}. Wait for that import to finish, then ` +
        `try again.`;
  }
  if (status === 429) {
    return 'Roster\'s server is busy right now: wait a minute and try again.';
  }
  if (detail) {
    return detail;
  }
  if (status >= 500) {
    return `Roster's server had a problem (HTTP ${status}). Try again in a few minutes; if it ` +
        `keeps happening, tell your Roster admin.`;
  }
  return `Roster's server refused the request (HTTP ${status}). Tell your Roster admin.`;
}

/**
 * The server's address from the script properties, without a trailing slash.
 * @param {Services} services
 * @return {string}
 */
function backendUrl_(services) {
  const value = services.propertiesService.getScriptProperties().getProperty(BACKEND_URL_PROPERTY);
  const url = (value || '').trim().replace(/\/+$/, '');
  if (!url) {
    throw rosterError_(`Roster is not set up yet: the script property ${BACKEND_URL_PROPERTY} is ` +
        `empty. Ask your Roster admin to set it (Extensions > Apps Script > Project Settings > ` +
        `Script Properties) to the server's address.`);
  }
  if (!/^https:\/\/[^/\s]+/.test(url)) {
    throw rosterError_(`The script property ${BACKEND_URL_PROPERTY} must be an https:// address ` +
        `such as https://roster.example.com, not "${url}". Ask your Roster admin to correct it.`);
  }
  return url;
}

/**
 * The current user's Google ID token.
 * @param {Services} services
 * @return {string}
 */
function identityToken_(services) {
  const token = services.scriptApp.getIdentityToken();
  if (!token) {
    // getIdentityToken() returns null when the openid scope was not granted.
    throw rosterError_('Roster could not get your Google sign-in. Reload this spreadsheet and ' +
        'accept the permissions Roster asks for; if it asks for none, tell your Roster admin ' +
        '(the script needs the openid scope).');
  }
  return token;
}

/**
 * An error whose message is meant for the person at the keyboard.
 * @param {string} message
 * @param {{status?: number, issues?: Array<Issue>}=} details
 * @return {RosterError}
 */
function rosterError_(message, details) {
  const error = /** @type {RosterError} */ (new Error(message));
  error.name = 'RosterError';
  error.status = details && details.status;
  error.issues = details && details.issues;
  return error;
}

/**
 * Whether an error was made by rosterError_ (and so is safe and useful to show).
 * @param {unknown} error
 * @return {error is RosterError}
 */
function isRosterError_(error) {
  return typeof error === 'object' && error !== null &&
      /** @type {Error} */ (error).name === 'RosterError';
}

/**
 * @param {string} spreadsheetId
 * @param {string} action
 * @return {string}
 */
function sheetPath_(spreadsheetId, action) {
  return '/sheets/' + encodeURIComponent(spreadsheetId) + '/' + action;
}

/**
 * @param {string} text
 * @return {any}
 */
function parseJson_(text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    return null;
  }
}

/**
 * @param {string} url
 * @return {string}
 */
function hostOf_(url) {
  return url.replace(/^https?:\/\//, '').split('/')[0];
}

/**
 * An ISO timestamp as the spreadsheet's users read it, in the spreadsheet's time zone.
 * @param {Services} services
 * @param {string} iso
 * @return {string}
 */
function formatTime_(services, iso) {
  const when = new Date(iso);
  if (isNaN(when.getTime())) {
    return iso;
  }
  const zone = services.spreadsheetApp.getActive().getSpreadsheetTimeZone();
  return services.utilities.formatDate(when, zone, 'yyyy-MM-dd HH:mm') + ' (' + zone + ')';
}
