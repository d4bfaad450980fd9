// docs/device-protocol.md describes exactly the frames src/bridge/frames.ts defines.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEVICE_COMMANDS, DEVICE_FRAME_TYPES, ERROR_REASONS, GATEWAY_FRAME_TYPES, REFUSAL_REASONS } from '../src/bridge/frames.js';

const doc = readFileSync(new URL('../docs/device-protocol.md', import.meta.url), 'utf8');

function firstColumn(heading: string): string[] {
  const section = doc.split(`## ${heading}`)[1]!.split('\n## ')[0]!;
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => line.split('|')[1]!.match(/`([^`]+)`/g)!.map((code) => code.replaceAll('`', '')));
}

describe('docs/device-protocol.md', () => {
  it('lists every device frame and every gateway frame', () => {
    expect(firstColumn('Device → gateway')).toEqual([...DEVICE_FRAME_TYPES]);
    expect(firstColumn('Gateway → device')).toEqual([...GATEWAY_FRAME_TYPES]);
  });

  it('lists every command, refusal and error reason', () => {
    expect(firstColumn('Commands').sort()).toEqual([...DEVICE_COMMANDS].sort());
    for (const reason of [...REFUSAL_REASONS, ...ERROR_REASONS]) expect(doc).toContain(`\`${reason}\``);
  });
});
