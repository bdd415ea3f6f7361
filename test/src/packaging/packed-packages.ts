import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const PACKAGES = ['core', 'redis', 'postgres', 'dashboard'] as const;
export type PackageDir = (typeof PACKAGES)[number];

const exec = promisify(execFile);

/** Runs a command; on failure the error carries its output. */
export async function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout + stderr;
  } catch (error) {
    const failed = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`, { cause: error });
  }
}

export interface PackedPackage {
  dir: PackageDir;
  tarball: string;
  files: string[];
}

/** `npm pack` of one workspace package (its dist must be built) into `destination`. */
export async function pack(dir: PackageDir, destination: string): Promise<PackedPackage> {
  const output = await run('npm', ['pack', '--json', '--pack-destination', destination, '--loglevel=error'], join(REPO, 'packages', dir));
  const [report] = JSON.parse(output.slice(output.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { dir, tarball: join(destination, report!.filename), files: report!.files.map((file) => file.path) };
}

/** The exact version of a package installed in the repository, so a fresh install hits the npm cache. */
export function repoVersion(name: string): string {
  return (JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Source maps under `root` whose `sources` name a file that is not there. */
export function mapsWithMissingSources(root: string): string[] {
  const missing: string[] = [];
  for (const map of walk(root).filter((file) => file.endsWith('.map'))) {
    const { sources, sourceRoot = '' } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[]; sourceRoot?: string };
    for (const source of sources) {
      const path = resolve(dirname(map), sourceRoot, source);
      if (!existsSync(path)) missing.push(`${relative(root, map)} → ${source}`);
    }
  }
  return missing;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
