import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgresServer, type PostgresServerHandle } from '@nest-jobs/postgres/testing';
import { startRedisServer, type RedisServerHandle } from '@nest-jobs/redis/testing';
import { mapsWithMissingSources, pack, PACKAGES, REPO, repoVersion, run, type PackedPackage } from './packed-packages.js';

// What a user does first: the four packages packed as npm would publish them, installed
// into a brand-new app outside the repository, a CommonJS and an ES module app type-checked
// and built against them (with the repository's TypeScript and with 5.9), booted, one job run.
// Installs from the npm cache when it can (the versions the repository uses), else the registry.

const FIXTURES = join(REPO, 'test/fixtures/packed-apps');
const TS_59 = '~5.9.3';
const KINDS = ['cjs', 'esm'] as const;

let scratch: string;
let app: string;
let redis: RedisServerHandle;
let postgres: PostgresServerHandle;
const packed = new Map<string, PackedPackage>();

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'nest-jobs-packed-'));
  app = join(scratch, 'app');
  for (const dir of PACKAGES) packed.set(dir, await pack(dir, scratch));
  const dependencies: Record<string, string> = {
    ...Object.fromEntries([...packed.values()].map(({ dir, tarball }) => [`@nest-jobs/${dir}`, `file:${tarball}`])),
    ...Object.fromEntries(['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', '@nestjs/testing', 'reflect-metadata', 'rxjs', '@types/node']
      .map((name) => [name, repoVersion(name)])),
    typescript: TS_59,
  };
  cpSync(FIXTURES, app, { recursive: true });
  for (const kind of KINDS) cpSync(join(FIXTURES, 'shared/src'), join(app, kind, 'src'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'packed-app', private: true, dependencies }, null, 2));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], app);
  redis = await startRedisServer();
  postgres = await startPostgresServer();
}, 300_000);

afterAll(async () => {
  await redis?.stop();
  await postgres?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the packed tarballs', () => {
  it.each(PACKAGES)('@nest-jobs/%s carries README and LICENSE, and no build info, spec files or spec support', (dir) => {
    const { files } = packed.get(dir)!;
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json', 'dist/index.js', 'dist/index.d.ts']));
    expect(files.filter((file) => /\.tsbuildinfo$|\.spec\.|spec-support\/|(^|\/)e2e\//.test(file))).toEqual([]);
  });

  it.each(PACKAGES)('@nest-jobs/%s ships the sources its source maps name', (dir) => {
    expect(mapsWithMissingSources(join(app, 'node_modules/@nest-jobs', dir))).toEqual([]);
  });
});

describe.each(KINDS)('a fresh %s app on the installed packages', (kind) => {
  const root = (): string => join(app, kind);

  it('type-checks with TypeScript 5.9', async () => {
    await run(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', root(), '--noEmit'], root());
  }, 120_000);

  it('builds with the repository\'s TypeScript, boots, runs a job, serves the dashboard and ticks a 6-field cron', async () => {
    await run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', root()], root());
    const env = { ...process.env, REDIS_URL: kind === 'esm' ? redis.url : '' };
    const output = await run(process.execPath, ['dist/main.js'], root(), env);
    const report = JSON.parse(output.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(report).toEqual({ result: 'hello Ada', driver: kind === 'esm' ? 'redis' : 'memory', dashboard: 200, ticked: true });
  }, 120_000);

  it('migrates a schema with the packed nest-jobs-postgres-migrate command, then runs a job and a tick on PostgresDriver', async () => {
    const schema = `packed_${kind}`;
    const migrate = await run(process.execPath, [join(app, 'node_modules/.bin/nest-jobs-postgres-migrate'), '--url', postgres.url, '--schema', schema], root());
    expect(migrate).toMatch(new RegExp(`driver schema "${schema}" at version \\d+ \\(applied version\\(s\\) 1, `));
    const env = { ...process.env, REDIS_URL: '', DATABASE_URL: postgres.url, JOBS_SCHEMA: schema };
    const output = await run(process.execPath, ['dist/main.js'], root(), env);
    expect(JSON.parse(output.trim().split('\n').pop()!)).toEqual({ result: 'hello Ada', driver: 'postgres', dashboard: 200, ticked: true });
  }, 120_000);

  it('runs its node:test test with JobsTester from @nest-jobs/core/testing', async () => {
    const output = await run(process.execPath, ['--test', 'dist/greeting.jobs.test.js'], root());
    expect(output).toMatch(/# pass 1\b/);
  }, 120_000);
});

describe('the classic module resolution (README, "Set up in your app")', () => {
  it('finds the main entry point but not a subpath export: TS2307 for @nest-jobs/core/testing', async () => {
    writeFileSync(join(app, 'classic.ts'), "import { JobsModule } from '@nest-jobs/core';\nimport { JobsTester } from '@nest-jobs/core/testing';\nexport type Both = [JobsModule, JobsTester];\n");
    const tsc = [join(app, 'node_modules/typescript/bin/tsc'), '--noEmit', '--module', 'commonjs', '--moduleResolution', 'node10', '--types', 'node', '--skipLibCheck', 'classic.ts'];
    const failure = await run(process.execPath, tsc, app).then(() => '', (error: Error) => error.message);
    expect(failure).toContain("classic.ts(2,28): error TS2307: Cannot find module '@nest-jobs/core/testing'");
    expect(failure).not.toContain('classic.ts(1,');
  }, 120_000);
});
