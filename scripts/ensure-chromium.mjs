// The browser tests run in Debian's Chromium (Playwright cannot download its own here).
// Finds it, or installs it with apt when we are root, saying so; otherwise explains.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const isRoot = process.getuid?.() === 0;
const sudo = !isRoot && spawnSync('sudo', ['-n', 'true']).status === 0;
if (!isRoot && !sudo) {
  console.error(
    `meterdesk tests: Chromium not found at ${path}. Install it with "sudo apt-get install -y chromium", ` +
      'or set CHROMIUM_PATH to a Chromium binary.',
  );
  process.exit(1);
}
console.log('meterdesk tests: Chromium is missing; installing it with apt-get install -y chromium …');
const run = (args) =>
  execFileSync(sudo ? 'sudo' : args[0], sudo ? ['-n', ...args] : args.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
try {
  run(['apt-get', 'update', '-q']);
} catch {
  console.log('meterdesk tests: apt-get update failed; trying the install with the current lists');
}
run(['apt-get', 'install', '-y', '-q', 'chromium']);
if (!existsSync(path)) {
  console.error(`meterdesk tests: apt installed chromium, but ${path} is still missing`);
  process.exit(1);
}
