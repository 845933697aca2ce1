/** Import: dry run and question (no lock held), a start under a short lock, the run followed. */

/** Document property holding the last import started from this spreadsheet. */
const LAST_IMPORT_PROPERTY = 'roster.lastImport';

const POLL_EVERY_MS = 3000;

/**
 * Apps Script stops an execution after 6 minutes. Follow the run for this long after the click
 * (dialogs included), leaving room for a slow last request; the sidebar follows it after that.
 */
const FOLLOW_FOR_MS = 4.5 * 60 * 1000;

/** How long a second window waits for another's start (a few seconds at most) before it gives up. */
const LOCK_WAIT_MS = 5000;

/**
 * The last import started from this spreadsheet.
 * @typedef {{sheetId: number, sheetName: string, run: ImportRun}} StoredImport
 */

/**
 * Import… from the menu: plan, ask, start, then follow the run.
 * @param {Services} services
 */
function importActiveSheet_(services) {
  const clickedAt = services.now();
  const target = activeTarget_(services);
  toast_(services, `Checking what an import of "${target.sheetName}" would do…`);
  const planned = planFor_(services, target);
  if (!planned.mode) {
    alert_(services, planned.text);
    return;
  }
  // The question is asked with no lock held: a pro who walks away blocks nobody. The server
  // allows one run per sheet; a teammate who started first is named by startImportOf_.
  if (!confirm_(services, planned.text)) {
    toast_(services, 'Nothing was imported.');
    return;
  }
  const run = startImportOf_(services, target, planned.mode);
  followImport_(services, target, run, clickedAt);
}

/**
 * Dry-run the import: the question to ask and the mode to import in, or why there is nothing.
 * @param {Services} services
 * @param {Target} target
 * @return {{mode: ?string, text: string, plan: {create: number, update: number, skip: number,
 *           blocked: number}}}
 */
function planFor_(services, target) {
  // One dry run in skip_invalid mode counts both the rows with errors and the rest (each dry run
  // reads the sheet and rewrites its notes, so one is enough). Without errors the import itself
  // stays all-or-nothing, in case someone adds one before it starts.
  const plan = planImport_(services, target.spreadsheetId, target.sheetId, 'skip_invalid');
  if (plan.create + plan.update === 0) {
    return {mode: null, text: nothingToImportText_(target, plan), plan: plan};
  }
  const mode = plan.blocked > 0 ? 'skip_invalid' : 'all_or_nothing';
  return {mode: mode, text: planText_(target, plan, mode), plan: plan};
}

/**
 * Start the import under a short document lock (two windows of one spreadsheet do not both
 * start), and recover a start whose answer was lost by looking the sheet's run up.
 * @param {Services} services
 * @param {Target} target
 * @param {string} mode
 * @return {ImportRun}
 */
function startImportOf_(services, target, mode) {
  const lock = services.lockService.getDocumentLock();
  if (!lock || !lock.tryLock(LOCK_WAIT_MS)) {
    throw rosterError_('An import is being started from this spreadsheet right now, in another ' +
        'window or by a teammate. Look at Roster > Open sidebar in a moment.', {kind: 'busy'});
  }
  let run;
  try {
    run = startImport_(services, target.spreadsheetId, target.sheetId, mode);
  } catch (error) {
    run = recoverStart_(services, target, error);
  } finally {
    lock.releaseLock();
  }
  saveImport_(services, {sheetId: target.sheetId, sheetName: target.sheetName, run: run});
  return run;
}

/**
 * A start that timed out may have opened the run anyway, and a second start of ours gets a 409
 * naming us: in both cases follow the sheet's run if it is this user's, never start blindly again.
 * @param {Services} services
 * @param {Target} target
 * @param {unknown} error
 * @return {ImportRun}
 */
function recoverStart_(services, target, error) {
  if (!isRosterError_(error) || (error.kind !== 'timeout' && error.status !== 409)) {
    throw error;
  }
  const active = activeImport_(services, target.spreadsheetId, target.sheetId);
  const me = String(idTokenClaims_(services).email || '').toLowerCase();
  if (active && active.started_by.toLowerCase() === me) {
    return active;
  }
  if (error.kind === 'timeout' && !active) {
    throw rosterError_('Roster\'s server did not answer in time and no import of this sheet is ' +
        'running, so nothing was imported. Try again in a minute.', {kind: 'timeout'});
  }
  throw error;
}

/**
 * Poll the run until it ends, or hand it to the sidebar before Apps Script's time limit.
 * @param {Services} services
 * @param {Target} target
 * @param {ImportRun} run
 * @param {number} clickedAt
 */
function followImport_(services, target, run, clickedAt) {
  while (!isFinished_(run)) {
    if (services.now() - clickedAt > FOLLOW_FOR_MS) {
      openSidebar_(services);
      alert_(services, `${progressText_(target.sheetName, run)} It carries on on Roster's ` +
          'server: the sidebar shows its progress, and you may close the spreadsheet.');
      return;
    }
    toast_(services, progressText_(target.sheetName, run));
    services.utilities.sleep(POLL_EVERY_MS);
    try {
      run = getImport_(services, run.id);
    } catch (error) {
      if (!isRosterError_(error)) {
        throw error;
      }
      throw rosterError_(`Roster lost track of the import's progress: ${error.message} The ` +
          'import carries on on the server; Roster > Open sidebar shows how far it got.');
    }
    saveImport_(services, {sheetId: target.sheetId, sheetName: target.sheetName, run: run});
  }
  alert_(services, importResultText_(target.sheetName, run));
}

/**
 * The question asked before an import, with the dry run's counts.
 * @param {Target} target
 * @param {{create: number, update: number, skip: number, blocked: number}} plan
 * @param {string} mode
 * @return {string}
 */
function planText_(target, plan, mode) {
  const lines = [`• ${plural_(plan.create, 'new client')} will be created.`];
  if (plan.update) {
    lines.push(`• ${plural_(plan.update, 'client')} will be updated.`);
  }
  if (plan.skip) {
    const rows = plural_(plan.skip, 'row is', 'rows are');
    lines.push(`• ${rows} already clients and will be skipped.`);
  }
  let question = `Import "${target.sheetName}" into Roster?`;
  if (mode === 'skip_invalid') {
    lines.push(`• ${plural_(plan.blocked, 'row has', 'rows have')} errors and will be skipped ` +
        '(see the notes on their cells).');
    question = `Some rows of "${target.sheetName}" have errors. Skip the invalid rows and import ` +
        'the others? Choose No to import nothing and fix them first.';
  }
  return question + '\n\n' + lines.join('\n') + '\n\nNo invitations are sent: new clients sign ' +
      'in with the initial password from the sheet and must change it.';
}

/**
 * Why a dry run found nothing to import.
 * @param {Target} target
 * @param {{create: number, update: number, skip: number, blocked: number}} plan
 * @return {string}
 */
function nothingToImportText_(target, plan) {
  const name = `"${target.sheetName}"`;
  if (plan.blocked) {
    const rows = plural_(plan.blocked, 'row has', 'rows have');
    return `Nothing can be imported from ${name}: ${rows} ` +
        'errors and no other row is a new client. The cells with errors have notes; fix them ' +
        '(Roster > Fix what can be fixed helps), then import again.';
  }
  if (plan.skip) {
    const rows = plan.skip === 1 ? 'its only row is already a client' :
        `all ${plan.skip} rows are already clients`;
    return `Nothing new to import from ${name}: ${rows}.`;
  }
  return `Nothing can be imported from ${name}: it has no client rows, or errors in the sheet ` +
      'block the import. Run Roster > Validate to see why.';
}

/**
 * Where a running import has got to.
 * @param {string} sheetName
 * @param {ImportRun} run
 * @return {string}
 */
function progressText_(sheetName, run) {
  if (run.status === 'queued') {
    return `The import of "${sheetName}" is waiting to start.`;
  }
  const done = `${thousands_(run.processed)} of ${plural_(run.total, 'row')} done`;
  return `Importing "${sheetName}": ${done}${run.processed ? ': ' + runCounts_(run) : ''}.`;
}

/**
 * "115 clients created, 0 updated, 5 rows skipped, 0 rows not imported"
 * @param {ImportRun} run
 * @return {string}
 */
function runCounts_(run) {
  return `${plural_(run.created, 'client')} created, ${thousands_(run.updated)} updated, ` +
      `${plural_(run.skipped, 'row')} skipped, ${plural_(run.failed_rows, 'row')} not imported`;
}

/**
 * The outcome of a finished import, with its counts.
 * @param {string} sheetName
 * @param {ImportRun} run
 * @return {string}
 */
function importResultText_(sheetName, run) {
  const counts = runCounts_(run);
  const noInvitations = 'No invitations were sent.';
  if (run.status === 'succeeded') {
    return `The import of "${sheetName}" finished: ${counts}. Each row's result is in a note on ` +
        `its email cell. ${noInvitations}`;
  }
  const why = run.message ? ` ${run.message.trim()}` : '';
  return `The import of "${sheetName}" stopped.${why} So far: ${counts}. Import again to finish: ` +
      `rows already imported are skipped, never duplicated. ${noInvitations}`;
}

/**
 * @param {ImportRun} run
 * @return {boolean}
 */
function isFinished_(run) {
  return run.status === 'succeeded' || run.status === 'failed' || run.status === 'undone';
}

/**
 * Remember the run so that the sidebar can follow it.
 * @param {Services} services
 * @param {StoredImport} stored
 */
function saveImport_(services, stored) {
  services.propertiesService.getDocumentProperties()
      .setProperty(LAST_IMPORT_PROPERTY, JSON.stringify(stored));
}

/**
 * The last import started from this spreadsheet, or null.
 * @param {Services} services
 * @return {?StoredImport}
 */
function loadImport_(services) {
  const text = services.propertiesService.getDocumentProperties().getProperty(LAST_IMPORT_PROPERTY);
  return text ? parseJson_(text) : null;
}
