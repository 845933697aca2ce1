/** SidebarServer: opens the sidebar and answers its google.script.run calls with plain objects. */

/**
 * What the sidebar shows of the last validation.
 * @typedef {{sheetId: number, sheetName: string, at: string, summary: string,
 *            issues: Array<{cell: string, severity: string, message: string, fix: ?string}>,
 *            more: number}} ValidationView
 */

/**
 * What the sidebar shows of the last import.
 * @typedef {{sheetName: string, status: string, done: boolean, total: number, processed: number,
 *            text: string, error: ?string}} ImportView
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
 * @return {{validation: ?ValidationView, import: ?ImportView}}
 */
function sidebarState() {
  return sidebarState_(services_());
}

/**
 * Validate the active sheet from the sidebar's button.
 * @return {{validation: ?ValidationView, import: ?ImportView}}
 */
function sidebarValidate() {
  const services = services_();
  runValidation_(services, activeTarget_(services));
  return sidebarState_(services);
}

/**
 * Select the cell of an issue the user clicked.
 * @param {number} sheetId
 * @param {string} cell  A1 notation; empty for an issue of the whole sheet
 */
function sidebarSelectCell(sheetId, cell) {
  selectCell_(services_(), sheetId, cell);
}

/**
 * @param {Services} services
 * @return {{validation: ?ValidationView, import: ?ImportView}}
 */
function sidebarState_(services) {
  return {validation: validationView_(services), import: importView_(services)};
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
    summary: countsText_(stored),
    // A sheet-level issue has no cell; its note is on A1 (SPEC §3).
    issues: stored.issues.map((issue) => ({
      cell: issue.cell || 'A1', severity: issue.severity, message: issue.message,
      fix: issue.fix === undefined ? null : issue.fix,
    })),
    more: stored.total - stored.issues.length,
  };
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
    sheetName: stored.sheetName, status: run.status, done: done, total: run.total,
    processed: run.processed, error: error,
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
  const sheet = services.spreadsheetApp.getActive().getSheets()
      .find((candidate) => candidate.getSheetId() === sheetId);
  if (!sheet) {
    throw rosterError_('That worksheet no longer exists: validate again.');
  }
  sheet.activate();
  sheet.getRange(a1).activate();
}
