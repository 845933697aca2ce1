'use strict';
/**
 * The sidebar in each state, as docs/apps_script/NN-state.png: runs the Chromium tests
 * (test/sidebar.browser.test.js) with ROSTER_SCREENSHOTS set, so the pictures are of what the
 * tests check. Google's add-on stylesheet cannot be fetched here, so buttons and type are the
 * browser's own; in a real sidebar add-ons1.css styles them.
 */
const path = require('node:path');
const {spawnSync} = require('node:child_process');

const out = path.resolve(__dirname, '..', '..', 'docs', 'apps_script');
const result = spawnSync(process.execPath, ['--test', 'test/sidebar.browser.test.js'], {
  cwd: path.join(__dirname, '..'), stdio: 'inherit',
  env: {...process.env, ROSTER_SCREENSHOTS: out},
});
if (result.status === 0) console.log(`Screenshots in ${out}`);
process.exit(result.status === null ? 1 : result.status);
