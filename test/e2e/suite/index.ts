/** The mocha entry point that VS Code (or code-server) loads into its extension host. */
import * as path from 'node:path';
import Mocha from 'mocha';

import { tour } from './tour';

export function run(): Promise<void> {
  const tourDir = process.env.OCTOPUS_ROLES_TOUR;
  if (tourDir) return tour(tourDir);
  const mocha = new Mocha({ ui: 'bdd', timeout: 60000, color: false, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'extension.test.js'));
  mocha.addFile(path.join(__dirname, 'editor.test.js'));
  mocha.addFile(path.join(__dirname, 'access.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} end-to-end tests failed`)) : resolve()));
  });
}
