import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DIST = fileURLToPath(new URL('../', import.meta.url));
/** Generous: two loaded cores start Jest in a few seconds; a process held by a timer never ends. */
const EXIT_BOUND_MS = 25_000;

interface Run {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs `node args` from the repository root; a run past the bound is killed and reported with code null. */
function runNode(args: string[]): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, NODE_OPTIONS: '', FORCE_COLOR: '0' } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_BOUND_MS);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

describe('testing mode keeps no test runner alive', () => {
  it('a Jest run of the README example (forceExit off) passes and exits by itself', async () => {
    const config = JSON.stringify({ rootDir: `${DIST}examples`, testEnvironment: 'node', transform: {}, testMatch: ['**/welcome.jobs.spec.js'], forceExit: false });
    const run = await runNode(['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--config', config, '--ci']);
    expect(run.output).toMatch(/Tests:\s+3 passed, 3 total/);
    expect(run.output).not.toContain('did not exit');
    expect(run.code).toBe(0);
  }, EXIT_BOUND_MS + 5_000);

  it.each([
    ['the README example', 'examples/welcome.jobs.node-test.js'],
    ['a test that never closes its app', 'testing/unclosed-app.node-test.js'],
  ])('node --test of %s passes and exits by itself', async (_what, file) => {
    const run = await runNode(['--test', `${DIST}${file}`]);
    expect(run.output).toMatch(/# fail 0/);
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(EXIT_BOUND_MS);
  }, EXIT_BOUND_MS + 5_000);
});

/** Fails any import of a test framework from the module graph of the code under test. */
const NO_TEST_FRAMEWORK = `
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
  export async function resolve(specifier, context, next) {
    if (/^(jest|@jest\\\\/|vitest|@vitest\\\\/|mocha|node:test)/.test(specifier)) throw new Error('test framework imported: ' + specifier);
    return next(specifier, context);
  }\`));
`;

describe("'@nest-jobs/core/testing' under any runner", () => {
  it('imports under plain node with no test framework anywhere in its module graph', async () => {
    const run = await runNode(['--input-type=module', '-e', `${NO_TEST_FRAMEWORK}
      const testing = await import('@nest-jobs/core/testing');
      console.log('loaded', typeof testing.JobsTester, typeof testing.JobsTesterError);`]);
    expect(run.output).toContain('loaded function function');
    expect(run.code).toBe(0);
  });

  it('(the check works: the Jest-based conformance suite is refused)', async () => {
    const run = await runNode(['--input-type=module', '-e', `${NO_TEST_FRAMEWORK}
      await import('@nest-jobs/core/conformance');`]);
    expect(run.output).toContain('test framework imported: @jest/globals');
    expect(run.code).not.toBe(0);
  });
});
