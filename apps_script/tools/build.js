'use strict';
/**
 * The build: one configured backend URL becomes both the URL the script calls (Config.js) and the
 * manifest's URL fetch allowlist, for one of the two forms (SPEC §1):
 *
 *   node tools/build.js --form addon|bound --backend-url https://roster.example.com \
 *       [--script-id ID] [--out build/addon]
 *
 * The URL may also come from ROSTER_BACKEND_URL. The output directory is what clasp pushes: with
 * --script-id it gets its own .clasp.json (rootDir "."), so `cd build/addon && clasp push`.
 * Nothing in src/ names a backend, so the repository holds no placeholder that blocks calls.
 */

const fs = require('node:fs');
const path = require('node:path');

const SRC = path.join(__dirname, '..', 'src');
const FORMS = ['addon', 'bound'];

/**
 * The backend's base URL, checked the way Apps Script checks allowlist prefixes: https, a full
 * domain; returned without a trailing slash.
 * @param {string|undefined} url
 * @returns {string}
 */
function checkBackendUrl(url) {
  const value = String(url || '').trim().replace(/\/+$/, '');
  if (!value) {
    throw new Error('No backend URL: pass --backend-url https://… or set ROSTER_BACKEND_URL.');
  }
  let parsed;
  try {
    parsed = new URL(value);
  } catch (error) {
    throw new Error(`The backend URL "${value}" is not a URL.`);
  }
  if (parsed.protocol !== 'https:' || !parsed.hostname.includes('.') || parsed.search ||
      parsed.hash || parsed.username) {
    throw new Error(`The backend URL must be https://host[/path] with a full domain, not "${value}" ` +
        '(Apps Script fetches and allowlists https URLs only).');
  }
  return value;
}

/**
 * Write the pushable project for one form.
 * @param {{form: string, backendUrl: string, out: string, scriptId?: string}} options
 * @returns {{out: string, manifest: object, config: {backendUrl: string, form: string}}}
 */
function build({form, backendUrl, out, scriptId}) {
  if (!FORMS.includes(form)) {
    throw new Error(`--form must be addon or bound, not "${form}".`);
  }
  const url = checkBackendUrl(backendUrl);
  fs.rmSync(out, {recursive: true, force: true});
  fs.mkdirSync(out, {recursive: true});
  for (const file of fs.readdirSync(SRC)) {
    if (/\.(js|html)$/.test(file)) fs.copyFileSync(path.join(SRC, file), path.join(out, file));
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(SRC, 'appsscript.json'), 'utf8'));
  // The allowlist is the backend URL as a prefix with a non-empty path, as Apps Script requires.
  manifest.urlFetchWhitelist = [url + '/'];
  fs.writeFileSync(path.join(out, 'appsscript.json'), JSON.stringify(manifest, null, 2) + '\n');
  const config = {backendUrl: url, form};
  fs.writeFileSync(path.join(out, 'Config.js'),
      '/** Config: written by tools/build.js from one backend URL; do not edit. */\n\n' +
      `const ROSTER_CONFIG = ${JSON.stringify(config, null, 2)};\n`);
  if (scriptId) {
    fs.writeFileSync(path.join(out, '.clasp.json'), JSON.stringify({
      scriptId, rootDir: '.', scriptExtensions: ['.js'], htmlExtensions: ['.html'],
    }, null, 2) + '\n');
  }
  return {out, manifest, config};
}

/** @param {Array<string>} argv */
function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    const value = argv[i + 1];
    if (!/^--(form|backend-url|script-id|out)$/.test(name) || value === undefined) {
      throw new Error(`Unknown or incomplete option ${name}. Usage: node tools/build.js ` +
          '--form addon|bound --backend-url https://… [--script-id ID] [--out DIR]');
    }
    options[name.slice(2).replace(/-(.)/g, (_, c) => c.toUpperCase())] = value;
  }
  return options;
}

if (require.main === module) {
  try {
    const options = parseArgs(process.argv.slice(2));
    const form = options.form || 'bound';
    const result = build({
      form,
      backendUrl: options.backendUrl || process.env.ROSTER_BACKEND_URL,
      scriptId: options.scriptId,
      out: path.resolve(options.out || path.join(__dirname, '..', 'build', form)),
    });
    console.log(`Built the ${form} form in ${result.out}: it calls ${result.config.backendUrl} ` +
        `and allows ${result.manifest.urlFetchWhitelist.join(', ')}.`);
  } catch (error) {
    console.error(String(error.message || error));
    process.exit(2);
  }
}

module.exports = {build, checkBackendUrl, parseArgs, FORMS};
