/** Menu: the Roster menu and its thin handlers, which turn a RosterError into an alert. */

const TITLE = 'Roster';

/**
 * Add the Roster menu when the spreadsheet opens. A simple trigger: for the add-on it may run in
 * AuthMode.NONE, where only the menu may be built, so it reads no property, no sheet and calls
 * no server (the form comes from the build's Config.js constant, not from a service).
 * @param {GoogleAppsScript.Events.SheetsOnOpen=} e
 */
function onOpen(e) {
  const ui = SpreadsheetApp.getUi();
  const addon = typeof ROSTER_CONFIG !== 'undefined' && ROSTER_CONFIG.form === 'addon';
  // The add-on's menu sits under Extensions, named after the add-on; a bound script's is its own.
  const menu = addon ? ui.createAddonMenu() : ui.createMenu(TITLE);
  menu.addItem('Validate', 'menuValidate')
      .addItem('Import…', 'menuImport')
      .addItem('Fix what can be fixed', 'menuFix')
      .addSeparator()
      .addItem('Set up template', 'menuSetUpTemplate')
      .addItem('Clear Roster notes', 'menuClearNotes')
      .addSeparator()
      .addItem('Open sidebar', 'menuOpenSidebar');
  if (!addon) {
    // Only a bound script has its own client ID to record (SPEC §6); the add-on's is configured.
    menu.addSeparator().addItem('Connect to Roster…', 'menuConnect');
  }
  menu.addToUi();
}

/**
 * The add-on was installed from the Marketplace: show its menu in this spreadsheet at once
 * (onOpen ran before the install, so nothing else would until the next open).
 * @param {GoogleAppsScript.Events.AddonOnInstall=} e
 */
function onInstall(e) {
  onOpen(/** @type {any} */ (e));
}

function menuConnect() {
  runFromMenu_(connectFromMenu_);
}

function menuValidate() {
  runFromMenu_(validateActiveSheet_);
}

function menuImport() {
  runFromMenu_(importActiveSheet_);
}

function menuFix() {
  runFromMenu_(fixActiveSheet_);
}

function menuSetUpTemplate() {
  runFromMenu_(setUpTemplate_);
}

function menuClearNotes() {
  runFromMenu_(clearRosterNotes_);
}

function menuOpenSidebar() {
  runFromMenu_(openSidebar_);
}

/**
 * Run a menu action with the real services; show a RosterError as an alert, let bugs surface.
 * @param {(services: Services) => void} action
 */
function runFromMenu_(action) {
  const services = services_();
  try {
    action(services);
  } catch (error) {
    if (!isRosterError_(error)) {
      throw error;  // a bug: Apps Script shows it and logs the stack (exceptionLogging)
    }
    alert_(services, error.message);
  }
}

/**
 * Show a message with an OK button.
 * @param {Services} services
 * @param {string} message
 */
function alert_(services, message) {
  const ui = services.spreadsheetApp.getUi();
  ui.alert(TITLE, message, ui.ButtonSet.OK);
}

/**
 * A short message in the corner of the spreadsheet, for work that takes a few seconds.
 * @param {Services} services
 * @param {string} message
 */
function toast_(services, message) {
  services.spreadsheetApp.getActive().toast(message, TITLE, 10);
}

/**
 * Ask a yes/no question.
 * @param {Services} services
 * @param {string} question
 * @return {boolean} whether the user chose Yes
 */
function confirm_(services, question) {
  const ui = services.spreadsheetApp.getUi();
  return ui.alert(TITLE, question, ui.ButtonSet.YES_NO) === ui.Button.YES;
}

/**
 * "1 row", "2 rows".
 * @param {number} count
 * @param {string} singular
 * @param {string=} plural
 * @return {string}
 */
function plural_(count, singular, plural) {
  return thousands_(count) + ' ' + (count === 1 ? singular : (plural || singular + 's'));
}
