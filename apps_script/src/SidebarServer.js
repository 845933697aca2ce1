/** SidebarServer: opens the sidebar and answers its google.script.run calls with plain objects. */

/**
 * What the sidebar shows of the last validation.
 * @typedef {{sheetId: number, sheetName: string, at: string, atMs: number, summary: string,
 *            rows: string, errors: number, warnings: number, total: number, shown: number,
 *            stale: ?string,
 *            groups: Array<{label: string, severity: string, message: string, count: number,
 *                           countText: string, fixable: number, cells: Array<string>}>}} ValidationView
 */

/**
 * What the sidebar shows of the last import.
 * @typedef {{sheetName: string, status: string, done: boolean, failed: boolean, total: number,
 *            processed: number, text: string, error: ?string}} ImportView
 */

/**
 * Everything the sidebar draws. `error` is the failure of the call that returned it, with its
 * kind, so the sidebar can say what to do; entry points return it rather than throw.
 * @typedef {{validation: ?ValidationView, attempt: ?Attempt, import: ?ImportView,
 *            error: ?{message: string, kind: string}, notice: ?string}} SidebarState
 */

/**
 * @param {Services} services
 */
function openSidebar_(services) {
  const html = services.htmlService.createHtmlOutputFromFile('Sidebar').setTitle(TITLE);
  services.spreadsheetApp.getUi().showSidebar(html);
}

/**
 * The sidebar's content; an unfinished import is asked about again.
 * @return {SidebarState}
 */
function sidebarState() {
  return sidebarCall_((services) => null);
}

/**
 * Validate the active sheet from the sidebar's button: the result, or a job to poll.
 * @return {SidebarState}
 */
function sidebarValidate() {
  return sidebarCall_((services) => {
    startValidation_(services, activeTarget_(services));
    return null;
  });
}

/**
 * Ask about the validation job under way (the sidebar calls this every few seconds).
 * @return {SidebarState}
 */
function sidebarPollValidation() {
  return sidebarCall_((services) => {
    pollValidation_(services);
    return null;
  });
}

/**
 * Apply the unambiguous fixes, then check again.
 * @return {SidebarState}
 */
function sidebarFix() {
  return sidebarCall_((services) => {
    const target = activeTarget_(services);
    const changed = applyFixes_(services, target);
    if (!changed.length) {
      return 'Nothing was changed: no value has an unambiguous suggested fix.';
    }
    startValidation_(services, target);
    return `Fixed ${plural_(changed.length, 'cell')} (${cellList_(changed)}).`;
  });
}

/**
 * What an import would do, as the question the sidebar asks before starting it.
 * @return {SidebarState & {plan: ?{mode: ?string, text: string}}}
 */
function sidebarPlanImport() {
  /** @type {?{mode: ?string, text: string}} */
  let plan = null;
  const state = sidebarCall_((services) => {
    const planned = planFor_(services, activeTarget_(services));
    plan = {mode: planned.mode, text: planned.text};
    return null;
  });
  return Object.assign(state, {plan: plan});
}

/**
 * Start the import the user agreed to in the sidebar.
 * @param {string} mode  'all_or_nothing' or 'skip_invalid', from sidebarPlanImport
 * @return {SidebarState}
 */
function sidebarStartImport(mode) {
  return sidebarCall_((services) => {
    if (mode !== 'all_or_nothing' && mode !== 'skip_invalid') {
      throw rosterError_('Choose Import again: the sidebar asked for an unknown mode.');
    }
    startImportOf_(services, activeTarget_(services), mode);
    return null;
  });
}

/**
 * Select a cell of an issue the user clicked.
 * @param {number} sheetId
 * @param {string} cell  A1 notation; empty for an issue of the whole sheet
 * @return {SidebarState}
 */
function sidebarSelectCell(sheetId, cell) {
  const services = services_();
  try {
    selectCell_(services, sheetId, cell);
  } catch (error) {
    if (!isRosterError_(error)) {
      throw error;
    }
    return {validation: null, attempt: null, import: null, notice: null,
      error: {message: error.message, kind: error.kind || 'refused'}};
  }
  return {validation: null, attempt: null, import: null, notice: null, error: null};
}

/**
 * Run one sidebar action; whatever happens, answer with the whole state to draw, and a
 * RosterError as `error` (a bug still throws, so Apps Script logs it).
 * @param {(services: Services) => ?string} action  returns a notice to show, or null
 * @return {SidebarState}
 */
function sidebarCall_(action) {
  const services = services_();
  let notice = null;
  let failure = null;
  try {
    notice = action(services);
  } catch (error) {
    if (!isRosterError_(error)) {
      throw error;
    }
    failure = {message: error.message, kind: error.kind || 'refused'};
  }
  const state = sidebarState_(services);
  state.notice = notice;
  state.error = failure || (state.import && state.import.error ?
      {message: state.import.error, kind: 'unreachable'} : null);
  return state;
}

/**
 * @param {Services} services
 * @return {SidebarState}
 */
function sidebarState_(services) {
  return {validation: validationView_(services), attempt: loadAttempt_(services),
    import: importView_(services), error: null, notice: null};
}

/**
 * @param {Services} services
 * @return {?ValidationView}
 */
function validationView_(services) {
  const stored = loadValidation_(services);
  if (!stored) {
    return null;
  }
  return {
    sheetId: stored.sheetId,
    sheetName: stored.sheetName,
    at: formatTime_(services, stored.at),
    atMs: stored.atMs,
    summary: countsText_(stored),
    rows: thousands_(stored.summary.rows),
    errors: stored.summary.errors,
    warnings: stored.summary.warnings,
    total: stored.total,
    shown: stored.groups.reduce((sum, group) => sum + group.count, 0),
    stale: staleReason_(services, stored),
    groups: stored.groups.map((group) => ({
      label: groupLabel_(group), severity: group.severity, message: group.message,
      count: group.count, countText: plural_(group.count, 'cell'), fixable: group.fixable,
      cells: group.cells,
    })),
  };
}

/**
 * "Gender (F)", or "Whole sheet" for an issue of the sheet.
 * @param {IssueGroup} group
 * @return {string}
 */
function groupLabel_(group) {
  if (!group.column) {
    return 'Whole sheet';
  }
  const field = group.field ? group.field.replace(/_/g, ' ') : 'Column';
  return `${field.charAt(0).toUpperCase()}${field.slice(1)} (${group.column})`;
}

/**
 * @param {Services} services
 * @return {?ImportView}
 */
function importView_(services) {
  const stored = loadImport_(services);
  if (!stored) {
    return null;
  }
  let run = stored.run;
  let error = null;
  if (!isFinished_(run)) {
    try {
      run = getImport_(services, run.id);
      saveImport_(services, {sheetId: stored.sheetId, sheetName: stored.sheetName, run: run});
    } catch (caught) {
      if (!isRosterError_(caught)) {
        throw caught;
      }
      error = caught.message;
    }
  }
  const done = isFinished_(run);
  return {
    sheetName: stored.sheetName, status: run.status, done: done, failed: run.status === 'failed',
    total: run.total, processed: run.processed, error: error,
    text: done ? importResultText_(stored.sheetName, run) : progressText_(stored.sheetName, run),
  };
}

/**
 * @param {Services} services
 * @param {number} sheetId
 * @param {string} cell
 */
function selectCell_(services, sheetId, cell) {
  const a1 = cell || 'A1';
  if (!/^[A-Z]{1,3}[1-9][0-9]{0,6}$/.test(a1)) {
    throw rosterError_(`"${a1}" is not a cell address.`);
  }
  const sheet = sheetOf_(services, sheetId);
  sheet.activate();
  sheet.getRange(a1).activate();
}
