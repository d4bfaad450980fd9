// First start on an empty database: the account, its master token and a demo project ready to use,
// summed up in a short block for the operator.
import { formatCredits } from '../core/index.js';
import type { Gateway } from './gateway.js';

export interface FirstStartReport {
  isNew: boolean;
  masterToken: string | undefined;
  masterTokenFromConfig: boolean;
  demo: { projectId: number; apiToken: string; licenseKey: string } | undefined;
  balance: number;
}

export async function ensureAccount(gateway: Gateway): Promise<FirstStartReport> {
  const { accounts, projects, wallet } = gateway.services;
  const ensured = await accounts.ensure({
    masterToken: gateway.config.masterToken || undefined,
    initialCredits: gateway.config.initialCredits,
  });
  let demo: FirstStartReport['demo'];
  if (ensured.isNew && gateway.config.createDemoProject) {
    const created = await projects.create(ensured.account.id, { projectName: 'Demo', generateApiToken: true, notes: 'Created on first start' });
    demo = { projectId: created.project.id, apiToken: created.tokens[0]!.token, licenseKey: created.project.licenseKey };
  }
  return {
    isNew: ensured.isNew,
    masterToken: ensured.generatedMasterToken,
    masterTokenFromConfig: Boolean(gateway.config.masterToken),
    demo,
    balance: await wallet.balance(ensured.account.id),
  };
}

/** The block printed once on first start. Secrets appear here and nowhere else. */
export function firstStartBlock(report: FirstStartReport, url: string): string {
  const lines = ['', '  Switchboard is ready: first start, new account created.', ''];
  lines.push(`  Master token (pm/* API):  ${report.masterToken ?? '(from SWITCHBOARD_MASTER_TOKEN)'}`);
  if (report.demo) {
    lines.push(`  Demo project id:          ${report.demo.projectId}`);
    lines.push(`  Demo project API token:   ${report.demo.apiToken}`);
    lines.push(`  Demo license key:         ${report.demo.licenseKey}`);
  }
  lines.push(`  Wallet balance:           ${formatCredits(report.balance)} credits`);
  lines.push(`  Web console:              ${url}/console (sign in with the master token)`);
  // True to what is stored: tokens as hashes only; the license key sealed, since pm/get-projects shows it again.
  lines.push('', '  The tokens are shown only now: the database keeps only their hashes.');
  if (report.demo) lines.push('  The license key is stored encrypted; pm/get-projects shows it again.');
  if (report.demo) {
    const body = JSON.stringify({ token: report.demo.apiToken, application: 1, globalmessage: 'Hello from Switchboard', data: [{ number: '15550001111' }] });
    lines.push('', '  Send a message (it waits in the queue until a phone is paired):', '');
    lines.push(`  curl -s -X POST ${url}/api/v2/push -H 'Content-Type: application/json' -d '${body}'`);
    lines.push('', '  Pair a simulated phone (in another terminal) to see it sent:', '');
    lines.push(`  npx switchboard agent --server ${url} --license ${report.demo.licenseKey} --delay-ms 0`);
  }
  lines.push('');
  return lines.join('\n');
}
