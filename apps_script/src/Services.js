/** Services: the one reader of Apps Script's globals; every other function takes them in. */

/**
 * The Apps Script services the Roster script uses, gathered so that tests can pass fakes.
 * @typedef {Object} Services
 * @property {GoogleAppsScript.Spreadsheet.SpreadsheetApp} spreadsheetApp
 * @property {GoogleAppsScript.URL_Fetch.UrlFetchApp} urlFetchApp
 * @property {GoogleAppsScript.Script.ScriptApp} scriptApp
 * @property {GoogleAppsScript.Properties.PropertiesService} propertiesService
 * @property {GoogleAppsScript.Lock.LockService} lockService
 * @property {GoogleAppsScript.HTML.HtmlService} htmlService
 * @property {GoogleAppsScript.Utilities.Utilities} utilities
 * @property {() => number} now  milliseconds since the epoch (so tests control time)
 * @property {{backendUrl: string, form: string}} config  what tools/build.js wrote (Config.js)
 */

/**
 * The real services, as Apps Script provides them to entry points (menu items, google.script.run).
 * @return {Services}
 */
function services_() {
  return {
    spreadsheetApp: SpreadsheetApp,
    urlFetchApp: UrlFetchApp,
    scriptApp: ScriptApp,
    propertiesService: PropertiesService,
    lockService: LockService,
    htmlService: HtmlService,
    utilities: Utilities,
    now: () => Date.now(),
    config: rosterConfig_(),
  };
}

/**
 * The build's configuration, or a RosterError saying how to build when the files were pushed
 * from src/ directly.
 * @return {{backendUrl: string, form: string}}
 */
function rosterConfig_() {
  if (typeof ROSTER_CONFIG === 'undefined' || !ROSTER_CONFIG.backendUrl) {
    throw rosterError_('Roster was installed without its backend address. Ask your Roster admin ' +
        'to build it with `node tools/build.js --backend-url https://…` and push build/, not src/.');
  }
  return ROSTER_CONFIG;
}
