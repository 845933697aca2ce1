/** Groups: issues counted by column, severity and message, and numbers with thousands separators. */

/** Cells named per group; the count covers them all. Same as the server's (validation_jobs.py). */
const GROUP_CELLS = 20;

/**
 * Issues of one column with the same severity and message, e.g. 83 gender cells.
 * @typedef {{field: ?string, column: ?string, severity: string, code: string, message: string,
 *            count: number, fixable: number, cells: Array<string>}} IssueGroup
 */

/**
 * Group issues as the server groups a validation job's (service/validation_jobs.py): by column,
 * severity and message; errors first, then the largest groups.
 * @param {Array<Issue>} issues
 * @return {Array<IssueGroup>}
 */
function groupIssues_(issues) {
  /** @type {Map<string, IssueGroup>} */
  const groups = new Map();
  for (const issue of issues) {
    const key = JSON.stringify([issue.column, issue.severity, issue.message]);
    let group = groups.get(key);
    if (!group) {
      group = {
        field: issue.field, column: issue.column ? columnLetter_(issue.column) : null,
        severity: issue.severity, code: issue.code, message: issue.message,
        count: 0, fixable: 0, cells: [],
      };
      groups.set(key, group);
    }
    group.count += 1;
    if (issue.fix !== null && issue.fix !== undefined) {
      group.fixable += 1;
    }
    if (group.cells.length < GROUP_CELLS) {
      group.cells.push(issue.cell || 'A1');
    }
  }
  return [...groups.values()].sort((a, b) =>
    (a.severity === 'error' ? 0 : 1) - (b.severity === 'error' ? 0 : 1) || b.count - a.count);
}

/**
 * 1 → A, 27 → AA.
 * @param {number} column
 * @return {string}
 */
function columnLetter_(column) {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

/**
 * 100000 → "100,000" (Apps Script's V8 has no reliable locale data, so done by hand).
 * @param {number} count
 * @return {string}
 */
function thousands_(count) {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
