// Config.js is written by tools/build.js (one backend URL, one form); this declares it for tsc.
declare const ROSTER_CONFIG: {backendUrl: string; form: 'addon' | 'bound'};
