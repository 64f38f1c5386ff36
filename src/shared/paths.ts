// Locations inside the project, found from this file so they work from src/ (tests) and dist/.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The project's root folder (the one holding package.json). */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The `wirechat` command (it runs the compiled CLI in dist/). */
export const wirechatBin = join(projectRoot, 'bin', 'wirechat.js');
/** Capture files and expected facts used by the decoder's tests. */
export const fixturesDir = join(projectRoot, 'test-data', 'fixtures');
/** Where tests write what a person may want to look at (screenshots, HTML views). */
export const testOutputDir = join(projectRoot, 'test-output');
