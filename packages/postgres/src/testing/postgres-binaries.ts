import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where initdb and postgres live: `PG_BIN`, else Debian's newest `/usr/lib/postgresql/<v>/bin`, else `pg_config --bindir`. */
export function postgresBinDir(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) return fromEnv;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((name) => existsSync(join(debian, name, 'bin', 'initdb')));
    versions.sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('PostgreSQL server binaries not found: the tests start their own server. Install them with `apt-get install postgresql` (Debian/Ubuntu) or `brew install postgresql`, or set PG_BIN to the directory holding initdb and postgres.');
  }
}

/** The account the server runs as: postgres refuses to run as root, so a root process hands it to the `postgres` user. */
export interface ServerAccount {
  uid?: number;
  gid?: number;
}

export function serverAccount(): ServerAccount {
  if (process.getuid?.() !== 0) return {};
  const name = process.env.PG_TEST_USER ?? 'postgres';
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.startsWith(`${name}:`));
  if (!line) {
    throw new Error(`Running as root, the test PostgreSQL needs an unprivileged account to run as: create the user "${name}" (\`useradd -r ${name}\`) or set PG_TEST_USER to another one.`);
  }
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
