import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { consumerApp, publishablePackages, run, type ConsumerApp } from './support/consumerApp.js';

// Each package as installed from its tarball, loaded the two ways a user loads it, in a child process of this Node.
let app: ConsumerApp;
beforeAll(async () => {
  app = await consumerApp();
}, 600_000);

const exportsScript = (loader: string): string =>
  `${loader}.then((m) => process.stdout.write(JSON.stringify(Object.keys(m).filter((k) => k !== 'module.exports' && k !== '__esModule').sort())))`;

describe('every published package loads from its tarball', () => {
  for (const { name } of publishablePackages()) {
    describe(name, () => {
      let esm: string[];
      it('import (ESM)', async () => {
        const result = await run(process.execPath, ['--input-type=module', '-e', exportsScript(`import(${JSON.stringify(name)})`)], { cwd: app.dir });
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        esm = JSON.parse(result.stdout) as string[];
        expect(esm.length).toBeGreaterThan(0);
      });
      it('require (CommonJS), with the same exports', async () => {
        const result = await run(process.execPath, ['--input-type=commonjs', '-e', exportsScript(`Promise.resolve(require(${JSON.stringify(name)}))`)], { cwd: app.dir });
        // Node 20/22 print an ExperimentalWarning for require(esm) on some versions: anything else on stderr is a failure.
        expect(result.stderr.split('\n').filter((line) => line && !/ExperimentalWarning|--trace-warnings/.test(line))).toEqual([]);
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout)).toEqual(esm);
      });
    });
  }

  it("the cli's bin runs from the app (npx logferry --help)", async () => {
    const result = await run(join(app.dir, 'node_modules', '.bin', 'logferry'), ['--help'], { cwd: app.dir });
    expect(result.stdout + result.stderr).toMatch(/logferry/);
    expect(result.code).toBe(0);
  });
});
