/** Connect: Roster > Connect to Roster… sends an admin's one-time link code for this sheet. */

/**
 * Ask for the link code and connect this spreadsheet with it (SPEC §6): the server records this
 * script's ID-token audience for this spreadsheet only.
 * @param {Services} services
 */
function connectFromMenu_(services) {
  const ui = services.spreadsheetApp.getUi();
  const answer = ui.prompt(TITLE, 'Enter the link code a Roster admin gave you. A code works ' +
      'once, for 24 hours (admins make one in the console or with `roster sheets link-code`).',
  ui.ButtonSet.OK_CANCEL);
  if (answer.getSelectedButton() !== ui.Button.OK) {
    return;
  }
  const code = answer.getResponseText().trim();
  if (!code) {
    alert_(services, 'No code was entered, so nothing changed. Choose Roster > Connect to ' +
        'Roster… again and paste the code.');
    return;
  }
  const spreadsheetId = services.spreadsheetApp.getActive().getId();
  let result;
  try {
    result = connectSheet_(services, spreadsheetId, code);
  } catch (error) {
    if (isRosterError_(error) && error.status === 403) {
      // The server says which: a wrong code, a used one, an expired one, or not a member.
      throw rosterError_(`Roster did not connect this spreadsheet: ${error.message} Ask a ` +
          'Roster admin for a new code.', {status: 403, kind: 'forbidden'});
    }
    throw error;
  }
  alert_(services, `This spreadsheet is now connected to the Roster organisation ` +
      `"${result.organisation}". Its members can validate and import it; nothing else needs ` +
      'to be set up.');
}
