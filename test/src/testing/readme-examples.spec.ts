import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** README code blocks marked `<!-- example: path -->`, with the file each quotes. */
function quotedExamples(): Array<[string, string]> {
  const readme = readFileSync(`${REPO}README.md`, 'utf8');
  return [...readme.matchAll(/<!-- example: (\S+) -->\n```(?:ts|json)\n([\s\S]*?)\n```/g)].map((match) => [match[1]!, match[2]!]);
}

describe('README examples are the files the tests compile and run', () => {
  it('quotes the set-up tsconfig, the Jest and node:test examples and the second connection', () => {
    expect(quotedExamples().map(([path]) => path)).toEqual([
      'test/fixtures/packed-apps/esm/tsconfig.json',
      'test/src/examples/welcome.jobs.ts',
      'test/src/examples/welcome.jobs.spec.ts',
      'test/src/examples/welcome.jobs.node-test.ts',
      'test/src/examples/billing-connection.ts',
    ]);
  });

  it.each(quotedExamples())('%s is quoted verbatim', (path, quoted) => {
    expect(quoted).toBe(readFileSync(`${REPO}${path}`, 'utf8').trimEnd());
  });
});
