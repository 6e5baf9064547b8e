/** The `logferry` command as a function, for scripts and tests: `await main(['replay', '--config', 'f.json', '--spool', 'p'])` resolves to the exit code. */
export { main } from './cli.js';
