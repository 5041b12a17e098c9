/** A missing engine is named, with the command that installs it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EngineMissingError, engineExecutable } from '../../engines/executables';

test('an engine named by its variable but not executable is refused with the name and the install command', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'engine-')), 'temporal');
  writeFileSync(file, '#!/bin/sh\n', { mode: 0o644 });
  const attempt = () => engineExecutable('temporal', { TEMPORAL_CLI: file });
  expect(attempt).toThrow(EngineMissingError);
  expect(attempt).toThrow(`the Temporal CLI (temporal server start-dev) is not installed: TEMPORAL_CLI=${file} is not an executable; install the engines with \`engines/install.sh\``);
});

test('an engine named by its variable and executable is used as it is', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'engine-')), 'moto_server');
  writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
  expect(engineExecutable('moto_server', { MOTO_SERVER: file })).toBe(file);
});

test('without its variable, the engine is the one engines/install.sh linked', () => {
  expect(engineExecutable('temporal-test-server', {})).toMatch(/\.engines\/bin\/temporal-test-server$/);
});
