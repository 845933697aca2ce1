/** Backend: the only file that talks to Roster's server: address, ID token, JSON, plain errors. */

const API_PREFIX = '/api/v1';

/**
 * The RosterError fields the rest of the script may read.
 * `kind` says what failed, so the sidebar and the alerts can say what to do: 'allowlist',
 * 'authorisation', 'quota', 'timeout', 'unreachable' (the platform's exceptions), 'signin',
 * 'forbidden', 'busy', 'backend', 'refused' (the server's answers), or undefined.
 * @typedef {Error & {status: (number|undefined), issues: (Array<Issue>|undefined),
 *            kind: (string|undefined), body: any}} RosterError
 */

/**
 * One validation issue, as SPEC §3 and the API's IssueSchema give it.
 * @typedef {{row: ?number, column: ?number, cell: ?string, field: ?string, code: string,
 *            severity: string, message: string, fix: ?string}} Issue
 */

/**
 * A validation job, as GET /api/v1/validations/{id} returns it.
 * @typedef {{id: string, status: string, started_by: string, started_at: string,
 *            message: ?string, result: ?{summary: {rows: number, errors: number, warnings: number},
 *            groups: Array<IssueGroup>, issues_total: number}}} ValidationJob
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
 * Start a validation job on the server (for a sheet too large to validate within one request).
 * @param {Services} services
 * @param {string} spreadsheetId
 * @param {number} sheetId
 * @return {ValidationJob}
 */
function startValidationJob_(services, spreadsheetId, sheetId) {
  const body = {worksheet_id: sheetId};
  return callBackend_(services, 'post', sheetPath_(spreadsheetId, 'validations'), body).validation;
}

/**
 * A validation job's status and, once it succeeded, its result.
 * @param {Services} services
 * @param {string} jobId
 * @return {ValidationJob}
 */
function getValidationJob_(services, jobId) {
  return callBackend_(services, 'get', '/validations/' + encodeURIComponent(jobId)).validation;
}

/**
 * The worksheet's queued or running import, or null: how a start whose answer was lost is found.
 * @param {Services} services
 * @param {string} spreadsheetId
 * @param {number} sheetId
 * @return {?ImportRun}
 */
function activeImport_(services, spreadsheetId, sheetId) {
  const path = sheetPath_(spreadsheetId, 'imports/active') + '?worksheet_id=' + sheetId;
  return callBackend_(services, 'get', path)['import'];
}

/**
 * Connect this spreadsheet to the organisation of a link code (SPEC §6).
 * @param {Services} services
 * @param {string} spreadsheetId
 * @param {string} code
 * @return {{organisation: string}}
 */
function connectSheet_(services, spreadsheetId, code) {
  return callBackend_(services, 'post', sheetPath_(spreadsheetId, 'connect'), {code: code});
}

/**
 * The organisation's tags and attributes, for Set up template.
 * @param {Services} services
 * @param {string} spreadsheetId
 * @return {{tags: Array<string>, attributes: Array<{name: string, type: string,
 *           choices: ?Array<string>}>}}
 */
function getSchema_(services, spreadsheetId) {
  return callBackend_(services, 'get', sheetPath_(spreadsheetId, 'schema'));
}

/**
 * Log the audience (the script's OAuth client ID) of this script's ID tokens. For the add-on, the
 * operator puts it in ROSTER_ID_TOKEN_AUDIENCES once; a bound script never needs it there
 * (Connect to Roster… records it for its sheet).
 * @return {string} the audience
 */
function logIdTokenAudience() {
  const claims = idTokenClaims_(services_());
  console.log('ID token audience: %s; email: %s', claims.aud, claims.email);
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
    // UrlFetchApp throws only when no HTTP answer came back: the allowlist, a declined scope,
    // a quota, a timeout, DNS or TLS. It runs on Google's servers, not the user's computer.
    const reason = String(/** @type {any} */ (error).message || error).replace(/^Exception:\s*/, '');
    console.warn('Roster backend call failed before an answer: %s', reason);
    throw platformError_(services, reason, hostOf_(base));
  }
  const status = response.getResponseCode();
  const body = parseJson_(response.getContentText());
  if (status >= 200 && status < 300) {
    if (body === null || typeof body !== 'object') {
      throw rosterError_(`The address Roster was built with (${base}) answered, but not as ` +
          'Roster\'s server does: ask your Roster admin to check it.', {status: status, kind: 'backend'});
    }
    return body;
  }
  throw rosterError_(problemMessage_(services, status, body), {
    status: status,
    kind: problemKind_(status),
    issues: body && Array.isArray(body.issues) ? body.issues : undefined,
    body: body,
  });
}

/**
 * A UrlFetchApp exception as a RosterError that says what happened and what to do. The texts
 * matched are Apps Script's English messages (docs/apps_script.md lists which are confirmed).
 * @param {Services} services
 * @param {string} reason  the exception's message
 * @param {string} host
 * @return {RosterError}
 */
function platformError_(services, reason, host) {
  if (/allowlist|whitelist|not (allowed|permitted) (to|by)|are not permitted/i.test(reason)) {
    return rosterError_(`Apps Script blocked the call to Roster's server (${host}): the ` +
        'address is not in this script\'s URL allowlist, or your Workspace admin blocks it. Tell ' +
        'your Roster admin: the script must be built and pushed with tools/build.js for this ' +
        'address.', {kind: 'allowlist'});
  }
  if (/permission|authori[sz]|required permissions|access denied/i.test(reason)) {
    return rosterError_('Roster is missing a permission you have not granted (for example ' +
        '"Connect to an external service"). Choose a Roster menu item again and allow every ' +
        'permission it asks for; if no question appears, remove Roster\'s access in your Google ' +
        'Account\'s security settings and try again.', {kind: 'authorisation'});
  }
  if (/too many times|quota|rate limit|bandwidth/i.test(reason)) {
    return rosterError_('Google limits how often a script may call other servers, and that ' +
        'limit is reached for now. Wait a few minutes (or until tomorrow for the daily ' +
        'limit), then try again.', {kind: 'quota'});
  }
  if (/time(d)?[ -]?out|deadline/i.test(reason)) {
    return rosterError_('Roster\'s server did not answer within the minute Apps Script waits. ' +
        'It may still be working: open the sidebar to see the latest result before you try ' +
        'again.', {kind: 'timeout'});
  }
  return rosterError_(`Google's servers could not reach Roster's server (${host}): it may be ` +
      'down or its address may be wrong. Try again in a few minutes; if it keeps failing, tell ' +
      'your Roster admin (the script\'s log has the details).', {kind: 'unreachable'});
}

/**
 * @param {number} status
 * @return {string}
 */
function problemKind_(status) {
  if (status === 401) return 'signin';
  if (status === 403) return 'forbidden';
  if (status === 409 || status === 429 || status === 503) return 'busy';
  if (status >= 500) return 'backend';
  return 'refused';
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
    if (services.config.form === 'bound' && /Connect to Roster/.test(detail)) {
      return `Roster did not accept this spreadsheet's sign-in: ${detail}`;  // the server says how
    }
    if (services.config.form === 'bound') {
      return `Roster did not accept this spreadsheet's sign-in${why}. If this sheet has never ` +
          'been connected, ask a Roster admin for a link code and choose Roster > Connect to ' +
          'Roster…; otherwise reload the spreadsheet and try again.';
    }
    return `Roster did not accept your Google sign-in${why}. Reload the spreadsheet and try ` +
        'again; if it keeps happening, tell your Roster admin (the add-on\'s client ID must be ' +
        'in ROSTER_ID_TOKEN_AUDIENCES).';
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
  if (status === 429 || status === 503) {
    const what = detail ? ` ${detail}` : '';
    return `Roster's server is busy or waiting on Google right now.${what} Wait a minute and ` +
        'try again.';
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
 * The server's address, as tools/build.js wrote it (it also wrote the allowlist from it).
 * @param {Services} services
 * @return {string}
 */
function backendUrl_(services) {
  return services.config.backendUrl.replace(/\/+$/, '');
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
 * @param {{status?: number, issues?: Array<Issue>, kind?: string, body?: any}=} details
 * @return {RosterError}
 */
function rosterError_(message, details) {
  const error = /** @type {RosterError} */ (new Error(message));
  error.name = 'RosterError';
  error.status = details && details.status;
  error.issues = details && details.issues;
  error.kind = details && details.kind;
  error.body = details && details.body;
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
