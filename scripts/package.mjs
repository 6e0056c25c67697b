// `npm run package`: builds the bundles and packages the desktop app for this platform
// (electron-builder.yml). Arguments go to electron-builder: `npm run package -- --linux deb`.
//
// Why a script and not two commands: better-sqlite3 has to be rebuilt for Electron while
// packaging, and that rebuild goes wrong silently when npm's `nodedir` (set on these
// machines to Node's own headers) reaches it — it compiles against Node's headers but
// stamps Electron's ABI. So the nodedir is removed from electron-builder's environment, and
// afterwards node_modules is rebuilt for Node again, for the tests (see TOOLCHAIN.md).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const extraArgs = process.argv.slice(2);

function step(title) {
  console.log(`\n== package: ${title}`);
}

/** Runs a command in the project folder, showing it first; throws when it fails. */
function run(label, command, args, env = process.env) {
  console.log(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) throw new Error(`${label} could not start: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(`${label} failed (${result.signal ?? `exit code ${result.status}`})`);
}

function runNodeScript(label, script, args, env) {
  run(label, process.execPath, [join(root, script), ...args], env);
}

/** npm as the one running this script, so that Windows needs no shell for npm.cmd. */
function runNpm(label, args) {
  const npmCli = process.env.npm_execpath;
  if (npmCli && existsSync(npmCli)) run(label, process.execPath, [npmCli, ...args]);
  else run(label, process.platform === 'win32' ? 'npm.cmd' : 'npm', args);
}

/** The environment without npm's nodedir, whatever case npm or the user spelled it in. */
function withoutNodedir(env) {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => name.toLowerCase() !== 'npm_config_nodedir'),
  );
}

// The Electron binary is installed only where its download worked; electron-builder needs
// the same download (for each target platform), so without it there is no point starting.
if (!existsSync(join(root, 'node_modules', 'electron', 'path.txt'))) {
  console.error(
    'package: the Electron binary is not installed (node_modules/electron/path.txt is missing).\n' +
      'Packaging needs internet access: electron-builder downloads Electron for each target.\n' +
      'On a machine with internet, run `npm install` (which fetches Electron), then `npm run package`.',
  );
  process.exit(1);
}

let failed = false;
try {
  step('building main, preload and renderer (electron-vite build)');
  runNodeScript('electron-vite build', 'node_modules/electron-vite/bin/electron-vite.js', [
    'build',
  ]);

  // From here on better-sqlite3 in node_modules may be rebuilt for Electron: always undo it.
  try {
    const publish = extraArgs.some(
      (arg) => arg === '--publish' || arg === '-p' || arg.startsWith('--publish='),
    );
    step(
      `packaging with electron-builder for ${extraArgs.length > 0 ? extraArgs.join(' ') : `this platform (${process.platform})`}` +
        ' — it rebuilds better-sqlite3 for Electron, without npm_config_nodedir',
    );
    runNodeScript(
      'electron-builder',
      'node_modules/electron-builder/cli.js',
      // Packaging never uploads anything unless asked to (electron-builder would on a CI tag).
      [...extraArgs, ...(publish ? [] : ['--publish', 'never'])],
      withoutNodedir(process.env),
    );
    console.log('\npackage: the installers are in dist/');
  } finally {
    step('rebuilding better-sqlite3 for Node again, for the tests (npm rebuild better-sqlite3)');
    try {
      runNpm('npm rebuild better-sqlite3', ['rebuild', 'better-sqlite3']);
    } catch (error) {
      failed = true;
      console.error(
        `\npackage: ${error instanceof Error ? error.message : String(error)}; better-sqlite3 may still be ` +
          'built for Electron: run `npm rebuild better-sqlite3` before the tests.',
      );
    }
  }
} catch (error) {
  failed = true;
  console.error(`\npackage: ${error instanceof Error ? error.message : String(error)}`);
}
process.exit(failed ? 1 : 0);
