// The floor for any stdio proxy: a process that copies bytes between its stdio and one child's, with
// no parsing at all. `npm run bench` measures it beside mcp-warden, so the cost of the extra hop
// itself is visible apart from the cost of what the gateway does.
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
process.stdin.pipe(child.stdin);
child.stdout.pipe(process.stdout);
process.stdin.on('end', () => child.kill());
child.on('exit', () => process.exit(0));
